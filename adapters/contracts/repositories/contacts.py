"""Contract of `ContactRepository`."""

from __future__ import annotations

import copy

from adapters.contracts.fixtures import (
    T0,
    StoreContract,
    add_account,
    add_contact,
    add_inbox,
    at,
)
from application.ports import UnitOfWorkFactory
from domain.contacts import Contact, ContactProfile
from domain.pagination import Page


def walk(
    uow_factory: UnitOfWorkFactory, account_id: str, limit: int, q: str | None = None
) -> list[list[Contact]]:
    """Every page of the account's contacts, following the cursors to the end."""
    pages: list[list[Contact]] = []
    cursor: str | None = None
    while True:
        with uow_factory() as uow:
            page: Page[Contact] = uow.contacts.list(account_id, q=q, cursor=cursor, limit=limit)
        pages.append(page.items)
        if page.next_cursor is None:
            return pages
        assert len(pages) <= 100, "pagination does not end"
        cursor = page.next_cursor


class ContactRepositoryContract(StoreContract):
    """`ContactRepository`; see `RepositoryContract` for how to use it."""

    def test_get_or_create_creates_a_contact_from_the_profile(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        inbox = add_inbox(uow_factory, add_account(uow_factory).id)
        profile = ContactProfile("Ada", "+4915112345678", "ada@example.com", "ada-1")

        contact, contact_inbox = add_contact(uow_factory, inbox, "wa-ada", profile, at(5))

        assert (contact.name, contact.phone_number, contact.email, contact.identifier) == (
            "Ada",
            "+4915112345678",
            "ada@example.com",
            "ada-1",
        )
        assert (contact.account_id, contact.created_at) == (inbox.account_id, at(5))
        assert (contact_inbox.contact_id, contact_inbox.inbox_id) == (contact.id, inbox.id)
        assert contact_inbox.source_id == "wa-ada"
        with uow_factory() as uow:
            assert uow.contacts.get(inbox.account_id, contact.id) == contact
            assert uow.contacts.get_contact_inbox(contact_inbox.id) == contact_inbox

    def test_a_contact_inbox_can_be_marked_unreachable_and_reachable_again(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        inbox = add_inbox(uow_factory, add_account(uow_factory).id)
        _, contact_inbox = add_contact(uow_factory, inbox, "+15550001")
        assert contact_inbox.unreachable_reason is None
        with uow_factory() as uow:
            uow.contacts.set_unreachable(contact_inbox.id, "21610: unsubscribed")
            uow.commit()
        with uow_factory() as uow:
            loaded = uow.contacts.get_contact_inbox(contact_inbox.id)
            _, again = uow.contacts.get_or_create(
                account_id=inbox.account_id,
                inbox_id=inbox.id,
                source_id="+15550001",
                profile=ContactProfile(),
                now=contact_inbox.created_at,
            )
        assert loaded is not None and loaded.unreachable_reason == "21610: unsubscribed"
        assert again.unreachable_reason == "21610: unsubscribed"
        with uow_factory() as uow:
            uow.contacts.set_unreachable(contact_inbox.id, None)
            uow.commit()
        with uow_factory() as uow:
            cleared = uow.contacts.get_contact_inbox(contact_inbox.id)
        assert cleared is not None and cleared.unreachable_reason is None

    def test_a_contact_inbox_moves_to_a_new_provider_id_unless_it_is_taken(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        inbox = add_inbox(uow_factory, add_account(uow_factory).id)
        contact, moved = add_contact(uow_factory, inbox, "-100")
        add_contact(uow_factory, inbox, "-300")
        with uow_factory() as uow:
            assert uow.contacts.readdress(moved.id, "-200")
            assert not uow.contacts.readdress(moved.id, "-300")
            uow.commit()
        with uow_factory() as uow:
            loaded = uow.contacts.get_contact_inbox(moved.id)
            _, found = uow.contacts.get_or_create(
                account_id=inbox.account_id,
                inbox_id=inbox.id,
                source_id="-200",
                profile=ContactProfile(),
                now=moved.created_at,
            )
        assert loaded is not None and loaded.source_id == "-200"
        assert (found.id, found.contact_id) == (moved.id, contact.id)

    def test_get_or_create_returns_the_known_pair_unchanged(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        inbox = add_inbox(uow_factory, add_account(uow_factory).id)
        first = add_contact(uow_factory, inbox, "wa-ada", ContactProfile(name="Ada"))

        again = add_contact(uow_factory, inbox, "wa-ada", ContactProfile(name="Someone"), at(60))

        assert again == first
        assert len(walk(uow_factory, inbox.account_id, 10)[0]) == 1

    def test_get_or_create_sees_its_own_uncommitted_pair(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        inbox = add_inbox(uow_factory, add_account(uow_factory).id)
        with uow_factory() as uow:
            pairs = [
                uow.contacts.get_or_create(
                    account_id=inbox.account_id,
                    inbox_id=inbox.id,
                    source_id="wa-ada",
                    profile=ContactProfile(),
                    now=T0,
                )
                for _ in range(2)
            ]
        assert pairs[0] == pairs[1]

    def test_the_same_source_id_in_another_inbox_is_another_contact(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        account = add_account(uow_factory)
        one, two = add_inbox(uow_factory, account.id, "one"), add_inbox(uow_factory, account.id)

        contact_one, in_one = add_contact(uow_factory, one, "same-id")
        contact_two, in_two = add_contact(uow_factory, two, "same-id")

        assert contact_one.id != contact_two.id
        assert in_one.id != in_two.id

    def test_another_accounts_contact_is_invisible(self, uow_factory: UnitOfWorkFactory) -> None:
        theirs = add_inbox(uow_factory, add_account(uow_factory, "Theirs").id)
        mine = add_account(uow_factory, "Mine")
        contact, _ = add_contact(uow_factory, theirs, "wa-ada")

        with uow_factory() as uow:
            assert uow.contacts.get(mine.id, contact.id) is None
            assert uow.contacts.list(mine.id, q=None, cursor=None, limit=10).items == []
            assert uow.contacts.get(theirs.account_id, contact.id) == contact

    def test_unknown_contacts_are_none(self, uow_factory: UnitOfWorkFactory) -> None:
        account = add_account(uow_factory)

        with uow_factory() as uow:
            assert uow.contacts.get(account.id, "no-such-contact") is None
            assert uow.contacts.get_contact_inbox("no-such-contact-inbox") is None

    def test_update_round_trips(self, uow_factory: UnitOfWorkFactory) -> None:
        inbox = add_inbox(uow_factory, add_account(uow_factory).id)
        contact, _ = add_contact(uow_factory, inbox, "wa-ada")
        contact.name, contact.email = "Ada Lovelace", "ada@example.com"
        contact.phone_number, contact.identifier = "+4915100000000", "crm-42"
        with uow_factory() as uow:
            uow.contacts.update(contact)
            uow.commit()

        with uow_factory() as uow:
            assert uow.contacts.get(inbox.account_id, contact.id) == contact

    def test_returned_contacts_are_copies(self, uow_factory: UnitOfWorkFactory) -> None:
        inbox = add_inbox(uow_factory, add_account(uow_factory).id)
        contact, _ = add_contact(uow_factory, inbox, "wa-ada")
        expected = copy.deepcopy(contact)
        with uow_factory() as uow:
            loaded = uow.contacts.get(inbox.account_id, contact.id)
            assert loaded is not None
            loaded.name = "changed without update()"
            uow.commit()

        with uow_factory() as uow:
            assert uow.contacts.get(inbox.account_id, contact.id) == expected

    def test_list_walks_every_contact_once_newest_first(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        inbox = add_inbox(uow_factory, add_account(uow_factory).id)
        # Ties on purpose: the id breaks them.
        times = [at(0), at(10), at(10), at(10), at(20), at(30), at(30)]
        contacts = [add_contact(uow_factory, inbox, f"c{i}", now=t)[0] for i, t in enumerate(times)]
        expected = sorted(contacts, key=lambda c: (c.created_at, c.id), reverse=True)

        pages = walk(uow_factory, inbox.account_id, limit=3)

        assert [len(page) for page in pages] == [3, 3, 1]
        assert [c.id for page in pages for c in page] == [c.id for c in expected]

    def test_a_last_full_page_of_contacts_has_no_next_cursor(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        inbox = add_inbox(uow_factory, add_account(uow_factory).id)
        for i in range(4):
            add_contact(uow_factory, inbox, f"c{i}", now=at(i))

        pages = walk(uow_factory, inbox.account_id, limit=2)

        assert [len(page) for page in pages] == [2, 2]

    def test_search_matches_a_substring_of_name_email_phone_or_identifier(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        inbox = add_inbox(uow_factory, add_account(uow_factory).id)
        profiles = {
            "by-name": ContactProfile(name="Grace Hopper"),
            "by-email": ContactProfile(email="hopper@navy.example"),
            "by-phone": ContactProfile(phone_number="+1555 0100"),
            "by-identifier": ContactProfile(identifier="crm-0100"),
            "unrelated": ContactProfile(name="Alan", email="alan@example.com"),
        }
        ids = {key: add_contact(uow_factory, inbox, key, p)[0].id for key, p in profiles.items()}

        def found(q: str) -> set[str]:
            return {c.id for page in walk(uow_factory, inbox.account_id, 10, q) for c in page}

        assert found("hopper") == {ids["by-name"], ids["by-email"]}
        assert found("0100") == {ids["by-phone"], ids["by-identifier"]}
        assert found("nobody") == set()

    def test_search_ignores_case(self, uow_factory: UnitOfWorkFactory) -> None:
        inbox = add_inbox(uow_factory, add_account(uow_factory).id)
        grace, _ = add_contact(uow_factory, inbox, "g", ContactProfile(name="Grace Hopper"))

        with uow_factory() as uow:
            page = uow.contacts.list(inbox.account_id, q="gRACE", cursor=None, limit=10)
        assert [c.id for c in page.items] == [grace.id]

    def test_search_takes_wildcard_characters_literally(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        inbox = add_inbox(uow_factory, add_account(uow_factory).id)
        percent, _ = add_contact(uow_factory, inbox, "p", ContactProfile(name="100% Ada"))
        add_contact(uow_factory, inbox, "u", ContactProfile(name="Ada Byron"))

        with uow_factory() as uow:
            by_percent = uow.contacts.list(inbox.account_id, q="%", cursor=None, limit=10)
            by_underscore = uow.contacts.list(inbox.account_id, q="_", cursor=None, limit=10)
        assert [c.id for c in by_percent.items] == [percent.id]
        assert by_underscore.items == []

    def test_racing_get_or_create_makes_one_contact(self, uow_factory: UnitOfWorkFactory) -> None:
        inbox = add_inbox(uow_factory, add_account(uow_factory).id)

        def get_or_create() -> tuple[str, str]:
            with uow_factory() as uow:
                contact, contact_inbox = uow.contacts.get_or_create(
                    account_id=inbox.account_id,
                    inbox_id=inbox.id,
                    source_id="wa-racer",
                    profile=ContactProfile(name="Racer"),
                    now=T0,
                )
                uow.commit()
            return contact.id, contact_inbox.id

        results = self.race(get_or_create)

        assert len(set(results)) == 1
        (contact_id, contact_inbox_id), *_ = results
        listed = [c.id for page in walk(uow_factory, inbox.account_id, 100) for c in page]
        assert listed == [contact_id]
        with uow_factory() as uow:
            contact_inbox = uow.contacts.get_contact_inbox(contact_inbox_id)
        assert contact_inbox is not None and contact_inbox.contact_id == contact_id
