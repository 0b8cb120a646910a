"""The import path made fast: what the bridge does so that `import wandb` and the first API call
cost less, without changing what they do.

- The cyclic garbage collector is off while the SDK imports (it builds hundreds of pydantic models,
  and the collector would walk that growing heap again and again, ~0.1 s), and back on once the
  launch is done. What exists by then is frozen first (`gc.freeze`): long-lived modules and
  classes, never garbage. Without that, the first full collection walks all of it at once, about
  80 ms on the launch path, and every later full collection of an hours-long wait walks it again.
- Pydantic's field docstrings are not extracted from source (`skip_field_docstrings`).
- wandb-core, the SDK's service process, is started early, and without sleeping on its port file.
  wandb >= 0.2x starts it and polls for the port file it writes, sleeping 0.2 s between looks
  (`sdk/lib/service/service_port_file.py`, `poll_for_token`), although the file is there about
  20 ms after the start. Those releases have a knob for it, the module's `_SLEEP`; with it, the
  poll looks every 5 ms. Releases without the knob (0.17, 0.18: `time.sleep(0.2)` inline in
  `sdk/service/service.py`) are left alone. Where the public API goes through wandb-core
  (`apis/public/service_api.py`, 0.2x), the launch's first request starts it and waits for it:
  `start_in_background()` has the SDK start it (its own thread-safe
  `wandb_setup.singleton().ensure_service()`) while the bridge imports the launch modules, so that
  wait overlaps them. Should the early start fail, the launch's call starts it again and reports
  the failure as it always did.
"""

from __future__ import annotations

import gc
import importlib.util
import os
import sys
import threading
import time

POLL_SECONDS = 0.005


def pause_collector():
    gc.disable()


def resume_collector():
    if gc.isenabled():
        return
    gc.freeze()
    gc.enable()


def skip_field_docstrings():
    """Field docstrings only feed pydantic's JSON schema; wandb asks pydantic to extract them from
    source at import time, which costs about a third of `import wandb`. A launch needs none."""
    if os.environ.get("WANDB_LAUNCH_ACTION_FULL_IMPORT"):
        return
    try:
        from pydantic._internal import _fields
    except Exception:
        return  # another pydantic layout: import as usual
    if hasattr(_fields, "extract_docstrings_from_cls"):
        _fields.extract_docstrings_from_cls = lambda cls, use_inspect=False: {}  # pyright: ignore[reportPrivateImportUsage]


def poll_port_file_quickly():
    try:
        from wandb.sdk.lib.service import service_port_file
    except Exception:
        return False
    if not hasattr(service_port_file, "_SLEEP") or not hasattr(service_port_file, "poll_for_token"):
        return False
    service_port_file._SLEEP = lambda seconds: time.sleep(min(seconds, POLL_SECONDS))
    return True


def start_in_background():
    """Returns the thread starting wandb-core, or None where the SDK does not use it for the API,
    or where a meta path finder of another package might import while holding the import lock
    (six's, with Debian's urllib3): the main thread goes on importing beside this one."""
    if any(not plain_finder(finder) for finder in sys.meta_path):
        return None
    try:
        if importlib.util.find_spec("wandb.apis.public.service_api") is None:
            return None
        from wandb.sdk import wandb_setup
        from wandb.sdk.lib.service import service_connection  # noqa: F401  (imported here, not in the thread)
    except Exception:
        return None
    if not hasattr(wandb_setup, "singleton") or not hasattr(wandb_setup._WandbSetup, "ensure_service"):
        return None

    def start():
        try:
            wandb_setup.singleton().ensure_service()
        except Exception:
            pass  # the launch's own call starts it again and reports what went wrong

    thread = threading.Thread(target=start, name="wandb-core start", daemon=True)
    thread.start()
    return thread


def plain_finder(finder):
    """Python's own finders, and setuptools' (it imports only for `distutils`, which wandb does not)."""
    module = getattr(finder if isinstance(finder, type) else type(finder), "__module__", "")
    return module.startswith(("_frozen_importlib", "importlib", "_distutils_hack"))
