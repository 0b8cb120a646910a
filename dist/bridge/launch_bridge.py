"""The script the action starts (`python launch_bridge.py`): the bridge between the action and the
W&B Launch SDK. Its own folder is the only one it adds to the import path, so only
`wandb_launch_bridge` (and this script) can shadow an installed module; everything else lives in
that package."""

import os
import sys

if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path[:1] != [here]:  # Python puts it there for a script; `-P` or an embedder may not
        sys.path.insert(0, here)
    from wandb_launch_bridge.main import run

    run()
