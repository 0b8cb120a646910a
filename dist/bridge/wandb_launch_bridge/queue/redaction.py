"""The launch spec that launch_add prints holds the `config` input (secrets included): the printed
copy is redacted, the pushed spec is not changed."""

from __future__ import annotations

# Spec keys printed as they are; every other value in the printed spec is masked.
SHOWN_SPEC_KEYS = (
    "job",
    "entity",
    "project",
    "name",
    "run_id",
    "resource",
    "uri",
    "author",
    "sweep_id",
    "queue_entity",
)
MASK = "***"


def redact_printed_spec():
    """launch_add prints the spec: print a redacted copy instead."""
    import wandb.sdk.launch._launch_add as launch_add_module

    if not isinstance(getattr(launch_add_module, "pprint", None), _RedactingPprint):
        import pprint

        launch_add_module.pprint = _RedactingPprint(pprint)


def redacted_spec(spec):
    """The launch spec as launch_add prints it, with every value that may come from `config`,
    `resource_args` or overrides masked. Keys stay, so the log still shows the spec's shape."""

    def mask(value):
        if isinstance(value, dict):
            return {k: mask(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [mask(v) for v in value]
        return value if value is None or isinstance(value, bool) else MASK

    if not isinstance(spec, dict):
        return MASK
    shown = {}
    for key, value in spec.items():
        if key in SHOWN_SPEC_KEYS and (value is None or isinstance(value, (str, int, float, bool))):
            shown[key] = value
        elif key == "docker" and isinstance(value, dict):
            shown[key] = {k: (v if k == "docker_image" else mask(v)) for k, v in value.items()}
        elif key == "git" and isinstance(value, dict):
            shown[key] = {k: (v if k == "version" else mask(v)) for k, v in value.items()}
        else:
            shown[key] = mask(value)
    return shown


class _RedactingPprint:
    """Stands in for the pprint module inside wandb/sdk/launch/_launch_add.py."""

    def __init__(self, real):
        self._real = real

    def __getattr__(self, name):
        return getattr(self._real, name)

    def pformat(self, obj, *args, **kwargs):
        return self._real.pformat(redacted_spec(obj), *args, **kwargs)
