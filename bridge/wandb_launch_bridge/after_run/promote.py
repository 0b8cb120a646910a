"""Promotion: link the model the run logged to a registry or portfolio collection, with aliases,
through the public API, once the action has judged that the run passed.

The artifact is one of run.logged_artifacts(): the one named by promote_artifact, else the run's
only model (type "model"); of several versions of it, the newest. The link is the SDK's own
Artifact.link(target_path, aliases), which links through the public API from wandb 0.21 (before,
it starts a W&B run of its own to link from: not done here) and returns the linked version as the
public API reads it back.
"""

from __future__ import annotations

import re
from typing import Any

from ..cancel import cancel
from ..deadline import Abandoned, call_with_deadline
from ..protocol import Request, emit_promotion, emit_result
from ..sdk.api import describe_error

MODEL_TYPE = "model"
# The lookup, the link and its read-back: a handful of requests.
PROMOTE_SECONDS = 60.0
REGISTRY_PREFIX = "wandb-registry-"


# The first release whose Artifact.link links through the public API.
MIN_VERSION = "0.21.0"


class OldSdk(Exception):
    """The SDK cannot link without starting a run of its own."""


class NothingToPromote(Exception):
    """The run logged no artifact to promote, or several and none was named: a warning, not a failure."""


def collection_of(artifact):
    return str(artifact.name).partition(":")[0]


def version_index(artifact):
    match = re.fullmatch(r"v(\d+)", str(getattr(artifact, "version", "") or ""))
    return int(match.group(1)) if match else -1


def pick_artifact(logged, name=None):
    """The artifact to link: named, else the only model; the newest version of it."""
    logged = list(logged)
    if name:
        matches = [a for a in logged if collection_of(a) == name]
        if not matches:
            seen = sorted({collection_of(a) for a in logged})
            raise NothingToPromote(
                f"the run logged no artifact named {name}"
                + (f" (it logged {', '.join(seen)})" if seen else " (it logged no artifact)")
            )
    else:
        matches = [a for a in logged if getattr(a, "type", None) == MODEL_TYPE]
        names = sorted({collection_of(a) for a in matches})
        if not matches:
            others = sorted({f"{collection_of(a)} ({a.type})" for a in logged})
            raise NothingToPromote(
                "the run logged no model artifact (type model)"
                + (f"; it logged {', '.join(others)}: name one with promote_artifact" if others else "")
            )
        if len(names) > 1:
            raise NothingToPromote(f"the run logged several models, {', '.join(names)}: name one with promote_artifact")
    return max(matches, key=version_index)


def full_target(parts, entity, project):
    """The collection path with the run's entity and project where the input left them out. A
    registry path without an organization keeps its two parts: the SDK finds the organization
    from the artifact's entity."""
    if len(parts) == 1:
        return f"{entity}/{project}/{parts[0]}"
    if len(parts) == 2:
        if parts[0].startswith(REGISTRY_PREFIX) and parts[0] != REGISTRY_PREFIX:
            return "/".join(parts)
        return f"{entity}/{parts[0]}/{parts[1]}"
    return "/".join(parts)


def link(artifact, target, aliases):
    """Links `artifact` to `target` (entity/project/name, or registry/name); returns the linked
    version (path entity/project/name:vN, version, aliases) as the public API reads it back."""
    if getattr(artifact, "_service_api", None) is None:
        # before 0.21 Artifact.link starts a W&B run of its own (wandb.init(job_type="auto")) to link from
        raise OldSdk(f"promote needs wandb {MIN_VERSION} or newer, whose Artifact.link works through the public API")
    return described(artifact.link(target, aliases=list(aliases)))


def described(artifact):
    return {
        "path": f"{artifact.entity}/{artifact.project}/{collection_of(artifact)}:{artifact.version}",
        "version": artifact.version,
        "aliases": sorted(set(getattr(artifact, "aliases", []) or [])),
    }


def promote(api, run_path, parts, aliases, artifact_name=None):
    """{"artifact": source path, "path", "version", "aliases", "target"}; raises NothingToPromote."""
    run = api.run(run_path)
    artifact = pick_artifact(run.logged_artifacts(), artifact_name)
    entity, project, _ = run_path.split("/")
    target = full_target(parts, entity, project)
    source = f"{artifact.entity}/{artifact.project}/{collection_of(artifact)}:{artifact.version}"
    return {"artifact": source, "target": target, **link(artifact, target, aliases)}


def promote_and_report(request: Request, api: Any = None, seconds: float = PROMOTE_SECONDS) -> None:
    """Promote mode: link the run's model as the request says, emit `promotion`, then `result`."""
    spec, launch = request.promote, request.launch
    assert spec is not None
    fields: dict[str, Any] = {
        "artifact": None,
        "target": None,
        "path": None,
        "version": None,
        "aliases": [],
        "skipped": None,
        "error": None,
    }
    if not (launch.entity and launch.project):
        fields["error"] = "the run's entity or project is unknown"
    else:

        def work():
            public_api = api or _public_api(seconds)
            run_path = f"{launch.entity}/{launch.project}/{launch.run_id}"
            return promote(public_api, run_path, list(spec.parts), list(spec.aliases), spec.artifact)

        try:
            fields.update(call_with_deadline(work, seconds, "linking the model", give_up=lambda: cancel.requested))
        except NothingToPromote as exc:
            fields["skipped"] = str(exc)
        except Abandoned:
            fields["error"] = "cancelled while linking: the model may or may not be linked; check the collection"
        except Exception as exc:
            fields["error"] = describe_error(exc)
    emit_promotion(**fields)
    emit_result(state=None, cancelled=cancel.requested, timed_out=False, submitted=False, cancel_error=None)


def _public_api(seconds):
    import wandb

    return wandb.Api(timeout=max(1, int(seconds)))
