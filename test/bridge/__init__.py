"""Unit tests of the bridge package (bridge/wandb_launch_bridge), by the package's folders, with the
standard library's unittest: `python3 -m unittest discover -s test/bridge -t .` from the repository
root. The bridge's folder goes first on the import path, as the bridge's own script puts it."""

import os
import sys

BRIDGE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "bridge")
if BRIDGE_DIR not in sys.path:
    sys.path.insert(0, BRIDGE_DIR)
