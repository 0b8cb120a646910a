"""The queue item as the follower reads it: the SDK's own query (QueuedRun._get_item's
GetRunQueueItem), asking for the item's error as well where the server has that field."""

from __future__ import annotations

import sys

from ..sdk.api import graphql, lacks_field

# QueuedRun._get_item's query (GetRunQueueItem), plus the item's error (what failed, at which stage,
# with which files): the SDK has no accessor for it, and no released SDK reads it, so a server may
# not have it: then the SDK's own query (SDK_ITEM_QUERY) is used, and the reason left out.
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
                    stage
                    filePaths
                }
            }
        }
    }
}
"""


SDK_ITEM_QUERY = """
query GetRunQueueItem($projectName: String!, $entityName: String!, $runQueue: String!, $itemId: ID!) {
    project(name: $projectName, entityName: $entityName) {
        runQueue(name: $runQueue) {
            runQueueItem(id: $itemId) {
                id
                state
                associatedRunId
            }
        }
    }
}
"""
NO_ITEM_ERROR = (
    "This W&B server does not report why a queue item failed (it has no RunQueueItem.error): "
    "if the item fails, the reason is left out."
)


def item_variables(f):
    return {
        "projectName": f.queued.project_queue,
        "entityName": f.queued.entity,
        "runQueue": f.queued.queue_name,
        "itemId": f.queued.id,
    }


def fetch_item(f):
    """The item, with its error where the server has it (else the SDK's own query, from then on)."""
    try:
        res = f.on_time(lambda: graphql(f.public_api, f.item_query, item_variables(f)), "reading the queue item")
    except Exception as exc:
        if f.item_query == SDK_ITEM_QUERY or not lacks_field(exc):
            raise
        f.item_query = SDK_ITEM_QUERY
        print(NO_ITEM_ERROR, file=sys.stderr, flush=True)
        res = f.on_time(lambda: graphql(f.public_api, f.item_query, item_variables(f)), "reading the queue item")
    queue = ((res or {}).get("project") or {}).get("runQueue") or {}
    return queue.get("runQueueItem")


def item_there(f, waiting):
    """Whether the item is still in its queue (the SDK's own query); waiting(call, what) bounds the call."""
    res = waiting(
        lambda: graphql(f.public_api, SDK_ITEM_QUERY, item_variables(f)), f"checking queue item {f.queued.id}"
    )
    queue = ((res or {}).get("project") or {}).get("runQueue") or {}
    return queue.get("runQueueItem") is not None
