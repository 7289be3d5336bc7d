"""Receiving webhooks: verify, parse, keep the raw event, apply, commit, then answer."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from application.channels import ChannelRegistry
from application.ingest import EventIngestor
from application.ports import EventPublisher, UnitOfWorkFactory
from domain.accounts import Inbox
from domain.errors import MalformedWebhook, NotFound
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


class InboxLookup:
    """Finds the inbox behind a webhook URL's key, remembering it for a few seconds.

    Every webhook request needs its inbox (and its decrypted secrets) before anything else; a
    short memory spares that read on the hot path. Changes made in this process (`forget`) apply
    at once; another process's change of a secret applies within `ttl_seconds`.
    """

    def __init__(
        self, uow_factory: UnitOfWorkFactory, clock: Clock, ttl_seconds: float = 5.0
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.ttl = timedelta(seconds=ttl_seconds)
        self._known: dict[str, tuple[datetime, Inbox]] = {}

    def __call__(self, slug: str, inbox_key: str) -> Inbox:
        now = self.clock.now()
        known = self._known.get(inbox_key)
        if known is not None and now - known[0] < self.ttl:
            inbox = known[1]
        else:
            with self.uow_factory() as uow:
                found = uow.inboxes.by_key(inbox_key)
            if found is None:
                raise NotFound("no such webhook")
            inbox = found
            if self.ttl:
                self._known[inbox_key] = (now, inbox)
        if inbox.channel.type != slug:
            raise NotFound("no such webhook")
        return inbox

    def forget(self, inbox_key: str) -> None:
        self._known.pop(inbox_key, None)


class ReceiveWebhook:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        registry: ChannelRegistry,
        clock: Clock,
        publisher: EventPublisher,
        inboxes: InboxLookup | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.registry = registry
        self.clock = clock
        self.publisher = publisher
        self.inboxes = inboxes or InboxLookup(uow_factory, clock, ttl_seconds=0)

    def __call__(self, slug: str, inbox_key: str, request: InboundRequest) -> WebhookOutcome:
        """Raises NotFound, WebhookRejected (nothing stored) or MalformedWebhook (raw kept)."""
        plugin = self.registry.get(slug)
        inbox = self.inboxes(slug, inbox_key)
        plugin.parser.verify(request, inbox.channel)
        now = self.clock.now()
        raw = RawEvent(
            id=new_id(),
            inbox_id=inbox.id,
            channel_type=slug,
            received_at=now,
            headers={k: v for k, v in request.headers.items() if k not in UNKEPT_HEADERS},
            body=request.body,
            url=request.url,
            query=dict(request.query),
        )
        try:
            events = plugin.parser.parse(request, inbox.channel)
        except MalformedWebhook as exc:
            raw.error = str(exc)
            with self.uow_factory() as uow:
                uow.raw_events.add(raw)
                uow.commit()
            raise
        raw.processed_at = now
        with self.uow_factory() as uow:
            ingestor = EventIngestor(uow, inbox, now)
            for event in events:
                ingestor.apply(event)
            uow.raw_events.add(raw)
            uow.commit()
        self.publisher.publish(ingestor.events)
        return WebhookOutcome(events, plugin.parser.acknowledge(request, inbox.channel))


class AnswerHandshake:
    def __init__(self, inboxes: InboxLookup, registry: ChannelRegistry) -> None:
        self.inboxes = inboxes
        self.registry = registry

    def __call__(self, slug: str, inbox_key: str, request: InboundRequest) -> HttpReply | None:
        """The provider's handshake answer; None when this provider has no handshake."""
        plugin = self.registry.get(slug)
        inbox = self.inboxes(slug, inbox_key)
        return plugin.parser.handshake(request, inbox.channel)


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
