from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from adapters.outbound.in_memory import InMemoryMediaStore
from application.delivery import RetryPolicy
from application.media import FetchAttachments, MediaLinks, RecoverPendingMedia, ServeMedia
from application.webhooks import ReceiveWebhook
from domain.errors import ChannelRejected, ChannelUnavailable, NotFound
from domain.messages import AttachmentStatus
from domain.ports.media import FetchedMedia
from domain.ports.webhooks import InboundAttachment, IncomingMessage, Sender
from tests.application.conftest import ListQueue
from tests.application.fakes import webhook


class ScriptedFetcher:
    def __init__(self, *outcomes: object) -> None:
        self.outcomes = list(outcomes)
        self.asked: list[str] = []

    async def fetch(self, provider_ref, channel):
        self.asked.append(provider_ref)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def store_incoming(world, *attachments: InboundAttachment):
    """An incoming message with attachments, stored the way a webhook stores it."""
    from application.ingest import EventIngestor

    with world.uow_factory() as uow:
        ingestor = EventIngestor(uow, world.inbox, world.clock.now())
        ingestor.apply(IncomingMessage("m1", Sender("c1"), "look", attachments=attachments))
        uow.commit()
    return ingestor.media_pending


def attachments_of(world, message_id):
    return world.queries.message(world.account_id, message_id).attachments


def fetch(world, fetcher, store, message_id, policy=None):
    use_case = FetchAttachments(
        world.uow_factory, lambda slug: fetcher, store, world.clock, policy or RetryPolicy()
    )
    return asyncio.run(use_case(message_id))


IMAGE = InboundAttachment("image", provider_ref="media-1", mime_type="image/jpeg")


def test_fetched_bytes_are_stored_and_the_attachment_is_ready(world):
    [message_id] = store_incoming(world, IMAGE)
    store = InMemoryMediaStore()
    outcome = fetch(
        world,
        ScriptedFetcher(FetchedMedia(b"\xff\xd8jpeg", "image/jpeg", "a.jpg")),
        store,
        message_id,
    )
    assert outcome.status == "fetched"
    [attachment] = attachments_of(world, message_id)
    assert (attachment.status, attachment.size, attachment.file_name) == (
        AttachmentStatus.READY,
        6,
        "a.jpg",
    )
    assert store.get(attachment.id).content == b"\xff\xd8jpeg"
    with world.uow_factory() as uow:
        assert uow.messages.pending_media(10) == []


def test_a_place_has_nothing_to_fetch(world):
    assert store_incoming(world, InboundAttachment("location", extra={"latitude": 1.0})) == []


def test_an_unavailable_provider_is_retried_then_the_failure_is_recorded(world):
    [message_id] = store_incoming(world, IMAGE)
    fetcher = ScriptedFetcher(*[ChannelUnavailable("URL expired")] * 3)
    policy = RetryPolicy(max_attempts=3)
    first = fetch(world, fetcher, InMemoryMediaStore(), message_id, policy)
    assert first.status == "retry" and first.retry_at > world.clock.now()
    assert attachments_of(world, message_id)[0].error == "URL expired"
    fetch(world, fetcher, InMemoryMediaStore(), message_id, policy)
    fetch(world, fetcher, InMemoryMediaStore(), message_id, policy)
    [attachment] = attachments_of(world, message_id)
    assert (attachment.status, attachment.fetch_attempts, attachment.error) == (
        AttachmentStatus.FAILED,
        3,
        "URL expired",
    )
    assert fetcher.asked == ["media-1"] * 3


def test_a_refused_fetch_fails_at_once_with_the_reason(world):
    [message_id] = store_incoming(world, IMAGE)
    fetch(
        world,
        ScriptedFetcher(ChannelRejected("media deleted", "131052")),
        InMemoryMediaStore(),
        message_id,
    )
    [attachment] = attachments_of(world, message_id)
    assert (attachment.status, attachment.error) == (
        AttachmentStatus.FAILED,
        "131052: media deleted",
    )


def test_receiving_queues_the_media_after_commit_and_a_restart_queues_it_again(world):
    queue = ListQueue()
    parser = world.registry.get("scripted").parser
    original = parser.parse
    parser.parse = lambda request, channel: [  # type: ignore[method-assign]
        IncomingMessage("m1", Sender("c1"), None, attachments=(IMAGE,))
    ]
    try:
        ReceiveWebhook(
            world.uow_factory, world.registry, world.clock, world.publisher, media_queue=queue
        )("scripted", world.inbox.inbox_key, webhook())
    finally:
        parser.parse = original  # type: ignore[method-assign]
    [(message_id, _)] = queue.items
    assert attachments_of(world, message_id)[0].status is AttachmentStatus.PENDING

    again = ListQueue()
    assert RecoverPendingMedia(world.uow_factory, again)() == 1
    assert again.items == [(message_id, None)]


def test_signed_links_expire_and_cannot_be_forged(clock):
    links = MediaLinks("secret-key", clock)
    store = InMemoryMediaStore()
    store.put("att-1", FetchedMedia(b"bytes", "image/png"))
    serve = ServeMedia(links, store)
    link = links.sign("att-1")
    assert serve("att-1", str(link.expires), link.signature).content == b"bytes"
    for attachment_id, expires, signature in [
        ("att-2", str(link.expires), link.signature),
        ("att-1", str(link.expires + 3600), link.signature),
        ("att-1", str(link.expires), "0" * 64),
        ("att-1", "not-a-number", link.signature),
        ("att-1", str(link.expires), "é" + link.signature[1:]),  # not ASCII: refused, no error
        ("att-1", str(link.expires), ""),
    ]:
        with pytest.raises(NotFound):
            serve(attachment_id, expires, signature)
    clock.advance(timedelta(hours=1, seconds=1))
    with pytest.raises(NotFound):
        serve("att-1", str(link.expires), link.signature)
    other_key = MediaLinks("another-key", clock).sign("att-1")
    assert other_key.signature != links.sign("att-1").signature
