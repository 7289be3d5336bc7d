"""The WhatsApp Cloud channel under channelhub's real use cases (in-memory store), with the
simulated Graph API on loopback: receive, reply, statuses, the 24-hour window, retries, failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from adapters.outbound.channels.whatsapp_cloud import WhatsAppCloudSimulator
from adapters.outbound.channels.whatsapp_cloud import plugin as cloud_plugin
from adapters.outbound.in_memory import InMemoryStore, InMemoryUnitOfWork
from application.channels import ChannelRegistry
from application.delivery import DeliverMessage, DeliveryOutcome, RetryPolicy
from application.management import CreateAccount, ManageInboxes
from application.ports import CollectingEventPublisher
from application.queries import Queries
from application.sending import SendMessage
from application.webhooks import ReceiveWebhook
from domain.accounts import Inbox
from domain.errors import CapabilityMissing, MessagingWindowClosed
from domain.messages import Message, MessageStatus
from domain.ports.webhooks import InboundRequest
from tests.support.clock import FixedClock


class ListQueue:
    def __init__(self) -> None:
        self.ids: list[str] = []

    def enqueue(self, message_id: str, not_before: object = None) -> None:
        self.ids.append(message_id)


@dataclass
class Hub:
    """channelhub wired the way the lead's composition root wires it, minus HTTP and threads."""

    simulator: WhatsAppCloudSimulator
    session: aiohttp.ClientSession
    clock: FixedClock
    inbox: Inbox
    account_id: str
    uow_factory: Any
    registry: ChannelRegistry
    publisher: CollectingEventPublisher

    @property
    def queries(self) -> Queries:
        return Queries(self.uow_factory, self.registry, self.clock)

    def receive(self, request: InboundRequest) -> None:
        ReceiveWebhook(self.uow_factory, self.registry, self.clock, self.publisher)(
            "whatsapp_cloud", self.inbox.inbox_key, request
        )

    def customer_says(self, text: str, source_id: str = "wamid.IN1") -> str:
        """The customer writes; the conversation's id."""
        self.receive(
            self.simulator.incoming_message(
                self.inbox.channel,
                source_id=source_id,
                sender_id=self.simulator.recipient_id,
                text=text,
                timestamp=self.clock.now(),
            )
        )
        return self.queries.conversations(self.account_id).items[0].conversation.id

    def send(self, conversation_id: str, body: dict[str, Any]) -> Message:
        use_case = SendMessage(
            self.uow_factory, self.registry, self.clock, ListQueue(), self.publisher
        )
        return use_case(self.account_id, conversation_id, body)

    async def deliver(self, message_id: str) -> DeliveryOutcome:
        use_case = DeliverMessage(
            self.uow_factory,
            lambda slug: self.registry.get(slug).create_sender(self.session),
            self.clock,
            RetryPolicy(),
            self.publisher,
        )
        return await use_case(message_id)

    def message(self, message_id: str) -> Message:
        return self.queries.message(self.account_id, message_id)


@pytest.fixture
async def hub(serve: Any, session: aiohttp.ClientSession) -> Hub:
    simulator = WhatsAppCloudSimulator()
    base_url = await serve(simulator.app())
    store = InMemoryStore()

    def uow_factory() -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(store)

    clock = FixedClock()
    registry = ChannelRegistry([cloud_plugin])
    account = CreateAccount(uow_factory, clock)({"name": "Acme"}).account
    body = {
        "name": "WhatsApp",
        "channel": {"type": "whatsapp_cloud", **simulator.channel_config(base_url)},
    }
    inbox = ManageInboxes(uow_factory, registry, clock).create(account.id, body).inbox
    return Hub(
        simulator,
        session,
        clock,
        inbox,
        account.id,
        uow_factory,
        registry,
        CollectingEventPublisher(),
    )


async def test_a_reply_is_sent_as_graph_expects_and_ends_read_whatever_the_status_order(
    hub: Hub,
) -> None:
    conversation_id = hub.customer_says("Where is my order?")
    [incoming] = hub.queries.messages(hub.account_id, conversation_id).items
    reply = hub.send(
        conversation_id,
        {"content": "It ships today", "content_attributes": {"in_reply_to": incoming.id}},
    )
    assert (await hub.deliver(reply.id)).status == "sent"
    sent = hub.message(reply.id)
    assert (sent.status, sent.source_id) == (MessageStatus.SENT, "wamid.SIM00000001")
    [received] = hub.simulator.received
    assert received.headers["Authorization"] == f"Bearer {hub.simulator.access_token}"
    assert received.payload == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": hub.simulator.recipient_id,
        "context": {"message_id": "wamid.IN1"},
        "type": "text",
        "text": {"body": "It ships today", "preview_url": False},
    }
    for request in hub.simulator.status_updates(
        hub.inbox.channel,
        source_id="wamid.SIM00000001",
        statuses=["delivered", "read"],
        duplicate=True,
        reverse=True,
    ):
        hub.receive(request)
    assert hub.message(reply.id).status is MessageStatus.READ


async def test_a_batched_webhook_stores_every_message_and_applies_every_status(
    hub: Hub,
) -> None:
    conversation_id = hub.customer_says("hello")
    replies = [hub.send(conversation_id, {"content": f"reply {i}"}) for i in (1, 2)]
    for reply in replies:
        await hub.deliver(reply.id)
    sources = [hub.message(r.id).source_id or "" for r in replies]
    hub.receive(hub.simulator.batched(hub.inbox.channel, messages=3, status_ids=sources))
    messages = hub.queries.messages(hub.account_id, conversation_id).items
    incoming = [m.content for m in messages if m.message_type.value == "incoming"]
    assert incoming == ["hello", "message 1", "message 2", "message 3"]
    assert [hub.message(r.id).status for r in replies] == [MessageStatus.DELIVERED] * 2


async def test_outside_the_24_hour_window_only_a_template_goes(hub: Hub) -> None:
    conversation_id = hub.customer_says("hi")
    hub.clock.advance(hours=24, seconds=1)
    assert hub.queries.conversation(hub.account_id, conversation_id).can_reply is False
    with pytest.raises(MessagingWindowClosed):
        hub.send(conversation_id, {"content": "Are you still there?"})
    template = hub.send(
        conversation_id,
        {"template": {"name": "follow_up", "language": "en_US", "parameters": ["Dana"]}},
    )
    assert (await hub.deliver(template.id)).status == "sent"
    [received] = hub.simulator.received
    assert received.payload["type"] == "template"
    assert received.payload["template"]["name"] == "follow_up"


async def test_the_window_counts_from_the_customers_own_timestamp(hub: Hub) -> None:
    # A webhook that arrives late still opens the window from when the customer wrote.
    hub.receive(
        hub.simulator.incoming_message(
            hub.inbox.channel,
            source_id="wamid.LATE",
            sender_id=hub.simulator.recipient_id,
            text="sent yesterday",
            timestamp=hub.clock.now() - timedelta(hours=25),
        )
    )
    conversation = hub.queries.conversations(hub.account_id).items[0]
    assert conversation.can_reply is False


async def test_a_throughput_limit_is_retried_and_then_sent(hub: Hub) -> None:
    conversation_id = hub.customer_says("hi")
    reply = hub.send(conversation_id, {"content": "one moment"})
    hub.simulator.fail_next_with_code(130429)
    first = await hub.deliver(reply.id)
    assert first.status == "retry" and first.retry_at is not None
    assert hub.message(reply.id).external_error == "130429: Rate limit hit"
    hub.clock.set(first.retry_at)
    assert (await hub.deliver(reply.id)).status == "sent"
    after = hub.message(reply.id)
    assert (after.status, after.external_error) == (MessageStatus.SENT, None)
    assert len(hub.simulator.received) == 1


async def test_an_undeliverable_message_fails_with_graphs_error(hub: Hub) -> None:
    conversation_id = hub.customer_says("hi")
    reply = hub.send(conversation_id, {"content": "hello?"})
    hub.simulator.fail_next_with_code(131026)
    assert (await hub.deliver(reply.id)).status == "failed"
    failed = hub.message(reply.id)
    assert (failed.status, failed.external_error) == (
        MessageStatus.FAILED,
        "131026: Message undeliverable",
    )
    assert hub.simulator.received == []


async def test_a_failed_status_webhook_fails_a_sent_message_with_its_error(hub: Hub) -> None:
    conversation_id = hub.customer_says("hi")
    reply = hub.send(conversation_id, {"content": "hello?"})
    await hub.deliver(reply.id)
    hub.receive(
        hub.simulator.status_update(
            hub.inbox.channel, source_id="wamid.SIM00000001", status="failed", error_code=131026
        )
    )
    failed = hub.message(reply.id)
    assert (failed.status, failed.external_error) == (
        MessageStatus.FAILED,
        "131026: Message undeliverable",
    )


async def test_an_expired_token_fails_the_message_with_code_190(hub: Hub) -> None:
    conversation_id = hub.customer_says("hi")
    reply = hub.send(conversation_id, {"content": "hello?"})
    hub.simulator.fail_next_with_code(190, status=401)
    assert (await hub.deliver(reply.id)).status == "failed"
    assert hub.message(reply.id).external_error == "190: Invalid OAuth access token"


async def test_text_past_4096_characters_is_refused_before_anything_is_queued(hub: Hub) -> None:
    conversation_id = hub.customer_says("hi")
    with pytest.raises(CapabilityMissing) as caught:
        hub.send(conversation_id, {"content": "x" * 4097})
    assert caught.value.part == "content"
