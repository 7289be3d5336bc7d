"""The contract every `UnitOfWork` keeps: one transaction, committed on request only."""

from __future__ import annotations

import pytest

from adapters.contracts.fixtures import StoreContract, add_account, an_account
from application.ports import UnitOfWorkFactory


class UnitOfWorkContract(StoreContract):
    """Transactions of a `UnitOfWork` adapter.

    Use it by subclassing in a test module and providing one fixture::

        class TestMyUnitOfWork(UnitOfWorkContract):
            @pytest.fixture
            def uow_factory(self):
                store = make_empty_store()          # fresh and empty for every test
                return lambda: MyUnitOfWork(store)

    `uow_factory` may also come from a conftest.py. Set `concurrent_units_of_work = False` on
    the subclass when the adapter cannot run units of work from several threads.
    """

    def test_it_offers_every_repository(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            for name in (
                "accounts",
                "inboxes",
                "contacts",
                "conversations",
                "messages",
                "raw_events",
            ):
                assert getattr(uow, name, None) is not None, f"no {name} repository"

    def test_committed_work_is_seen_by_the_next_unit_of_work(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        account = an_account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.commit()

        with uow_factory() as uow:
            assert uow.accounts.get(account.id) == account

    def test_work_is_seen_inside_its_own_unit_before_commit(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        account = an_account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            assert uow.accounts.get(account.id) == account

    def test_leaving_without_commit_discards_the_work(self, uow_factory: UnitOfWorkFactory) -> None:
        account = an_account()
        with uow_factory() as uow:
            uow.accounts.add(account)

        with uow_factory() as uow:
            assert uow.accounts.get(account.id) is None

    def test_an_exception_discards_the_work_and_propagates(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        account = an_account()

        class Boom(Exception):
            pass

        with pytest.raises(Boom), uow_factory() as uow:
            uow.accounts.add(account)
            raise Boom

        with uow_factory() as uow:
            assert uow.accounts.get(account.id) is None

    def test_rollback_discards_what_came_before_it(self, uow_factory: UnitOfWorkFactory) -> None:
        discarded, kept = an_account("discarded"), an_account("kept")
        with uow_factory() as uow:
            uow.accounts.add(discarded)
            uow.rollback()
            uow.accounts.add(kept)
            uow.commit()

        with uow_factory() as uow:
            assert uow.accounts.get(discarded.id) is None
            assert uow.accounts.get(kept.id) == kept

    def test_work_after_a_commit_needs_its_own_commit(self, uow_factory: UnitOfWorkFactory) -> None:
        committed, uncommitted = an_account("committed"), an_account("uncommitted")
        with uow_factory() as uow:
            uow.accounts.add(committed)
            uow.commit()
            uow.accounts.add(uncommitted)

        with uow_factory() as uow:
            assert uow.accounts.get(committed.id) == committed
            assert uow.accounts.get(uncommitted.id) is None

    def test_earlier_commits_survive_a_later_rollback(self, uow_factory: UnitOfWorkFactory) -> None:
        first = add_account(uow_factory, "first")
        with uow_factory() as uow:
            uow.accounts.add(an_account("second"))
            uow.rollback()

        with uow_factory() as uow:
            assert uow.accounts.get(first.id) == first

    def test_units_of_work_in_many_threads_lose_no_commit(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        def add_one() -> str:
            account = an_account()
            with uow_factory() as uow:
                uow.accounts.add(account)
                uow.commit()
            return account.id

        ids = self.race(add_one)

        with uow_factory() as uow:
            assert all(uow.accounts.get(account_id) is not None for account_id in ids)
