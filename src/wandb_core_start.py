"""No sleeping on wandb-core's port file.

wandb >= 0.2x starts its wandb-core service and polls for the port file it writes, sleeping 0.2 s
between looks (`sdk/lib/service/service_port_file.py`, `poll_for_token`), although the file is
there about 20 ms after the start: most of that sleep is lost on every launch. Those releases
have a knob for it, the module's `_SLEEP`; with it, the poll looks every 5 ms. Releases without
the knob (0.17, 0.18: `time.sleep(0.2)` inline in `sdk/service/service.py`) are left alone.
"""

from __future__ import annotations

import time

POLL_SECONDS = 0.005


def poll_port_file_quickly():
    try:
        from wandb.sdk.lib.service import service_port_file
    except Exception:
        return False
    if not hasattr(service_port_file, "_SLEEP") or not hasattr(service_port_file, "poll_for_token"):
        return False
    service_port_file._SLEEP = lambda seconds: time.sleep(min(seconds, POLL_SECONDS))
    return True
