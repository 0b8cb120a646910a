# Test-only: appends one JSON line per SDK call to $FAKE_WANDB_RECORD (no real counterpart).
import json
import os


def record(call: str, **fields) -> None:
    path = os.environ.get("FAKE_WANDB_RECORD")
    if path:
        with open(path, "a") as f:
            f.write(json.dumps({"call": call, **fields}, default=str) + "\n")
