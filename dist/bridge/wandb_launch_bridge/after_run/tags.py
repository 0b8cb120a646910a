"""The `tags` input: added to the run through the public API once it has ended, so that a later
workflow can find it as its baseline (`baseline: {tags: main}`). The run's own tags stay.

Emits one `tags` event; a failure is reported, never fatal.
"""

from __future__ import annotations

from ..deadline import call_with_deadline
from ..protocol import emit_tags
from ..sdk.api import describe_error

TAG_SECONDS = 10.0


def add_tags(api, entity, project, run_id, tags):
    run = api.run(f"{entity}/{project}/{run_id}")
    have = list(run.tags or [])
    new = [t for t in tags if t not in have]
    if new:
        run.tags = have + new
        run.update()
    return new


def report_tags(entity, project, run_id, tags, api=None, seconds=TAG_SECONDS):
    if not (entity and project and run_id):
        emit_tags(tags=tags, error="the run's entity, project or ID is unknown: no tags were added")
        return

    def tag():
        import wandb

        return add_tags(api or wandb.Api(timeout=max(1, int(seconds))), entity, project, run_id, tags)

    try:
        call_with_deadline(
            tag, seconds, "adding the tags", timeout_message=f"W&B did not answer within {seconds:g}s adding the tags"
        )
    except Exception as exc:  # the run's verdict does not depend on its tags
        emit_tags(tags=tags, error=f"adding the tags {', '.join(tags)} to the run failed: {describe_error(exc)}")
        return
    emit_tags(tags=tags, error=None)
