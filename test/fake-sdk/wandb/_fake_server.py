# Test-only (no real counterpart): the W&B server as the fake SDK sees it, in process. Launch
# queues, a simulated launch agent and the runs it starts, timed from the push, as
# ../shared/wandb-backend does it. Behaviour is picked by the queue name and the job name's last
# part (see ../README.md); FAKE_WANDB_AGENT_DELAY (default 0.2) is the agent's delay in seconds.
import base64
import json
import os
import random
import re
import string
import time

from wandb._record import record

QUEUES_MISSING = ("missing-queue",)
RUN_END_BY_QUEUE = {"crash-queue": "crashed", "kill-queue": "killed", "preempt-queue": "preempted"}
RUN_END_BY_JOB = {"ok": "finished", "fail": "failed", "forever": None, "chatty-forever": None}
TEMPLATE_VARIABLES = {  # the schemas of templated-queue (and of FAKE_WANDB_TEMPLATED_QUEUES)
    "gpus": {"type": "integer", "minimum": 1, "maximum": 8},
    "gpu_type": {"type": "string", "enum": ["a100", "h100"]},
    "mem_gb": {"type": "number"},
}

_items = {}
_runs = {}
_graphql_calls = {"GetRunQueueItem": 0}


def delay():
    return float(os.environ.get("FAKE_WANDB_AGENT_DELAY", "0.2"))


def templated_queues():
    """The queues with TEMPLATE_VARIABLES: templated-queue and any in FAKE_WANDB_TEMPLATED_QUEUES (comma-separated)."""
    return {"templated-queue", *filter(None, os.environ.get("FAKE_WANDB_TEMPLATED_QUEUES", "").split(","))}


def behaviour(job):
    return (job or "ok").split("/")[-1].split(":")[0]


_job_checks = {}


def job_exists(job):
    """`missing` never exists; `vanishing` only for the first check (gone by launch_add's own)."""
    _job_checks[job] = _job_checks.get(job, 0) + 1
    if behaviour(job) == "vanishing":
        return _job_checks[job] == 1
    return behaviour(job) != "missing"


def queue_exists(queue_name):
    return queue_name not in QUEUES_MISSING


def storage_id(entity, project, name):
    return base64.standard_b64encode(f"Run:v1:{name}:{project}:{entity}".encode()).decode()


def push(entity, project_queue, queue_name, spec, template_variables, priority):
    if not queue_exists(queue_name):
        return None
    iid = base64.standard_b64encode(f"RunQueueItem:{len(_items) + 1}".encode()).decode()
    _items[iid] = {"id": iid, "queue": queue_name, "entity": entity, "project_queue": project_queue,
                   "spec": spec, "state": "PENDING", "pushed": time.monotonic(), "associatedRunId": None,
                   "error": None}
    record("push", item=iid, queue=queue_name, project_queue=project_queue, entity=entity, priority=priority,
           template_variables=template_variables, spec=spec)
    return {"runQueueItemId": iid, "runSpec": spec}


def advance():
    now = time.monotonic()
    d = delay()
    for item in _items.values():
        if item["queue"] == "stuck-queue" or item["state"] == "FAILED":
            continue
        t = item["pushed"]
        if item["state"] == "PENDING" and now >= t + d:
            name = item["spec"].get("run_id") or "".join(random.choice(string.ascii_lowercase) for _ in range(8))
            item.update(state="CLAIMED", associatedRunId=name)
            if item["queue"] != "failing-queue":
                entity, project = item["spec"]["entity"], item["spec"]["project"]
                job = behaviour(item["spec"].get("job"))
                end = RUN_END_BY_QUEUE.get(item["queue"]) or RUN_END_BY_JOB.get(job, "finished")
                plan = [] if end is None else [(t + 2 * d, end)]
                if end == "preempted":  # preempting long enough for any poll interval to see it
                    plan = [(t + 1.5 * d, "preempting"), (t + 3.5 * d, end)]
                _runs[(entity, project, name)] = {"entity": entity, "project": project, "name": name,
                                                  "state": "running", "plan": plan}
        if item["state"] == "CLAIMED" and item["queue"] == "failing-queue" and now >= t + 2 * d:
            item["state"] = "FAILED"
            item["error"] = {"message": f"fake agent: could not start {item['spec'].get('job')}", "stage": "agent"}
    for run in _runs.values():
        while run["plan"] and run["plan"][0][0] <= now:
            run["state"] = run["plan"].pop(0)[1]


def find_item(iid):
    advance()
    return _items.get(iid)


def delete_item(iid):
    item = _items.pop(iid, None)
    record("delete_item", item=iid, state=item and item["state"])
    return item is not None


def find_run(entity, project, name):
    advance()
    return _runs.get((entity, project, name))


def stop_run(sid):
    for run in _runs.values():
        if storage_id(run["entity"], run["project"], run["name"]) == sid:
            record("stop_run", run=run["name"], state=run["state"])
            if run["state"] in ("pending", "running", "preempting"):
                run["state"], run["plan"] = "killed", []
            return True
    raise ValueError(f"run not found: {sid}")


def graphql(query, variables):
    """The operations the bridge sends itself; any other is an error, so drift shows."""
    from wandb.errors import CommError

    match = re.search(r"\b(?:query|mutation)\s+(\w+)", query)
    name = match.group(1) if match else "<anonymous>"
    record("graphql", op=name, variables=variables)
    if name == "LaunchActionRunQueue":
        if not queue_exists(variables["queueName"]):
            return {"project": {"runQueue": None}}
        templated = variables["queueName"] in templated_queues()
        return {"project": {"runQueue": {"id": f"queue-{variables['queueName']}",
                                         "defaultResourceConfigID": "cfg-1" if templated else None}}}
    if name == "LaunchActionTemplateVariables":
        return {"entity": {"defaultResourceConfig": {"templateVariables": [
            {"name": k, "schema": json.dumps(v)} for k, v in TEMPLATE_VARIABLES.items()]}}}
    if name == "GetRunQueueItem":
        _graphql_calls[name] += 1
        if _graphql_calls[name] <= int(os.environ.get("FAKE_WANDB_FLAKY", "0")):
            raise CommError("HTTP 503: Service Unavailable")
        item = find_item(variables["itemId"])
        view = None
        if item is not None:
            view = {"id": item["id"], "state": item["state"], "associatedRunId": item["associatedRunId"],
                    "error": item["error"] and {"message": item["error"]["message"]}}
        return {"project": {"runQueue": {"runQueueItem": view}}}
    raise CommError(f"fake server: operation {name} is not served")
