"""Delivering outgoing messages: claim, send through the channel's sender, record the outcome."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from application.inboxes import webhook_url
from application.ports import DeliveryQueue, EventPublisher, SendRateLimiter, UnitOfWorkFactory
from domain.accounts import Inbox
from domain.channels import SendRate
from domain.errors import (
    ChannelCredentialsInvalid,
    ChannelRejected,
    ChannelUnavailable,
    RecipientMoved,
    RecipientUnreachable,
)
from domain.events import MessageStatusChanged
from domain.messages import Message, MessageStatus
from domain.ports.clock import Clock
from domain.ports.senders import (
    ChannelSender,
    DeliveryReceipt,
    OutboundAttachment,
    OutboundButton,
    OutboundMessage,
    OutboundTemplate,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter; a provider's `retry_after` is a floor, never cut short."""

    max_attempts: int = 8
    base_seconds: float = 1.0
    factor: float = 2.0
    cap_seconds: float = 300.0

    def delay(
        self,
        attempt: int,
        retry_after: float | None = None,
        rng: Callable[[float, float], float] = random.uniform,
    ) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        ceiling = min(self.cap_seconds, self.base_seconds * self.factor ** (attempt - 1))
        jittered = rng(ceiling / 2, ceiling)
        return max(jittered, retry_after or 0.0)

    def gives_up_after(self, attempt: int) -> bool:
        return attempt >= self.max_attempts


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str  # "sent", "failed", "retry" or "skipped"
    retry_at: datetime | None = None
    error: str | None = None


@dataclass(frozen=True)
class _Job:
    message: Message
    inbox: Inbox
    outbound: OutboundMessage


def outbound_from(
    message: Message,
    recipient_id: str,
    reply_to: str | None,
    status_callback_url: str | None = None,
) -> OutboundMessage:
    attrs = message.content_attributes
    template = attrs.get("template")
    return OutboundMessage(
        message_id=message.id,
        conversation_id=message.conversation_id,
        recipient_id=recipient_id,
        content=message.content,
        attachments=tuple(
            OutboundAttachment(a.url or "", a.file_type, a.file_name) for a in message.attachments
        ),
        template=OutboundTemplate(
            template["name"],
            template["language"],
            tuple(template.get("parameters", ())),
            template.get("provider_params", {}),
        )
        if template
        else None,
        buttons=tuple(OutboundButton(b["id"], b["title"]) for b in attrs.get("buttons", ())),
        reply_to_source_id=reply_to,
        status_callback_url=status_callback_url,
    )


class DeliverMessage:
    """One delivery attempt. Database work runs in a thread so the event loop never blocks."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        senders: Callable[[str], ChannelSender],
        clock: Clock,
        policy: RetryPolicy,
        publisher: EventPublisher,
        lease: timedelta = timedelta(minutes=2),
        public_url: str | None = None,
        limiter: SendRateLimiter | None = None,
        send_rate: Callable[[str], SendRate | None] = lambda channel_type: None,
    ) -> None:
        self.uow_factory = uow_factory
        self.senders = senders
        self.clock = clock
        self.policy = policy
        self.publisher = publisher
        self.lease = lease
        self.public_url = public_url
        self.limiter = limiter
        self.send_rate = send_rate

    async def __call__(self, message_id: str) -> DeliveryOutcome:
        job = await asyncio.to_thread(self._claim, message_id)
        if job is None:
            return DeliveryOutcome("skipped")
        limiter, rate = self.limiter, self.send_rate(job.inbox.channel.type)
        if limiter is not None and rate is not None:
            wait = await asyncio.to_thread(limiter.reserve, job.inbox.id, rate, job.message.id)
            if wait > 0:
                return await asyncio.to_thread(self._postpone, job, wait)
        try:
            sender = self.senders(job.inbox.channel.type)
            receipt = await sender.send(job.outbound, job.inbox.channel)
        except RecipientMoved as exc:
            return await asyncio.to_thread(self._readdress, job, exc)
        except RecipientUnreachable as exc:
            await asyncio.to_thread(self._recipient_unreachable, job, str(exc))
            return await asyncio.to_thread(self._record, job, None, str(exc), None)
        except ChannelCredentialsInvalid as exc:
            await asyncio.to_thread(self._credentials_refused, job.inbox.id, str(exc))
            return await asyncio.to_thread(self._record, job, None, str(exc), None)
        except ChannelRejected as exc:
            return await asyncio.to_thread(self._record, job, None, str(exc), None)
        except ChannelUnavailable as exc:
            return await asyncio.to_thread(self._record, job, None, str(exc), exc)
        except Exception as exc:
            # The provider may or may not have the message: resending could duplicate it.
            log.exception("sender for %s raised unexpectedly", job.inbox.channel.type)
            error = f"unexpected error: {type(exc).__name__}"
            return await asyncio.to_thread(self._record, job, None, error, None)
        return await asyncio.to_thread(self._record, job, receipt, None, None)

    def _claim(self, message_id: str) -> _Job | None:
        now = self.clock.now()
        with self.uow_factory() as uow:
            if not uow.messages.claim_for_delivery(message_id, now, now + self.lease):
                return None
            message = uow.messages.get_for_update(message_id)
            if message is None:
                return None
            conversation = uow.conversations.get(message.account_id, message.conversation_id)
            inbox = uow.inboxes.get(message.account_id, message.inbox_id)
            contact_inbox = (
                uow.contacts.get_contact_inbox(conversation.contact_inbox_id)
                if conversation
                else None
            )
            if inbox is None or contact_inbox is None:
                uow.rollback()
                return None
            reply_to = None
            if quoted_id := message.content_attributes.get("in_reply_to"):
                quoted = uow.messages.get(message.account_id, quoted_id)
                reply_to = quoted.source_id if quoted else None
            uow.commit()
        callback = webhook_url(self.public_url, inbox) if self.public_url else None
        outbound = outbound_from(message, contact_inbox.source_id, reply_to, callback)
        return _Job(message, inbox, outbound)

    def _postpone(self, job: _Job, seconds: float) -> DeliveryOutcome:
        """Not sent, to keep within the channel's send rate: due again when its place comes."""
        retry_at = self.clock.now() + timedelta(seconds=seconds)
        with self.uow_factory() as uow:
            message = uow.messages.get_for_update(job.message.id)
            if message is None:
                return DeliveryOutcome("skipped")
            message.postpone(retry_at)
            uow.messages.update(message)
            uow.messages.release_claim(message.id)
            uow.commit()
        return DeliveryOutcome("retry", retry_at)

    def _readdress(self, job: _Job, moved: RecipientMoved) -> DeliveryOutcome:
        """The chat has a new id: address the contact by it and send again (a retry)."""
        with self.uow_factory() as uow:
            message = job.message
            conversation = uow.conversations.get(message.account_id, message.conversation_id)
            if conversation is not None and moved.new_recipient_id:
                uow.contacts.readdress(conversation.contact_inbox_id, moved.new_recipient_id)
                uow.commit()
        log.info("message %s: the chat moved; sending again to its new id", job.message.id)
        return self._record(job, None, str(moved), replace(moved, retry_after=0.0))

    def _recipient_unreachable(self, job: _Job, error: str) -> None:
        """Later sends to this contact are refused before queueing (SendMessage checks)."""
        with self.uow_factory() as uow:
            conversation = uow.conversations.get(
                job.message.account_id, job.message.conversation_id
            )
            if conversation is not None:
                uow.contacts.set_unreachable(conversation.contact_inbox_id, error)
                uow.commit()

    def _credentials_refused(self, inbox_id: str, error: str) -> None:
        """Shown on the inbox until someone gives it new credentials (PATCH clears it)."""
        with self.uow_factory() as uow:
            inbox = uow.inboxes.by_id(inbox_id)
            if inbox is not None:
                inbox.credentials_error = error
                uow.inboxes.update(inbox)
                uow.commit()
        log.warning("inbox %s: the provider refused its credentials (%s)", inbox_id, error)

    def _record(
        self,
        job: _Job,
        receipt: DeliveryReceipt | None,
        error: str | None,
        unavailable: ChannelUnavailable | None,
    ) -> DeliveryOutcome:
        now = self.clock.now()
        with self.uow_factory() as uow:
            message = uow.messages.get_for_update(job.message.id)
            if message is None:
                return DeliveryOutcome("skipped")
            if receipt is not None:
                message.mark_sent(receipt.source_id)
                outcome = DeliveryOutcome("sent")
            elif unavailable is not None and not self.policy.gives_up_after(
                message.delivery_attempts
            ):
                delay = self.policy.delay(message.delivery_attempts, unavailable.retry_after)
                retry_at = now + timedelta(seconds=delay)
                message.schedule_retry(retry_at, error or "unavailable")
                outcome = DeliveryOutcome("retry", retry_at, error)
            else:
                message.mark_failed(error or "failed")
                outcome = DeliveryOutcome("failed", error=error)
            uow.messages.update(message)
            uow.messages.release_claim(message.id)
            uow.commit()
        if outcome.status in ("sent", "failed"):
            self.publisher.publish(
                [
                    MessageStatusChanged(
                        message.account_id,
                        message.id,
                        message.conversation_id,
                        message.status.value,
                    )
                ]
            )
        return outcome


class RecoverPendingDeliveries:
    """On start: queue every outgoing message a crash left pending (claims keep it single)."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, queue: DeliveryQueue) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.queue = queue

    def __call__(self, batch: int = 1000) -> int:
        with self.uow_factory() as uow:
            due = uow.messages.due_deliveries(self.clock.now(), batch)
        for message_id, due_at in due:
            self.queue.enqueue(message_id, not_before=due_at)
        return len(due)


class RequeueOverdueDeliveries:
    """For a durable queue shared by many workers, run every few seconds: queue again what is
    long overdue.

    Such a queue loses work only in rare ways (a process died between commit and enqueue, the
    queue was unreachable, a worker died holding a claim), so only messages due for longer than
    `grace` are looked at, and each is queued at most once per `grace`: a backlog is not flooded
    with copies (and a copy that does arrive is skipped by the delivery claim).
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        queue: DeliveryQueue,
        grace: timedelta = timedelta(minutes=1),
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.queue = queue
        self.grace = grace
        self._queued_at: dict[str, datetime] = {}

    def __call__(self, batch: int = 1000) -> int:
        now = self.clock.now()
        cutoff = now - self.grace
        with self.uow_factory() as uow:
            due = uow.messages.due_deliveries(now, batch)
        queued_at: dict[str, datetime] = {}
        requeued = 0
        for message_id, due_at in due:
            if due_at > cutoff:
                continue
            last = self._queued_at.get(message_id)
            if last is None or last <= cutoff:
                self.queue.enqueue(message_id)
                last, requeued = now, requeued + 1
            queued_at[message_id] = last
        self._queued_at = queued_at  # sent, failed or claimed messages are forgotten
        if requeued:
            log.info("queued %d overdue outgoing messages again", requeued)
        return requeued


def is_final(status: MessageStatus) -> bool:
    return status is not MessageStatus.PENDING
