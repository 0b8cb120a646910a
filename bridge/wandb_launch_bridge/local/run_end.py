"""A local job's W&B run ends as the job did.

The job has its own wandb-core (local.patches.start_jobs_on_their_own): when it exits, its run
is finished or failed by the job's own SDK. A job that was killed (SIGKILL, out of memory, a
cancel) takes its wandb-core with it, and W&B would call the run `running` until its heartbeat
timeout makes it `crashed`, minutes later. So once the launcher has seen such a job end, a run
that W&B still calls live is marked `failed` (the transition the public API allows from
`running`): never `finished`.
"""

from __future__ import annotations

import time

from ..sdk.api import describe_error, graphql

# The job exited 0: its SDK finished the run before the process ended, but W&B may be a moment behind.
CATCH_UP_SECONDS = 2.0

# Run.update_state's mutation (0.2x); older SDKs lack the method, the server has the mutation.
UPDATE_RUN_STATE = """
mutation UpdateRunState($input: UpdateRunStateInput!) {
    updateRunState(input: $input) {
        success
    }
}
"""


def settle_for(launcher_state, warnings):
    """The `settle` for after_run.record.read_run, given how the launcher saw the job end."""

    def settle(run, state, deadline):
        if launcher_state == "finished":
            end = min(deadline, time.monotonic() + CATCH_UP_SECONDS)
            while state in ("running", "pending") and time.monotonic() < end:
                time.sleep(0.2)
                run.load(force=True)
                state = run.state
            return state
        try:
            mark_failed(run)
            run.load(force=True)
            return run.state
        except Exception as exc:  # the record says what W&B still shows; the step has failed anyway
            warnings.append(
                f"the job ended ({launcher_state}) but its W&B run is still {state}, and marking "
                f"it failed did not work: {describe_error(exc)}"
            )
            return state

    return settle


def mark_failed(run):
    if hasattr(run, "update_state"):
        if not run.update_state("failed"):
            raise RuntimeError("W&B refused the change to failed")
        return
    graphql(run, UPDATE_RUN_STATE, {"input": {"id": run.storage_id, "state": "failed"}})  # run.client
