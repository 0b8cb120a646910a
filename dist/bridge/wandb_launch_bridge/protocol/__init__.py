"""The bridge's side of the contract with the action. Its source is the TypeScript protocol, whose
generated JSON Schema ships beside this package as protocol.schema.json; a unit test keeps the two
in step. `constants` holds the values both sides share, `request` the request, `events` the channel
and one emit function per event kind.

- stdin: one JSON request, read once into a frozen `Request` (`read_request`).
- stdout: one JSON line per event, written only by the `emit_*` functions (events), one per event kind;
  the last line is a `result` or an `error`. Before the SDK is imported, stdout moves to a private
  descriptor and fd 1 points at stderr, so nothing the SDK or the job prints can forge an event.
- stderr: the SDK's and the job's own output.
- SIGTERM / SIGINT: cancel (the cancel module), within CANCEL_SECONDS < WATCHDOG_SECONDS < BRIDGE_CANCEL_SECONDS.
- stdout closing after `result` without an exit: the bridge stays on with an asynchronous local run.

An emit function's required parameters are the event's required properties; its optional ones
default to None and are left out of the line when None.
"""

from .constants import (
    BRIDGE_CANCEL_SECONDS,
    CANCEL_SECONDS,
    MIN_WANDB_VERSION,
    RUN_END_STATES,
    RUN_FAILED_STATES,
    RUN_LIVE_STATES,
    RUNNER_END_STATES,
    SHARED_CONSTANTS,
    UNCONFIRMED,
    WATCHDOG_SECONDS,
)
from .events import (
    EMITTERS,
    detach_channel,
    emit_baseline,
    emit_curves,
    emit_error,
    emit_heartbeat,
    emit_progress,
    emit_promotion,
    emit_provenance,
    emit_queued,
    emit_result,
    emit_reused,
    emit_run_log,
    emit_run_record,
    emit_sdk,
    emit_submitted,
    emit_tags,
    fail,
    flush_channel,
    has_ended,
    is_detached,
    open_channel,
    result_sent,
)
from .request import (
    Attach,
    BadRequest,
    Baseline,
    Curves,
    Launch,
    Progress,
    Promote,
    Provenance,
    Queue,
    Request,
    read_request,
)

__all__ = [
    "BRIDGE_CANCEL_SECONDS",
    "CANCEL_SECONDS",
    "EMITTERS",
    "MIN_WANDB_VERSION",
    "RUNNER_END_STATES",
    "RUN_END_STATES",
    "RUN_FAILED_STATES",
    "RUN_LIVE_STATES",
    "SHARED_CONSTANTS",
    "UNCONFIRMED",
    "WATCHDOG_SECONDS",
    "Attach",
    "BadRequest",
    "Baseline",
    "Curves",
    "Launch",
    "Progress",
    "Provenance",
    "Promote",
    "Queue",
    "Request",
    "detach_channel",
    "emit_baseline",
    "emit_error",
    "emit_heartbeat",
    "emit_progress",
    "emit_provenance",
    "emit_queued",
    "emit_reused",
    "emit_result",
    "emit_run_log",
    "emit_run_record",
    "emit_sdk",
    "emit_submitted",
    "emit_tags",
    "emit_curves",
    "emit_promotion",
    "fail",
    "flush_channel",
    "has_ended",
    "is_detached",
    "open_channel",
    "read_request",
    "result_sent",
]
