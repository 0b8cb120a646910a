"""The cyclic garbage collector: off while the SDK imports, back on once the launch is done.

Importing wandb builds hundreds of pydantic models, and the collector would walk that growing
heap again and again for nothing (~0.1 s). When it is switched back on, what exists by then is
frozen first (`gc.freeze`): long-lived modules and classes, never garbage. Without that, the
first full collection walks all of it at once, about 80 ms on the launch path, and every later
full collection of an hours-long wait walks it again.
"""

from __future__ import annotations

import gc


def pause_collector():
    gc.disable()


def resume_collector():
    if gc.isenabled():
        return
    gc.freeze()
    gc.enable()
