# Test-only (no real counterpart): the W&B server as the fake SDK sees it, in process. Launch
# queues, a simulated launch agent and the runs it starts, timed from the push, as
# ../shared/wandb-backend does it. Behaviour is picked by the queue name and the job name's last
# part (see ../README.md); FAKE_WANDB_AGENT_DELAY (default 0.2) is the agent's delay in seconds.
# FAKE_WANDB_STATE names a JSON file that keeps the queue items from one process to the next (the
# jobs of one workflow share a server; the runs are shared through FAKE_WANDB_RUNS_DIR); the times
# are time.monotonic()'s, one clock for every process of the machine.
import base64
import json
import os
import random
import re
import string
import time

from wandb import _fake_runs
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
_graphql_calls = {"GetRunQueueItem": 0}


def delay():
    return float(os.environ.get("FAKE_WANDB_AGENT_DELAY", "0.2"))


def templated_queues():
    """The queues with TEMPLATE_VARIABLES: templated-queue and any in FAKE_WANDB_TEMPLATED_QUEUES (comma-separated)."""
    return {"templated-queue", *filter(None, os.environ.get("FAKE_WANDB_TEMPLATED_QUEUES", "").split(","))}


def behaviour(job):
    return (job or "ok").split("/")[-1].split(":")[0]




def job_exists(job):
    """`missing` never exists."""
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
    save_items()
    return {"runQueueItemId": iid, "runSpec": spec}


def advance():
    now = time.monotonic()
    d = delay()
    for item in _items.values():
        if item["queue"] in ("stuck-queue", "hostile-queue") or item["state"] == "FAILED":
            continue
        t = item["pushed"]
        if item["state"] == "PENDING" and now >= t + d:
            name = item["spec"].get("run_id") or "".join(random.choice(string.ascii_lowercase) for _ in range(8))
            item.update(state="CLAIMED", associatedRunId=name)
            if item["queue"] != "failing-queue":
                entity, project = item["spec"]["entity"], item["spec"]["project"]
                job = behaviour(item["spec"].get("job"))
                end = RUN_END_BY_QUEUE.get(item["queue"]) or job_end(job, item["spec"])
                run_seconds = float(os.environ.get("FAKE_WANDB_RUN_SECONDS", "0")) or d
                plan = [] if end is None else [(t + d + run_seconds, end)]
                if end == "preempted":  # preempting long enough for any poll interval to see it
                    plan = [(t + 1.5 * d, "preempting"), (t + 3.5 * d, end)]
                start_run(item, entity, project, name, job, plan)
        if item["state"] == "CLAIMED" and item["queue"] == "failing-queue" and now >= t + 2 * d:
            item["state"] = "FAILED"
            item["error"] = {"message": f"fake agent: could not start {item['spec'].get('job')}", "stage": "agent",
                             "filePaths": ["/tmp/agent-item.log"]}
    save_items()
    for run in _fake_runs.all_runs():
        if run.get("plan") and run["plan"][0][0] <= now:
            while run["plan"] and run["plan"][0][0] <= now:
                run["state"] = run["plan"].pop(0)[1]
            _fake_runs.save(run)


def job_end(job, spec):
    if job == "metrics":  # the run config's exit_code decides, as for the real metricjob
        code = int(((spec.get("overrides") or {}).get("run_config") or {}).get("exit_code", 0))
        return "finished" if code == 0 else "failed"
    return RUN_END_BY_JOB.get(job, "finished")


def start_run(item, entity, project, name, job, plan):
    """The run the simulated agent starts; job `metrics` has logged what its run config says at once
    (as ../shared/wandb-backend's agent does for metricjob): the values go linearly from 0 to
    `metrics` over `steps` (default 3), a line per step in output.log."""
    run_config = (item["spec"].get("overrides") or {}).get("run_config") or {}
    run = _fake_runs.new_run(entity, project, name, config=run_config)
    run["plan"] = plan
    if job == "metrics":
        write_metrics(run, run_config)
    else:
        run["console"] = job_log(job, plan[-1][1] if plan else None)
    _fake_runs.save(run)


def job_log(job, end):
    """What another job prints: 30 step lines, then a traceback (with a workflow command and HTML in
    it) unless it finished."""
    lines = [f"[fake {job}] step {i}/30 loss={1 / (i + 1):.4f}" for i in range(1, 31)]
    if end not in (None, "finished"):
        lines += ["Traceback (most recent call last):", '  File "train.py", line 12, in <module>',
                  f"RuntimeError: fake {job} job failed ::error::not a command <b>not html</b>"]
    return lines


def add_run(entity, project, name, job, end, seconds):
    """The W&B run of a remote runner's job (direct mode): running, then `end` after `seconds`."""
    run = _fake_runs.new_run(entity, project, name)
    run["plan"] = [] if end is None else [(time.monotonic() + seconds, end)]
    run["console"] = job_log(job, end)
    _fake_runs.save(run)


def write_metrics(run, run_config):
    metrics = run_config.get("metrics") or {}
    steps = max(1, int(run_config.get("steps", 3)))
    for i in range(1, steps + 1):
        values = {k: float(v) * i / steps for k, v in metrics.items()}
        run["history"].append({**values, "_step": i - 1})
        run["summary"].update(values)
        run["console"].append(metrics_line(i, steps, values))


def metrics_line(i, steps, values):
    return f"[fake job metrics] step {i}/{steps} " + " ".join(f"{k}={v:.6g}" for k, v in sorted(values.items()))


def shown_state(item):
    """hostile-queue: a server that puts workflow commands into the item's state."""
    if item["queue"] == "hostile-queue":
        return f"{item['state']}\n::warning::forged by the server\n  ##[error]forged too"
    return item["state"]


def find_item(iid):
    advance()
    return _items.get(iid)


def delete_item(iid):
    item = _items.pop(iid, None)
    record("delete_item", item=iid, state=item and item["state"])
    save_items()
    return item is not None


def find_run(entity, project, name):
    advance()
    return _fake_runs.load(entity, project, name)


def run_by_storage_id(sid):
    for run in _fake_runs.all_runs():
        if storage_id(run["entity"], run["project"], run["name"]) == sid:
            return run
    raise ValueError(f"run not found: {sid}")


def stop_run(sid):
    run = run_by_storage_id(sid)
    record("stop_run", run=run["name"], state=run["state"])
    if run["state"] in ("pending", "running", "preempting"):
        run["state"], run["plan"] = "killed", []
        _fake_runs.save(run)
    return True


# Run.update_state: the transitions the real SDK documents.
STATE_TRANSITIONS = {"pending": ("running", "failed", "crashed", "preempted"), "failed": ("pending", "running")}


def update_run_state(sid, state):
    run = run_by_storage_id(sid)
    record("update_run_state", run=run["name"], state=state, was=run["state"])
    if run["state"] not in STATE_TRANSITIONS.get(state, ()):
        raise ValueError(f"invalid run state transition: {run['state']} -> {state}")
    run["state"], run["plan"] = state, []
    _fake_runs.save(run)


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
            view = {"id": item["id"], "state": shown_state(item), "associatedRunId": item["associatedRunId"],
                    "error": item["error"] and {"message": item["error"]["message"], "stage": item["error"].get("stage"),
                                                "filePaths": item["error"].get("filePaths") or []}}
        return {"project": {"runQueue": {"runQueueItem": view}}}
    if name == "LaunchActionQueueItems":
        advance()
        nodes = [{"id": item["id"], "state": shown_state(item), "runSpec": item["spec"]}
                 for item in _items.values() if item["queue"] == variables["runQueue"]]
        return {"project": {"runQueue": {"runQueueItems": {"edges": [{"node": n} for n in nodes]}}}}
    raise CommError(f"fake server: operation {name} is not served")


def save_items():
    path = os.environ.get("FAKE_WANDB_STATE")
    if path:
        with open(path, "w") as f:
            json.dump(_items, f)


def seed():
    """What an earlier job left on the server, for attach: FAKE_WANDB_STATE's items, and FAKE_WANDB_SEED
    (JSON) {"runs": [{"entity", "project", "name", "state", "plan": [[seconds from now, state]], "job"}],
    "items": [{"id", "queue", "spec", "state", "associatedRunId", "error"}]} (items pushed now)."""
    path = os.environ.get("FAKE_WANDB_STATE")
    if path and os.path.exists(path):
        with open(path) as f:
            _items.update(json.load(f))
    data = json.loads(os.environ.get("FAKE_WANDB_SEED") or "{}")
    now = time.monotonic()
    for given in data.get("runs", []):
        if _fake_runs.load(given["entity"], given["project"], given["name"]) is not None:
            continue  # seeded by an earlier process of the same test
        plan = [(now + seconds, state) for seconds, state in given.get("plan", [])]
        run = _fake_runs.new_run(given["entity"], given["project"], given["name"], state=given["state"])
        run["plan"] = plan
        run["console"] = job_log(given.get("job", "seeded"), plan[-1][1] if plan else given["state"])
        _fake_runs.save(run)
    for item in data.get("items", []):
        _items.setdefault(item["id"], {"queue": "q", "entity": "ent", "project_queue": "model-registry", "spec": {},
                                       "state": "PENDING", "associatedRunId": None, "error": None,
                                       **item, "pushed": now})


seed()
