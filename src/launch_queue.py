"""Queue mode of the launch bridge: push the run onto a W&B Launch queue and follow it.

Imported by launch_bridge.py when the request has a `queue`. Same protocol as direct mode (see
launch_bridge.py), with two more events: `queued` (right after the push: the item id and the run
ID) and `progress` (once per change: queued, claimed, the run's states).

What the SDK leaves to the caller, or gets wrong, and what this module does instead:
- `launch_add` pushes the item first and checks that the job exists afterwards, leaving a dead item
  behind: the job and the queue are checked here before anything is pushed, and an item that
  launch_add pushed before raising is removed again.
- `launch_add` prints the whole launch spec, which holds the `config` input (secrets included):
  the printed copy is redacted (see redacted_spec); the pushed spec is not changed.
- `QueuedRun.wait_until_running()` never returns for an item no agent takes, nor for one that
  failed; `Run.wait_until_finished()` never returns for `killed` or `preempted`: neither is used.
  The item and then the run are polled here with a deadline, a backoff and retries of transient
  API errors. The item's error has no accessor in the SDK: it is read with the same GraphQL query
  the SDK uses for the item (`GetRunQueueItem`), asking for `error { message }` as well.
"""

from __future__ import annotations

import json
import os
import re
import time

LAUNCH_DEFAULT_PROJECT = "model-registry"  # wandb.sdk.launch.utils.LAUNCH_DEFAULT_PROJECT
RUN_END_STATES = ("finished", "failed", "crashed", "killed", "preempted")
STOP_GRACE_SECONDS = 15.0
# Continuous transient API errors for this long while waiting end the wait (a dead network).
MAX_ERROR_STREAK_SECONDS = 600.0
# Spec keys printed as they are; every other value in the printed spec is masked.
SHOWN_SPEC_KEYS = ("job", "entity", "project", "name", "run_id", "resource", "uri", "author", "sweep_id",
                   "queue_entity")
MASK = "***"

QUEUE_QUERY = """
query LaunchActionRunQueue($entityName: String!, $projectName: String!, $queueName: String!) {
    project(name: $projectName, entityName: $entityName) {
        runQueue(name: $queueName) {
            id
            defaultResourceConfigID
        }
    }
}
"""

TEMPLATE_VARIABLES_QUERY = """
query LaunchActionTemplateVariables($entityName: String!, $id: ID!) {
    entity(name: $entityName) {
        defaultResourceConfig(id: $id) {
            templateVariables {
                name
                schema
            }
        }
    }
}
"""

# QueuedRun._get_item's query (GetRunQueueItem), plus the item's error.
ITEM_QUERY = """
query GetRunQueueItem($projectName: String!, $entityName: String!, $runQueue: String!, $itemId: ID!) {
    project(name: $projectName, entityName: $entityName) {
        runQueue(name: $runQueue) {
            runQueueItem(id: $itemId) {
                id
                state
                associatedRunId
                error {
                    message
                }
            }
        }
    }
}
"""


class QueueError(Exception):
    """A problem the user has to fix; its message is the step's error."""


class Context:
    """What the bridge lends this module: its event writer, cancel state and API factory."""

    def __init__(self, emit, cancel, cancelled_exception, make_api):
        self.emit = emit
        self.cancel = cancel
        self.LaunchCancelled = cancelled_exception
        self.make_api = make_api


# ---- API access ---------------------------------------------------------------------------

_TRANSIENT = re.compile(
    r"\b(429|500|502|503|504)\b|too many requests|bad gateway|service unavailable|gateway time-?out"
    r"|internal server error|timed? ?out|connection (refused|reset|aborted|error)|temporar|network"
    r"|remote end closed|max retries exceeded|name resolution",
    re.IGNORECASE,
)


def is_transient(exc):
    """Network trouble, 5xx and 429 are worth retrying; anything else (4xx, GraphQL errors) is not."""
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return True
    seen = set()
    while exc is not None and id(exc) not in seen:  # CommError wraps the transport's exception
        seen.add(id(exc))
        if isinstance(exc, (ConnectionError, TimeoutError)) or _TRANSIENT.search(f"{type(exc).__name__}: {exc}"):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def is_not_found(exc):
    return isinstance(exc, ValueError) or bool(re.search(r"could not find|not found", str(exc), re.IGNORECASE))


def graphql(api, query, variables):
    """The SDK's own GraphQL client: wandb-core's on 0.2x+, the gql client before."""
    service = getattr(api, "_service_api", None)
    if service is not None and hasattr(service, "execute_graphql"):
        return service.execute_graphql(query, variables)
    from wandb_gql import gql

    return api.client.execute(gql(query), variable_values=variables)


def with_retries(call, sleep, attempts=5, first_pause=1.0):
    """Runs call(), retrying transient API errors a few times with a growing pause."""
    pause = first_pause
    for attempt in range(attempts):
        try:
            return call()
        except Exception as exc:
            if attempt == attempts - 1 or not is_transient(exc):
                raise
            sleep(pause)
            pause *= 2


def poll_intervals():
    """First and longest pause between polls; WANDB_LAUNCH_ACTION_POLL_SECONDS="first,max" (tests)."""
    text = os.environ.get("WANDB_LAUNCH_ACTION_POLL_SECONDS", "")
    try:
        first, longest = (float(x) for x in text.split(","))
        if 0 < first <= longest:
            return first, longest
    except ValueError:
        pass
    return 2.0, 15.0


def describe_error(exc):
    return f"{exc}" or type(exc).__name__


# ---- the printed launch spec ----------------------------------------------------------------


def redacted_spec(spec):
    """The launch spec as launch_add prints it, with every value that may come from `config`,
    `resource_args` or overrides masked. Keys stay, so the log still shows the spec's shape."""

    def mask(value):
        if isinstance(value, dict):
            return {k: mask(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [mask(v) for v in value]
        return value if value is None or isinstance(value, bool) else MASK

    if not isinstance(spec, dict):
        return MASK
    shown = {}
    for key, value in spec.items():
        if key in SHOWN_SPEC_KEYS and (value is None or isinstance(value, (str, int, float, bool))):
            shown[key] = value
        elif key == "docker" and isinstance(value, dict):
            shown[key] = {k: (v if k == "docker_image" else mask(v)) for k, v in value.items()}
        elif key == "git" and isinstance(value, dict):
            shown[key] = {k: (v if k == "version" else mask(v)) for k, v in value.items()}
        else:
            shown[key] = mask(value)
    return shown


class _RedactingPprint:
    """Stands in for the pprint module inside wandb/sdk/launch/_launch_add.py."""

    def __init__(self, real):
        self._real = real

    def __getattr__(self, name):
        return getattr(self._real, name)

    def pformat(self, obj, *args, **kwargs):
        return self._real.pformat(redacted_spec(obj), *args, **kwargs)


# ---- checks before the push ------------------------------------------------------------------


def check_job(public_api, job, sleep):
    """launch_add checks the job only after pushing; here nothing is pushed for a missing job."""
    try:
        with_retries(lambda: public_api._artifact(job, type="job"), sleep)
    except Exception as exc:
        if is_transient(exc):
            raise QueueError(f"Could not check that job {job} exists: {describe_error(exc)}. Nothing was queued.")
        raise QueueError(f"Job {job} was not found: {describe_error(exc)}. Nothing was queued.")


def find_queue(public_api, entity, project_queue, queue, sleep):
    where = queue if project_queue == LAUNCH_DEFAULT_PROJECT else f"{project_queue}/{queue}"
    try:
        res = with_retries(
            lambda: graphql(public_api, QUEUE_QUERY,
                            {"entityName": entity, "projectName": project_queue, "queueName": queue}),
            sleep,
        )
    except Exception as exc:
        raise QueueError(f"Could not look up queue {where} of entity {entity}: {describe_error(exc)}. Nothing was queued.")
    found = ((res or {}).get("project") or {}).get("runQueue")
    if not found:
        scope = "" if project_queue == LAUNCH_DEFAULT_PROJECT else f" (project_queue {project_queue})"
        raise QueueError(f"Queue {queue} was not found for entity {entity}{scope}. Nothing was queued.")
    return found


def template_variable_schemas(public_api, entity, queue_info, sleep):
    config_id = queue_info.get("defaultResourceConfigID")
    if config_id is None:
        return {}
    res = with_retries(
        lambda: graphql(public_api, TEMPLATE_VARIABLES_QUERY, {"entityName": entity, "id": config_id}),
        sleep,
    )
    config = ((res or {}).get("entity") or {}).get("defaultResourceConfig") or {}
    schemas = {}
    for variable in config.get("templateVariables") or []:
        schema = variable.get("schema")
        try:
            schemas[variable["name"]] = json.loads(schema) if isinstance(schema, str) else (schema or {})
        except ValueError:
            schemas[variable["name"]] = {}
    return schemas


def check_template_variables(values, schemas, queue):
    """Values against the queue's schemas (JSON schema: type, enum, minimum, maximum), converted as
    `wandb launch --set-var` converts them. Errors name the variable, never its value."""
    problems = []
    checked = {}
    for key, value in values.items():
        if key not in schemas:
            known = ", ".join(sorted(schemas)) if schemas else "none"
            problems.append(f"{key}: queue {queue} has no template variable {key} (it has: {known})")
            continue
        schema = schemas[key] or {}
        kind = schema.get("type")
        try:
            if kind == "integer":
                if isinstance(value, bool) or not isinstance(value, (int, str)) or (isinstance(value, str) and not re.fullmatch(r"\s*-?\d+\s*", value)):
                    raise ValueError("must be an integer")
                value = int(value)
            elif kind == "number":
                if isinstance(value, bool):
                    raise ValueError("must be a number")
                value = value if isinstance(value, (int, float)) else float(value)
            elif kind == "string":
                if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                    raise ValueError("must be a string")
                value = str(value)
        except (TypeError, ValueError) as exc:
            message = str(exc) if str(exc).startswith("must") else f"must be {'an integer' if kind == 'integer' else 'a number'}"
            problems.append(f"{key}: {message} (queue {queue}'s schema)")
            continue
        if "enum" in schema and value not in schema["enum"]:
            problems.append(f"{key}: must be one of {', '.join(map(str, schema['enum']))} (queue {queue}'s schema)")
            continue
        if isinstance(value, (int, float)):
            if "minimum" in schema and value < schema["minimum"]:
                problems.append(f"{key}: must be at least {schema['minimum']} (queue {queue}'s schema)")
                continue
            if "maximum" in schema and value > schema["maximum"]:
                problems.append(f"{key}: must be at most {schema['maximum']} (queue {queue}'s schema)")
                continue
        checked[key] = value
    if problems:
        raise QueueError("template_variables do not fit the queue (nothing was queued):\n"
                         + "\n".join(f"  - {p}" for p in problems))
    return checked


# ---- push --------------------------------------------------------------------------------


def push(ctx, request, public_api, launch_api, sleep):
    """Checks, then launch_add. Returns the QueuedRun. Raises QueueError for the user's mistakes."""
    import wandb.sdk.launch._launch_add as launch_add_module
    from wandb.sdk.launch import launch_add

    launch = dict(request["launch"])
    queue = request["queue"]
    config = dict(launch.get("config") or {})
    queue_name = queue["name"]
    project_queue = queue.get("project_queue") or LAUNCH_DEFAULT_PROJECT
    # The entity launch_add will use for the spec, and the one whose queue it pushes to.
    entity = launch.get("entity") or config.get("entity") or launch_api.default_entity
    queue_entity = config.get("queue_entity") or entity

    ctx.cancel["phase"] = "launch"  # a cancel now abandons the checks: nothing is queued yet
    if ctx.cancel["requested"]:
        raise ctx.LaunchCancelled()
    if launch.get("job"):
        check_job(public_api, launch["job"], sleep)
    queue_info = find_queue(public_api, queue_entity, project_queue, queue_name, sleep)
    template_variables = queue.get("template_variables")
    if template_variables:
        schemas = template_variable_schemas(public_api, queue_entity, queue_info, sleep)
        template_variables = check_template_variables(template_variables, schemas, queue_name)

    # launch_add prints the spec: print a redacted copy instead.
    if not isinstance(getattr(launch_add_module, "pprint", None), _RedactingPprint):
        import pprint

        launch_add_module.pprint = _RedactingPprint(pprint)
    # Remember what was pushed, so an item launch_add leaves behind when it raises is removed.
    pushed = {}
    original_push = launch_add_module.push_to_queue

    def remembering_push(*args, **kwargs):
        res = original_push(*args, **kwargs)
        if isinstance(res, dict) and res.get("runQueueItemId"):
            pushed["id"] = res["runQueueItemId"]
        return res

    launch_add_module.push_to_queue = remembering_push
    ctx.cancel["phase"] = "push"  # a cancel now waits for the push, then removes the item
    try:
        return launch_add(
            job=launch.get("job"),
            config=config or None,
            template_variables=template_variables or None,
            project=launch.get("project"),
            entity=launch.get("entity"),
            queue_name=queue_name,
            resource=launch.get("resource"),
            entry_point=launch.get("entry_point"),
            name=launch.get("name"),
            version=launch.get("version"),
            docker_image=launch.get("docker_image"),
            project_queue=queue.get("project_queue"),
            resource_args=launch.get("resource_args"),
            run_id=launch.get("run_id"),
            repository=launch.get("repository"),
            priority=queue.get("priority"),
        )
    except Exception as exc:
        if "id" in pushed:
            note = remove_stray_item(public_api, entity, launch, queue_name, project_queue, pushed["id"], sleep)
            raise QueueError(f"{describe_error(exc)} ({note})") from exc
        raise
    finally:
        launch_add_module.push_to_queue = original_push


def remove_stray_item(public_api, entity, launch, queue_name, project_queue, item_id, sleep):
    queued = public_api.queued_run(entity, launch.get("project") or "", queue_name, item_id, project_queue)
    try:
        with_retries(queued.delete, sleep)
        return f"the queue item {item_id} it had pushed was removed again"
    except Exception as exc:
        return f"the queue item {item_id} it had pushed could not be removed: {describe_error(exc)}"


# ---- follow ------------------------------------------------------------------------------


class Follower:
    """Polls the queue item until an agent has started its run, then the run until it ends."""

    def __init__(self, ctx, public_api, launch_api, queued, run_id, deadline, queue_deadline):
        self.ctx = ctx
        self.public_api = public_api
        self.launch_api = launch_api
        self.queued = queued
        self.run_id = run_id
        self.deadline = deadline
        self.queue_deadline = queue_deadline
        self.item_state = "pending"
        self.item_error = None
        self.run = None
        self.run_state = None
        self.reported = None
        self.error_since = None
        self.first, self.longest = poll_intervals()

    # -- the loop --
    def follow(self):
        interval = self.first
        while True:
            if self.ctx.cancel["requested"]:
                return self.stop(self.ctx.cancel["reason"] or "cancelled")
            now = time.monotonic()
            if self.deadline is not None and now >= self.deadline:
                return self.stop("timeout")
            if self.run is None and self.item_state == "pending" and self.queue_deadline is not None \
                    and now >= self.queue_deadline:
                return self.no_agent()
            try:
                changed = self.poll()
                self.error_since = None
            except QueueError:
                raise
            except Exception as exc:
                if not is_transient(exc):
                    raise
                changed = False
                self.api_trouble(exc)
            if self.item_state == "failed" and self.run is None:
                return self.result(self.item_state)
            if self.run_state in RUN_END_STATES:
                return self.result(self.run_state)
            interval = self.first if changed else min(interval * 1.5, self.longest)
            self.pause(interval)

    def pause(self, seconds):
        end = time.monotonic() + seconds
        for limit in (self.deadline, self.queue_deadline if self.run is None else None):
            if limit is not None:
                end = min(end, limit)
        while not self.ctx.cancel["requested"]:
            left = end - time.monotonic()
            if left <= 0:
                break
            time.sleep(min(left, 0.1))

    def api_trouble(self, exc):
        now = time.monotonic()
        if self.error_since is None:
            self.error_since = now
            self.progress("api_error", message=describe_error(exc))
        elif now - self.error_since > MAX_ERROR_STREAK_SECONDS:
            raise QueueError(f"The W&B API kept failing for {MAX_ERROR_STREAK_SECONDS:.0f}s while following "
                             f"queue item {self.queued.id}: {describe_error(exc)}")

    # -- one poll --
    def poll(self):
        before = (self.item_state, self.run_state, self.run is not None)
        if self.run is None:
            item = self.fetch_item()
            if item is None:
                raise QueueError(f"Queue item {self.queued.id} was removed from queue {self.queued.queue_name} "
                                 "by someone else before its run started.")
            self.item_state = str(item.get("state") or "").lower() or "pending"
            if self.item_state == "failed":
                self.item_error = ((item.get("error") or {}).get("message")) or None
                self.progress("item_failed", message=self.item_error)
            elif item.get("associatedRunId"):
                self.run_id = item["associatedRunId"]  # the agent's name for the run (run_id if given)
                self.progress("claimed")
                self.try_load_run()
        else:
            self.run.load(force=True)
            self.run_state = self.run.state
        if self.run is not None:
            self.progress(self.run_state)
        return before != (self.item_state, self.run_state, self.run is not None)

    def fetch_item(self):
        res = graphql(self.public_api, ITEM_QUERY, {
            "projectName": self.queued.project_queue,
            "entityName": self.queued.entity,
            "runQueue": self.queued.queue_name,
            "itemId": self.queued.id,
        })
        queue = ((res or {}).get("project") or {}).get("runQueue") or {}
        return queue.get("runQueueItem")

    def try_load_run(self):
        try:
            self.run = self.public_api.run(f"{self.queued.entity}/{self.queued.project}/{self.run_id}")
            self.run_state = self.run.state
        except Exception as exc:
            if is_transient(exc) or not is_not_found(exc):
                raise
            self.run = None  # claimed, but the agent has not created the run yet

    def progress(self, stage, message=None):
        key = (stage, self.run_id, message if stage != "api_error" else None)
        if key == self.reported:
            return
        self.reported = key
        self.ctx.emit("progress", stage=stage, run_id=self.run_id, item_state=self.item_state,
                      run_state=self.run_state, message=message)

    # -- endings --
    def result(self, state, **fields):
        return {"state": state, "run_id": self.run_id, "item_state": self.item_state,
                "item_error": self.item_error, "run_started": self.run is not None, **fields}

    def no_agent(self):
        removed, error = self.remove_item()
        return self.result("pending", queue_timed_out=True, timed_out=True, item_removed=removed,
                           cancel_error=error)

    def stop(self, reason):
        """Cancel or timeout: a waiting item leaves the queue, a started run is stopped."""
        self.ctx.cancel["requested"], self.ctx.cancel["reason"] = True, reason
        self.ctx.cancel["phase"] = "stopping"
        flags = {"cancelled": reason == "cancelled", "timed_out": reason == "timeout"}
        if self.run is None and self.item_state not in ("pending", "failed"):
            try:  # claimed: the agent may have started the run since the last poll
                self.try_load_run()
            except Exception:
                pass
        if self.run is None:
            removed, error = self.remove_item()
            return self.result(self.item_state, item_removed=removed, cancel_error=error, **flags)
        state, error = self.stop_run()
        self.run_state = state
        return self.result(state, cancel_error=error, **flags)

    def remove_item(self):
        try:
            with_retries(self.queued.delete, time.sleep, attempts=4)
            return True, None
        except Exception as exc:
            return False, f"removing queue item {self.queued.id} failed: {describe_error(exc)}"

    def stop_run(self):
        """stopRun through the W&B API; the run then reports `killed`."""
        error = None
        if self.run_state not in RUN_END_STATES:
            try:
                with_retries(lambda: self.launch_api.stop_run(self.run.storage_id), time.sleep, attempts=4)
            except Exception as exc:
                error = f"stopRun failed: {describe_error(exc)}"
        end = time.monotonic() + STOP_GRACE_SECONDS
        state = self.run_state
        while True:
            try:
                self.run.load(force=True)
                state = self.run.state
            except Exception as exc:
                error = error or f"reading the run's state failed: {describe_error(exc)}"
            if state in RUN_END_STATES or time.monotonic() >= end:
                break
            time.sleep(0.25)
        if state not in RUN_END_STATES and error is None:
            error = f"the run was asked to stop but is still {state}"
        return state, error


# ---- entry point -------------------------------------------------------------------------


def enqueue_and_follow(request, ctx):
    import wandb

    launch_api = ctx.make_api()
    public_api = wandb.Api()
    queued = push(ctx, request, public_api, launch_api, time.sleep)
    ctx.cancel["phase"] = "wait"
    run_id = request["launch"].get("run_id")
    ctx.emit("queued", queue_item_id=str(queued.id), queue=queued.queue_name,
             project_queue=queued.project_queue, run_id=run_id, entity=queued.entity,
             project=queued.project)

    base = {"submitted": True, "cancelled": False, "timed_out": False, "cancel_error": None,
            "queue_item_id": str(queued.id), "queue_timed_out": False, "item_removed": False}
    queue = request["queue"]
    started = time.monotonic()
    timeout = request.get("timeout_seconds")
    queue_timeout = queue.get("timeout_seconds")
    follower = Follower(
        ctx, public_api, launch_api, queued, run_id,
        deadline=None if timeout is None else started + float(timeout),
        queue_deadline=None if queue_timeout is None else started + float(queue_timeout),
    )
    if ctx.cancel["requested"]:  # the signal came during the push: take the item back
        ctx.emit("result", **{**base, **follower.stop(ctx.cancel["reason"] or "cancelled")})
        return
    if not request.get("synchronous", True):
        try:
            state = with_retries(lambda: queued.state, time.sleep)
        except Exception as exc:
            state = None
            base["cancel_error"] = f"reading the item's state failed: {describe_error(exc)}"
        ctx.emit("result", **{**base, "state": state, "run_id": run_id, "item_state": state,
                              "item_error": None, "run_started": False})
        return
    follower.progress("queued")
    outcome = follower.follow()
    ctx.emit("result", **{**base, **outcome})
