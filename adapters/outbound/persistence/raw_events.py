"""Raw webhook requests over SQLAlchemy Core, kept for replays and audits."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.outbound.persistence.pending import HoldingRepository
from adapters.outbound.persistence.prepared import PreparedStatement
from adapters.outbound.persistence.tables import raw_events
from domain.ports.repositories import RawEvent

# Every webhook inserts one (see prepared.py).
_INSERT = PreparedStatement(raw_events.insert())


class SqlAlchemyRawEventRepository(HoldingRepository):
    """`pending` (SQLite only): hold back inserts until commit or a read (see pending.py)."""

    def add(self, event: RawEvent) -> None:
        values = {
            "id": event.id,
            "inbox_id": event.inbox_id,
            "channel_type": event.channel_type,
            "received_at": event.received_at,
            "headers": dict(event.headers),
            "body": event.body,
            "url": event.url,
            "query": dict(event.query),
            "error": event.error,
            "processed_at": event.processed_at,
            "extra": event.extra,
        }
        if self._pending is None:
            _INSERT.execute(self._db, values)
        else:
            self._pending.hold(_INSERT, values)

    def update(self, event: RawEvent) -> None:
        # What came in is history; only what processing made of it changes.
        self._connection.execute(
            raw_events.update()
            .where(raw_events.c.id == event.id)
            .values(error=event.error, processed_at=event.processed_at, extra=event.extra)
        )

    def list(
        self,
        *,
        inbox_id: str | None = None,
        since: datetime | None = None,
        only_failed: bool = False,
        after_id: str | None = None,
        limit: int = 500,
    ) -> builtins.list[RawEvent]:
        statement = sa.select(raw_events)
        if inbox_id is not None:
            statement = statement.where(raw_events.c.inbox_id == inbox_id)
        if since is not None:
            statement = statement.where(raw_events.c.received_at >= since)
        if only_failed:
            statement = statement.where(raw_events.c.error.is_not(None))
        if after_id is not None:
            statement = statement.where(raw_events.c.id > after_id)
        rows = self._connection.execute(statement.order_by(raw_events.c.id).limit(limit))
        return [_raw_event(row) for row in rows]

    def purge(self, before: datetime) -> int:
        result = self._connection.execute(
            raw_events.delete().where(raw_events.c.received_at < before)
        )
        return result.rowcount


def _raw_event(row: sa.Row[Any]) -> RawEvent:
    return RawEvent(
        id=row.id,
        inbox_id=row.inbox_id,
        channel_type=row.channel_type,
        received_at=row.received_at,
        headers=row.headers,
        body=bytes(row.body),
        url=row.url,
        query=row.query,
        error=row.error,
        processed_at=row.processed_at,
        extra=row.extra,
    )
