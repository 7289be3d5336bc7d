from __future__ import annotations

import asyncio

from application.delivery import DeliveryOutcome, RetryPolicy
from application.jobs import JobRouter, KindQueue
from application.setup import RegisterWebhook
from domain.errors import ChannelRejected, ChannelUnavailable
from tests.application.conftest import ListQueue


def test_tagged_jobs_reach_the_job_of_their_kind():
    seen = []

    async def receipt(item_id):
        seen.append(("receipt", item_id))
        return DeliveryOutcome("sent")

    queue = ListQueue()
    KindQueue(queue, "receipt").enqueue("m-1")
    router = JobRouter({"receipt": receipt})
    [(tagged, _)] = queue.items
    assert asyncio.run(router(tagged)).status == "sent"
    assert asyncio.run(router("unknown:m-2")).status == "skipped"
    assert seen == [("receipt", "m-1")]


def test_registering_a_webhook_records_the_outcome_on_the_inbox(world):
    calls, script = (
        [],
        [ChannelUnavailable("502 from the provider"), ChannelRejected("bad token", "401"), None],
    )

    async def registrar(channel, url):
        calls.append(url)
        outcome = script.pop(0)
        if outcome is not None:
            raise outcome

    register = RegisterWebhook(
        world.uow_factory, lambda slug: registrar, "https://hub.example", world.clock, RetryPolicy()
    )
    first = asyncio.run(register(world.inbox.id))
    assert first.status == "retry"
    assert world.queries.inbox(world.account_id, world.inbox.id).webhook_error == (
        "502 from the provider"
    )
    assert asyncio.run(register(world.inbox.id)).status == "failed"
    assert world.queries.inbox(world.account_id, world.inbox.id).webhook_error == "401: bad token"
    assert asyncio.run(register(world.inbox.id)).status == "registered"
    assert world.queries.inbox(world.account_id, world.inbox.id).webhook_error is None
    assert calls == [f"https://hub.example/webhooks/scripted/{world.inbox.inbox_key}"] * 3


def test_a_channel_without_registration_is_skipped(world):
    register = RegisterWebhook(
        world.uow_factory, lambda slug: None, "https://hub.example", world.clock, RetryPolicy()
    )
    assert asyncio.run(register(world.inbox.id)).status == "skipped"


def test_saving_an_inbox_asks_for_a_registration(world):
    from application.management import ManageInboxes

    changed = []
    manage = ManageInboxes(
        world.uow_factory,
        world.registry,
        world.clock,
        on_change=lambda inbox: changed.append(inbox.id),
    )
    created = manage.create(
        world.account_id, {"name": "New", "channel": {"type": "scripted", "token": "t"}}
    ).inbox
    manage.update(world.account_id, created.id, {"name": "Renamed"})
    assert changed == [created.id, created.id]
