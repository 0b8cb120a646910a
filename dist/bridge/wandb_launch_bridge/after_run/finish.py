"""What the bridge asks of W&B once a synchronous run has ended, after its record: the baseline
run the gates compare with (baseline.py), then the tags (run_tags.py), in that order so that this
run's new tags cannot make it its own baseline. Skipped after a cancel, which must end in seconds."""

from __future__ import annotations

from .baseline import emit_baseline
from ..protocol import cancel
from .tags import emit_tags


def after_run(request, entity, project, run_id, api=None):
    if cancel["requested"]:
        return
    if request.get("baseline"):
        emit_baseline(entity, project, run_id, request["baseline"], api=api)
    if request.get("tags"):
        emit_tags(entity, project, run_id, request["tags"], api=api)
