"""Queue mode: one item per run, even when a push's answer was lost. wandb-core sends a push
again when the connection drops after the server handled it, and the queue then holds two items
with the same run ID: two agents would start the same run. After the push, the items carrying
this run ID are looked up and all but one removed; the one kept is the one furthest along."""

from __future__ import annotations

import json
import sys

from ..cancel import cancel
from ..deadline import call_with_deadline
from ..sdk.api import describe_error, graphql, lacks_field

ITEMS_QUERY = """
query LaunchActionQueueItems($projectName: String!, $entityName: String!, $runQueue: String!) {
    project(name: $projectName, entityName: $entityName) {
        runQueue(name: $runQueue) {
            runQueueItems {
                edges {
                    node {
                        id
                        state
                        runSpec
                    }
                }
            }
        }
    }
}
"""
# Without RunQueueItem.runSpec (no released SDK reads it: a server may not have it), the SDK's own
# fields: an item is known to be this run's once an agent has claimed it under the run ID.
SDK_ITEMS_QUERY = """
query LaunchActionQueueItems($projectName: String!, $entityName: String!, $runQueue: String!) {
    project(name: $projectName, entityName: $entityName) {
        runQueue(name: $runQueue) {
            runQueueItems {
                edges {
                    node {
                        id
                        state
                        associatedRunId
                    }
                }
            }
        }
    }
}
"""
LOOKUP_SECONDS = 30.0


def items_for_run(public_api, queued, run_id):
    variables = {"projectName": queued.project_queue, "entityName": queued.entity, "runQueue": queued.queue_name}

    def listed(query):
        res = call_with_deadline(
            lambda: graphql(public_api, query, variables),
            LOOKUP_SECONDS,
            "listing the queue's items",
            give_up=lambda: cancel.requested,
        )
        queue = ((res or {}).get("project") or {}).get("runQueue") or {}
        return [edge.get("node") or {} for edge in (queue.get("runQueueItems") or {}).get("edges") or []]

    try:
        return [node for node in listed(ITEMS_QUERY) if spec_of(node).get("run_id") == run_id]
    except Exception as exc:
        if not lacks_field(exc):
            raise
    print(
        f"This W&B server does not show a queue item's run spec (it has no RunQueueItem.runSpec): a second "
        f"item of run {run_id} from a push sent twice is seen only once an agent has claimed it.",
        file=sys.stderr,
        flush=True,
    )
    return [
        node
        for node in listed(SDK_ITEMS_QUERY)
        if str(node.get("id")) == str(queued.id) or node.get("associatedRunId") == run_id
    ]


def spec_of(node):
    spec = node.get("runSpec")
    if isinstance(spec, str):
        try:
            spec = json.loads(spec)
        except ValueError:
            return {}
    return spec if isinstance(spec, dict) else {}


def keep_one(public_api, queued, run_id):
    """The QueuedRun to follow: `queued` unless a twin is further along. Best effort: a failed
    look-up leaves the queue as it is, with a log line."""
    if not run_id:
        return queued
    try:
        mine = items_for_run(public_api, queued, run_id)
    except Exception as exc:
        print(
            f"Could not check queue {queued.queue_name} for a second item of run {run_id}: {describe_error(exc)}",
            file=sys.stderr,
            flush=True,
        )
        return queued
    if len(mine) <= 1:
        return queued
    started = [node for node in mine if str(node.get("state") or "").upper() != "PENDING"]
    keep = (started or [node for node in mine if str(node.get("id")) == str(queued.id)] or mine)[0]
    kept = (
        queued
        if str(keep.get("id")) == str(queued.id)
        else public_api.queued_run(queued.entity, queued.project, queued.queue_name, keep["id"], queued.project_queue)
    )
    for node in mine:
        if node is keep:
            continue
        twin = public_api.queued_run(queued.entity, queued.project, queued.queue_name, node["id"], queued.project_queue)
        try:
            call_with_deadline(twin.delete, LOOKUP_SECONDS, f"removing queue item {node['id']}")
            note = "removed"
        except Exception as exc:
            note = f"could not be removed ({describe_error(exc)}): remove it by hand"
        print(
            f"The push was sent twice (its first answer was lost): queue item {node['id']} for the same run "
            f"{run_id} {note}; following item {keep['id']}",
            file=sys.stderr,
            flush=True,
        )
    return kept
