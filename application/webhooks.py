"""Receiving webhooks: verify, parse, keep the raw event, apply, commit, then answer."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from application.channels import ChannelRegistry
from application.group_commit import CommitRunner, GroupCommit
from application.inboxes import InboxLookup
from application.ingest import EventIngestor
from application.ports import DeliveryQueue, EventPublisher, UnitOfWork, UnitOfWorkFactory
from domain.accounts import Inbox
from domain.errors import MalformedWebhook, NotFound, WebhookRejected
from domain.events import DomainEvent
from domain.ids import new_id
from domain.ports.clock import Clock
from domain.ports.repositories import RawEvent
from domain.ports.webhooks import HttpReply, InboundEvent, InboundRequest

log = logging.getLogger(__name__)

# Credentials never go into the raw-event store; signatures do, so a replay can be audited.
UNKEPT_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization", "x-api-key"})


@dataclass(frozen=True)
class WebhookOutcome:
    events: list[InboundEvent] = field(default_factory=list)
    reply: HttpReply | None = None


@dataclass
class _Stored:
    """What a webhook's transaction produced, acted on once it is committed."""

    published: list[DomainEvent] = field(default_factory=list)
    media_pending: list[str] = field(default_factory=list)
    follow_ups: list[str] = field(default_factory=list)


def _keep(uow: UnitOfWork, raws: list[RawEvent]) -> None:
    for raw in raws:
        uow.raw_events.add(raw)


class ReceiveWebhook:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        registry: ChannelRegistry,
        clock: Clock,
        publisher: EventPublisher,
        inboxes: InboxLookup | None = None,
        media_queue: DeliveryQueue | None = None,
        follow_up_queue: DeliveryQueue | None = None,
        group: CommitRunner | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.registry = registry
        self.clock = clock
        self.publisher = publisher
        self.inboxes = inboxes or InboxLookup(uow_factory, clock, ttl_seconds=0)
        self.media_queue = media_queue
        self.follow_up_queue = follow_up_queue
        # Concurrent webhooks share transactions (see group_commit.py); each still gets its
        # answer only after its own writes are committed.
        self.group = group or GroupCommit(uow_factory)

    def __call__(self, slug: str, inbox_key: str | None, request: InboundRequest) -> WebhookOutcome:
        """Verify, parse and store one provider request, then say how to answer it.

        `inbox_key` None is a provider-level URL, routed by the payload alone. Raises NotFound,
        WebhookRejected (nothing stored) or MalformedWebhook (the raw request is kept).
        """
        plugin = self.registry.get(slug)
        targets = self.inboxes.targets(plugin, inbox_key, request)
        now = self.clock.now()
        raws = [self._raw(inbox, slug, request, now) for inbox in targets]
        try:
            parsed = [plugin.parser.parse(request, inbox.channel) for inbox in targets]
        except MalformedWebhook as exc:
            for raw in raws:
                raw.error = str(exc)
            self.group.run(lambda uow: _keep(uow, raws))
            raise

        def store(uow: UnitOfWork) -> _Stored:
            stored = _Stored()
            for inbox, events, raw in zip(targets, parsed, raws, strict=True):
                ingestor = EventIngestor(uow, inbox, now)
                for event in events:
                    ingestor.apply(event)
                raw.processed_at = now
                uow.raw_events.add(raw)
                stored.published += ingestor.events
                stored.media_pending += ingestor.media_pending
                stored.follow_ups += ingestor.follow_ups
            return stored

        stored = self.group.run(store)
        self.publisher.publish(stored.published)
        if self.media_queue is not None:
            for message_id in stored.media_pending:
                self.media_queue.enqueue(message_id)
        if self.follow_up_queue is not None:
            for message_id in stored.follow_ups:
                self.follow_up_queue.enqueue(message_id)
        everything = [event for events in parsed for event in events]
        return WebhookOutcome(everything, plugin.parser.acknowledge(request, targets[0].channel))

    @staticmethod
    def _raw(inbox: Inbox, slug: str, request: InboundRequest, now: datetime) -> RawEvent:
        return RawEvent(
            id=new_id(),
            inbox_id=inbox.id,
            channel_type=slug,
            received_at=now,
            headers=_kept_headers(request, inbox),
            body=request.body,
            url=request.url,
            query=dict(request.query),
        )


class AnswerHandshake:
    def __init__(self, inboxes: InboxLookup, registry: ChannelRegistry) -> None:
        self.inboxes = inboxes
        self.registry = registry

    def __call__(
        self, slug: str, inbox_key: str | None, request: InboundRequest
    ) -> HttpReply | None:
        """The provider's handshake answer; None when this provider has no handshake.

        On a provider-level URL (`inbox_key` None) the first inbox of the type that accepts the
        handshake answers it; WebhookRejected when none does.
        """
        plugin = self.registry.get(slug)
        if inbox_key is not None:
            return plugin.parser.handshake(request, self.inboxes(slug, inbox_key).channel)
        if plugin.route_field is None:
            raise NotFound("this channel type has no provider-level webhook URL")
        for inbox in self.inboxes.of_type(slug):
            try:
                return plugin.parser.handshake(request, inbox.channel)
            except WebhookRejected:
                continue
        raise WebhookRejected("no inbox of this type accepts the handshake")


@dataclass
class ReplayReport:
    replayed: int = 0
    failed: int = 0


class ReplayRawEvents:
    """Process stored raw events again (after a parser fix); ingestion is idempotent."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        registry: ChannelRegistry,
        clock: Clock,
        publisher: EventPublisher,
    ) -> None:
        self.uow_factory = uow_factory
        self.registry = registry
        self.clock = clock
        self.publisher = publisher

    def __call__(
        self,
        *,
        inbox_id: str | None = None,
        since: datetime | None = None,
        only_failed: bool = False,
    ) -> ReplayReport:
        report = ReplayReport()
        after: str | None = None
        inboxes: dict[str, Inbox | None] = {}
        while True:
            with self.uow_factory() as uow:
                batch = uow.raw_events.list(
                    inbox_id=inbox_id, since=since, only_failed=only_failed, after_id=after
                )
            if not batch:
                return report
            for raw in batch:
                after = raw.id
                if raw.inbox_id not in inboxes:
                    inboxes[raw.inbox_id] = self._inbox(raw.inbox_id)
                inbox = inboxes[raw.inbox_id]
                if inbox is None or raw.channel_type not in self.registry:
                    continue
                if self._replay(raw, inbox):
                    report.replayed += 1
                else:
                    report.failed += 1

    def _inbox(self, inbox_id: str) -> Inbox | None:
        with self.uow_factory() as uow:
            return uow.inboxes.by_id(inbox_id)

    def _replay(self, raw: RawEvent, inbox: Inbox) -> bool:
        plugin = self.registry.get(raw.channel_type)
        request = InboundRequest.build("POST", raw.url, dict(raw.headers), raw.body, raw.query)
        now = self.clock.now()
        try:
            events = plugin.parser.parse(request, inbox.channel)
        except MalformedWebhook as exc:
            raw.error = str(exc)
            with self.uow_factory() as uow:
                uow.raw_events.update(raw)
                uow.commit()
            return False
        raw.error, raw.processed_at = None, now
        with self.uow_factory() as uow:
            ingestor = EventIngestor(uow, inbox, now)
            for event in events:
                ingestor.apply(event)
            uow.raw_events.update(raw)
            uow.commit()
        self.publisher.publish(ingestor.events)
        return True


class PurgeRawEvents:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, retention_days: int) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.retention = timedelta(days=retention_days)

    def __call__(self) -> int:
        with self.uow_factory() as uow:
            count = uow.raw_events.purge(self.clock.now() - self.retention)
            uow.commit()
        log.info("purged %d raw events", count)
        return count


def _kept_headers(request: InboundRequest, inbox: Inbox) -> dict[str, str]:
    """The headers worth keeping: never credentials, by name or by value (a provider may send a
    secret in a header of the user's choosing)."""
    secrets = {str(v) for v in inbox.channel.secrets().values() if v}
    return {
        name: value
        for name, value in request.headers.items()
        if name not in UNKEPT_HEADERS and not any(secret in value for secret in secrets)
    }
