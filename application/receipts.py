"""Read receipts: telling the contact their latest message was read (WhatsApp's blue ticks)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from application.channels import ChannelRegistry
from application.delivery import DeliveryOutcome, RetryPolicy
from application.ports import DeliveryQueue, UnitOfWorkFactory
from domain.channels import Channel
from domain.errors import CapabilityMissing, ChannelRejected, ChannelUnavailable, NotFound
from domain.ports.clock import Clock
from domain.ports.senders import ChannelSender, ReadReceiptSender


@dataclass(frozen=True)
class ReadReceiptQueued:
    message_id: str | None  # None: the conversation has no incoming message yet


class MarkConversationRead:
    """Queues a read receipt for the conversation's newest incoming message."""

    def __init__(
        self, uow_factory: UnitOfWorkFactory, registry: ChannelRegistry, queue: DeliveryQueue
    ) -> None:
        self.uow_factory = uow_factory
        self.registry = registry
        self.queue = queue

    def __call__(self, account_id: str, conversation_id: str) -> ReadReceiptQueued:
        with self.uow_factory() as uow:
            conversation = uow.conversations.get(account_id, conversation_id)
            inbox = uow.inboxes.get(account_id, conversation.inbox_id) if conversation else None
            if conversation is None or inbox is None:
                raise NotFound("no such conversation")
            latest = uow.messages.latest_incoming(conversation.id)
        plugin = self.registry.get(inbox.channel.type)
        if not plugin.capabilities_of(inbox.channel).read_receipts:
            raise CapabilityMissing("read", "this channel has no read receipts")
        if latest is None or latest.source_id is None:
            return ReadReceiptQueued(None)
        self.queue.enqueue(latest.id)
        return ReadReceiptQueued(latest.id)


class SendReadReceipt:
    """One attempt (a job keyed by message id); retried while the provider is unavailable."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        senders: Callable[[str], ChannelSender],
        clock: Clock,
        policy: RetryPolicy,
    ) -> None:
        self.uow_factory = uow_factory
        self.senders = senders
        self.clock = clock
        self.policy = policy
        self._attempts: dict[str, int] = {}

    async def __call__(self, message_id: str) -> DeliveryOutcome:
        found = await asyncio.to_thread(self._load, message_id)
        if found is None:
            return DeliveryOutcome("skipped")
        source_id, channel = found
        sender = self.senders(channel.type)
        if not isinstance(sender, ReadReceiptSender):
            return DeliveryOutcome("skipped")
        try:
            await sender.mark_read(source_id, channel)
        except ChannelRejected as exc:
            self._attempts.pop(message_id, None)
            return DeliveryOutcome("failed", error=str(exc))
        except ChannelUnavailable as exc:
            attempt = self._attempts.get(message_id, 0) + 1
            if self.policy.gives_up_after(attempt):
                self._attempts.pop(message_id, None)
                return DeliveryOutcome("failed", error=str(exc))
            self._attempts[message_id] = attempt
            delay = self.policy.delay(attempt, exc.retry_after)
            return DeliveryOutcome("retry", self.clock.now() + timedelta(seconds=delay), str(exc))
        self._attempts.pop(message_id, None)
        return DeliveryOutcome("sent")

    def _load(self, message_id: str) -> tuple[str, Channel] | None:
        with self.uow_factory() as uow:
            message = uow.messages.get_for_update(message_id)
            inbox = uow.inboxes.by_id(message.inbox_id) if message else None
        if message is None or inbox is None or message.source_id is None:
            return None
        return message.source_id, inbox.channel
