"""Following on a server without the fields no released SDK reads (RunQueueItem.error and
.runSpec): the item query and the duplicate check fall back to the SDK's own fields on the
server's "Cannot query field" refusal, saying once what is left out; and a removal counts only
when the item is seen gone (the SDK ignores deleteFromRunQueue's answer)."""

from __future__ import annotations

import contextlib
import io
import unittest
from types import SimpleNamespace

from wandb_launch_bridge.deadline import Budget
from wandb_launch_bridge.follow.item import ITEM_QUERY, SDK_ITEM_QUERY, fetch_item
from wandb_launch_bridge.follow.stop import remove_item
from wandb_launch_bridge.queue.dedupe import ITEMS_QUERY, SDK_ITEMS_QUERY, items_for_run


class OlderServer:
    """A W&B API whose server refuses documents selecting `missing` fields, as a GraphQL server does."""

    def __init__(self, answers, missing=("error {", "runSpec")):
        self.answers = answers  # query -> answer
        self.missing = missing
        self.asked = []
        self._service_api = self

    def execute_graphql(self, query, variables):
        self.asked.append(query)
        for field in self.missing:
            if field in query:
                name = field.split(" ")[0]
                raise RuntimeError(f'Cannot query field "{name}" on type "RunQueueItem".')
        return self.answers[query]


QUEUED = SimpleNamespace(entity="team", project="proj", project_queue="model-registry", queue_name="q", id="item-1")


def item_answer(item):
    return {"project": {"runQueue": {"runQueueItem": item}}}


class ItemQuery(unittest.TestCase):
    def test_falls_back_to_the_sdks_query_once_and_says_so_once(self):
        api = OlderServer({SDK_ITEM_QUERY: item_answer({"id": "item-1", "state": "FAILED", "associatedRunId": None})})
        f = SimpleNamespace(public_api=api, queued=QUEUED, item_query=ITEM_QUERY, on_time=lambda call, what: call())
        said = io.StringIO()
        with contextlib.redirect_stderr(said):
            first = fetch_item(f)
            second = fetch_item(f)
        self.assertEqual(first, {"id": "item-1", "state": "FAILED", "associatedRunId": None})
        self.assertEqual(second, first)
        self.assertEqual(api.asked, [ITEM_QUERY, SDK_ITEM_QUERY, SDK_ITEM_QUERY])
        self.assertEqual(said.getvalue().count("does not report why a queue item failed"), 1)

    def test_any_other_error_is_raised(self):
        api = OlderServer({}, missing=())  # no answer: a KeyError, not a refusal of a field
        f = SimpleNamespace(public_api=api, queued=QUEUED, item_query=ITEM_QUERY, on_time=lambda call, what: call())
        with self.assertRaises(KeyError):
            fetch_item(f)
        self.assertEqual(api.asked, [ITEM_QUERY])


class DuplicateCheck(unittest.TestCase):
    def test_without_run_specs_the_items_claimed_for_the_run_and_our_own_are_found(self):
        nodes = [
            {"id": "item-1", "state": "PENDING", "associatedRunId": None},
            {"id": "item-2", "state": "CLAIMED", "associatedRunId": "run-7"},
            {"id": "item-3", "state": "CLAIMED", "associatedRunId": "other"},
        ]
        answer = {"project": {"runQueue": {"runQueueItems": {"edges": [{"node": n} for n in nodes]}}}}
        api = OlderServer({SDK_ITEMS_QUERY: answer})
        said = io.StringIO()
        with contextlib.redirect_stderr(said):
            mine = items_for_run(api, QUEUED, "run-7")
        self.assertEqual([n["id"] for n in mine], ["item-1", "item-2"])
        self.assertEqual(api.asked, [ITEMS_QUERY, SDK_ITEMS_QUERY])
        self.assertIn("does not show a queue item's run spec", said.getvalue())


class Removal(unittest.TestCase):
    def removal(self, still_there):
        item = {"id": "item-1", "state": "PENDING", "associatedRunId": None} if still_there else None
        api = OlderServer({SDK_ITEM_QUERY: item_answer(item)})
        deleted = []
        queued = SimpleNamespace(**vars(QUEUED), delete=lambda: deleted.append(True))
        removed = remove_item(SimpleNamespace(public_api=api, queued=queued), Budget(5.0))
        self.assertEqual(deleted, [True])
        return removed

    def test_an_item_seen_gone_was_removed(self):
        self.assertEqual(self.removal(still_there=False), (True, None))

    def test_an_item_still_there_was_not_removed(self):
        removed, error = self.removal(still_there=True)
        self.assertFalse(removed)
        self.assertEqual(error, "W&B did not remove queue item item-1 from q: it is still there")
