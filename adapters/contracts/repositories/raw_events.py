"""Contract of `RawEventRepository`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from adapters.contracts.fixtures import StoreContract, add_account, add_inbox, at
from application.ports import UnitOfWorkFactory
from domain.ids import new_id
from domain.ports.repositories import RawEvent


def a_raw_event(
    inbox_id: str,
    received_at: datetime,
    *,
    body: bytes = b'{"event":"message"}',
    error: str | None = None,
    processed_at: datetime | None = None,
    extra: dict[str, Any] | None = None,
) -> RawEvent:
    return RawEvent(
        id=new_id(),
        inbox_id=inbox_id,
        channel_type="api",
        received_at=received_at,
        headers={"content-type": "application/json", "x-channelhub-signature": "sha256=ab"},
        body=body,
        url="https://hub.example.com/webhooks/api/key?x=1",
        query={"x": "1"},
        error=error,
        processed_at=processed_at,
        extra=extra or {},
    )


def add_events(uow_factory: UnitOfWorkFactory, *events: RawEvent) -> None:
    with uow_factory() as uow:
        for event in events:
            uow.raw_events.add(event)
        uow.commit()


def ids(events: list[RawEvent]) -> list[str]:
    return [e.id for e in events]


class RawEventRepositoryContract(StoreContract):
    """`RawEventRepository`; see `RepositoryContract` for how to use it."""

    def _inbox_id(self, uow_factory: UnitOfWorkFactory) -> str:
        return add_inbox(uow_factory, add_account(uow_factory).id).id

    def test_a_raw_event_round_trips_byte_for_byte(self, uow_factory: UnitOfWorkFactory) -> None:
        inbox_id = self._inbox_id(uow_factory)
        event = a_raw_event(
            inbox_id,
            at(1),
            body=bytes(range(256)),
            error="could not parse",
            processed_at=at(2),
            extra={"parser": "v2", "attempts": [1, 2]},
        )
        add_events(uow_factory, event)

        with uow_factory() as uow:
            assert uow.raw_events.list() == [event]

    def test_list_is_oldest_first_by_id_and_pages_after_an_id(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        inbox_id = self._inbox_id(uow_factory)
        events = [a_raw_event(inbox_id, at(i)) for i in range(5)]
        add_events(uow_factory, *reversed(events))
        in_order = sorted(ids(events))

        with uow_factory() as uow:
            first = uow.raw_events.list(limit=2)
            rest = uow.raw_events.list(after_id=first[-1].id, limit=10)
            beyond = uow.raw_events.list(after_id=in_order[-1])

        assert ids(first) + ids(rest) == in_order
        assert beyond == []

    def test_list_filters_by_inbox_time_and_failure(self, uow_factory: UnitOfWorkFactory) -> None:
        one, two = self._inbox_id(uow_factory), self._inbox_id(uow_factory)
        old_ok = a_raw_event(one, at(0))
        new_failed = a_raw_event(one, at(10), error="bad payload")
        other_inbox = a_raw_event(two, at(10), error="bad payload")
        add_events(uow_factory, old_ok, new_failed, other_inbox)

        with uow_factory() as uow:
            by_inbox = uow.raw_events.list(inbox_id=one)
            since = uow.raw_events.list(since=at(10))
            failed = uow.raw_events.list(only_failed=True, inbox_id=one)

        assert sorted(ids(by_inbox)) == sorted([old_ok.id, new_failed.id])
        assert sorted(ids(since)) == sorted([new_failed.id, other_inbox.id])
        assert ids(failed) == [new_failed.id]

    def test_update_records_what_processing_made_of_it(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        inbox_id = self._inbox_id(uow_factory)
        event = a_raw_event(inbox_id, at(0), error="bad payload")
        add_events(uow_factory, event)
        event.error, event.processed_at = None, at(50)
        with uow_factory() as uow:
            uow.raw_events.update(event)
            uow.commit()

        with uow_factory() as uow:
            assert uow.raw_events.list() == [event]
            assert uow.raw_events.list(only_failed=True) == []

    def test_purge_deletes_what_came_before_and_counts_it(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        inbox_id = self._inbox_id(uow_factory)
        old = [a_raw_event(inbox_id, at(i)) for i in range(3)]
        kept = a_raw_event(inbox_id, at(10))
        add_events(uow_factory, *old, kept)

        with uow_factory() as uow:
            purged = uow.raw_events.purge(at(10))
            uow.commit()

        assert purged == 3
        with uow_factory() as uow:
            assert uow.raw_events.list() == [kept]
            assert uow.raw_events.purge(at(10)) == 0
