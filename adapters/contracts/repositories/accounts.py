"""Contracts of `AccountRepository` and `InboxRepository`."""

from __future__ import annotations

import copy

from adapters.contracts.fixtures import (
    StoreContract,
    a_channel,
    add_account,
    add_inbox,
    an_account,
    an_inbox,
)
from application.ports import UnitOfWorkFactory
from domain.accounts import Inbox


class AccountRepositoryContract(StoreContract):
    """`AccountRepository`; see `RepositoryContract` for how to use it."""

    def test_an_account_round_trips(self, uow_factory: UnitOfWorkFactory) -> None:
        account = add_account(uow_factory)

        with uow_factory() as uow:
            assert uow.accounts.get(account.id) == account

    def test_an_account_is_found_by_its_token_hash(self, uow_factory: UnitOfWorkFactory) -> None:
        account = add_account(uow_factory)
        add_account(uow_factory, "Other")

        with uow_factory() as uow:
            assert uow.accounts.by_token_hash(account.token_hash) == account

    def test_unknown_accounts_are_none(self, uow_factory: UnitOfWorkFactory) -> None:
        add_account(uow_factory)

        with uow_factory() as uow:
            assert uow.accounts.get(an_account().id) is None
            assert uow.accounts.by_token_hash("no-such-hash") is None


class InboxRepositoryContract(StoreContract):
    """`InboxRepository`; see `RepositoryContract` for how to use it."""

    def test_an_inbox_round_trips_with_its_channel_and_secrets(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        account = add_account(uow_factory)
        channel = a_channel(nested={"retries": 3, "tags": ["a", "b"]}, enabled=True)
        inbox = an_inbox(account.id, channel=channel)
        with uow_factory() as uow:
            uow.inboxes.add(inbox)
            uow.commit()

        with uow_factory() as uow:
            loaded = uow.inboxes.get(account.id, inbox.id)
        assert loaded == inbox
        assert loaded is not None
        assert loaded.channel.secrets() == {"hmac_secret": "hmac-secret-value"}
        assert loaded.channel.secret_fields == frozenset({"hmac_secret"})

    def test_an_inbox_is_found_by_its_key_and_by_its_id(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        account = add_account(uow_factory)
        inbox = add_inbox(uow_factory, account.id)
        add_inbox(uow_factory, account.id, "Other")

        with uow_factory() as uow:
            assert uow.inboxes.by_key(inbox.inbox_key) == inbox
            assert uow.inboxes.by_id(inbox.id) == inbox
            assert uow.inboxes.by_key("no-such-key") is None
            assert uow.inboxes.by_id("no-such-inbox") is None

    def test_inboxes_of_a_type_are_listed_across_accounts(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        first, second = add_account(uow_factory, "A"), add_account(uow_factory, "B")
        mine = add_inbox(uow_factory, first.id, "Mine")
        theirs = add_inbox(uow_factory, second.id, "Theirs")

        with uow_factory() as uow:
            assert uow.inboxes.with_type("api") == [mine, theirs]
            assert uow.inboxes.with_type("telegram") == []

    def test_another_accounts_inbox_is_invisible(self, uow_factory: UnitOfWorkFactory) -> None:
        mine, theirs = add_account(uow_factory, "Mine"), add_account(uow_factory, "Theirs")
        inbox = add_inbox(uow_factory, theirs.id)

        with uow_factory() as uow:
            assert uow.inboxes.get(mine.id, inbox.id) is None
            assert uow.inboxes.get(theirs.id, inbox.id) == inbox

    def test_list_holds_exactly_the_accounts_inboxes(self, uow_factory: UnitOfWorkFactory) -> None:
        mine, theirs = add_account(uow_factory, "Mine"), add_account(uow_factory, "Theirs")
        first, second = add_inbox(uow_factory, mine.id, "A"), add_inbox(uow_factory, mine.id, "B")
        add_inbox(uow_factory, theirs.id)

        with uow_factory() as uow:
            listed = uow.inboxes.list(mine.id)
            nothing = uow.inboxes.list("no-such-account")
        assert sorted(listed, key=_by_id) == sorted([first, second], key=_by_id)
        assert nothing == []

    def test_update_changes_name_and_channel_but_keeps_the_key(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        account = add_account(uow_factory)
        inbox = add_inbox(uow_factory, account.id)
        inbox.name = "Renamed"
        inbox.channel = a_channel(
            callback_url="https://example.com/new", hmac_secret="rotated-secret"
        )
        with uow_factory() as uow:
            uow.inboxes.update(inbox)
            uow.commit()

        with uow_factory() as uow:
            loaded = uow.inboxes.by_key(inbox.inbox_key)
        assert loaded == inbox
        assert loaded is not None
        assert loaded.channel.get("hmac_secret") == "rotated-secret"

    def test_returned_inboxes_are_copies(self, uow_factory: UnitOfWorkFactory) -> None:
        account = add_account(uow_factory)
        inbox = add_inbox(uow_factory, account.id)
        expected = copy.deepcopy(inbox)
        with uow_factory() as uow:
            loaded = uow.inboxes.get(account.id, inbox.id)
            assert loaded is not None
            loaded.name = "changed without update()"
            uow.commit()

        with uow_factory() as uow:
            assert uow.inboxes.get(account.id, inbox.id) == expected


def _by_id(inbox: Inbox) -> str:
    return inbox.id
