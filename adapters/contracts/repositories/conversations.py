"""Contract of `ConversationRepository`."""

from __future__ import annotations

from datetime import datetime

from adapters.contracts.fixtures import (
    T0,
    StoreContract,
    a_conversation,
    add_account,
    add_contact,
    add_inbox,
    at,
    set_scene,
)
from application.ports import UnitOfWorkFactory
from domain.accounts import Inbox
from domain.contacts import ContactInbox
from domain.conversations import Conversation, ConversationStatus


def add_conversation(
    uow_factory: UnitOfWorkFactory,
    inbox: Inbox,
    contact_inbox: ContactInbox,
    now: datetime = T0,
    status: str = "open",
) -> Conversation:
    conversation = a_conversation(inbox, contact_inbox, now, status)
    with uow_factory() as uow:
        stored = uow.conversations.add_unless_active(conversation)
        uow.commit()
    assert stored.id == conversation.id, "a conversation was already active"
    return conversation


def walk(
    uow_factory: UnitOfWorkFactory,
    account_id: str,
    limit: int,
    inbox_id: str | None = None,
    status: str | None = None,
) -> list[list[Conversation]]:
    pages: list[list[Conversation]] = []
    cursor: str | None = None
    while True:
        with uow_factory() as uow:
            page = uow.conversations.list(
                account_id, inbox_id=inbox_id, status=status, cursor=cursor, limit=limit
            )
        pages.append(page.items)
        if page.next_cursor is None:
            return pages
        assert len(pages) <= 100, "pagination does not end"
        cursor = page.next_cursor


class ConversationRepositoryContract(StoreContract):
    """`ConversationRepository`; see `RepositoryContract` for how to use it."""

    def test_add_unless_active_stores_a_first_conversation(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)

        with uow_factory() as uow:
            assert uow.conversations.get(scene.account.id, scene.conversation.id) == (
                scene.conversation
            )
            assert uow.conversations.active_for(scene.contact_inbox.id) == scene.conversation

    def test_add_unless_active_returns_the_active_conversation_instead(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)
        newcomer = a_conversation(scene.inbox, scene.contact_inbox, at(60))

        with uow_factory() as uow:
            winner = uow.conversations.add_unless_active(newcomer)
            uow.commit()

        assert winner == scene.conversation
        with uow_factory() as uow:
            assert uow.conversations.get(scene.account.id, newcomer.id) is None

    def test_a_pending_conversation_counts_as_active(self, uow_factory: UnitOfWorkFactory) -> None:
        scene = set_scene(uow_factory)
        scene.conversation.change_status("pending")
        with uow_factory() as uow:
            uow.conversations.update(scene.conversation)
            uow.commit()

        with uow_factory() as uow:
            winner = uow.conversations.add_unless_active(
                a_conversation(scene.inbox, scene.contact_inbox, at(60))
            )
            assert uow.conversations.active_for(scene.contact_inbox.id) == scene.conversation
        assert winner.id == scene.conversation.id

    def test_once_resolved_a_new_conversation_can_start(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)
        scene.conversation.change_status("resolved")
        with uow_factory() as uow:
            uow.conversations.update(scene.conversation)
            uow.commit()
        with uow_factory() as uow:
            assert uow.conversations.active_for(scene.contact_inbox.id) is None

        newcomer = add_conversation(uow_factory, scene.inbox, scene.contact_inbox, at(60))

        with uow_factory() as uow:
            assert uow.conversations.active_for(scene.contact_inbox.id) == newcomer

    def test_several_resolved_conversations_may_coexist(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)
        resolved = [
            add_conversation(uow_factory, scene.inbox, scene.contact_inbox, at(i), "resolved")
            for i in range(1, 3)
        ]

        with uow_factory() as uow:
            for conversation in resolved:
                assert uow.conversations.get(scene.account.id, conversation.id) == conversation
            assert uow.conversations.active_for(scene.contact_inbox.id) == scene.conversation

    def test_latest_for_is_the_newest_conversation_even_if_resolved(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)
        scene.conversation.change_status("resolved")
        with uow_factory() as uow:
            uow.conversations.update(scene.conversation)
            uow.commit()
        newer = add_conversation(uow_factory, scene.inbox, scene.contact_inbox, at(60), "resolved")

        with uow_factory() as uow:
            assert uow.conversations.latest_for(scene.contact_inbox.id) == newer
            assert uow.conversations.active_for(scene.contact_inbox.id) is None
            assert uow.conversations.latest_for("no-such-contact-inbox") is None
            assert uow.conversations.active_for("no-such-contact-inbox") is None

    def test_update_round_trips_status_and_times(self, uow_factory: UnitOfWorkFactory) -> None:
        scene = set_scene(uow_factory)
        conversation = scene.conversation
        conversation.receive_incoming(at(30), at(45))
        conversation.change_status("pending")
        with uow_factory() as uow:
            uow.conversations.update(conversation)
            uow.commit()

        with uow_factory() as uow:
            loaded = uow.conversations.get(scene.account.id, conversation.id)
        assert loaded == conversation
        assert loaded is not None and loaded.status is ConversationStatus.PENDING
        assert (loaded.last_incoming_at, loaded.last_activity_at) == (at(30), at(45))

    def test_another_accounts_conversation_is_invisible(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory, "Theirs")
        mine = add_account(uow_factory, "Mine")

        with uow_factory() as uow:
            assert uow.conversations.get(mine.id, scene.conversation.id) is None
            assert uow.conversations.get(scene.account.id, "no-such-conversation") is None
        assert walk(uow_factory, mine.id, 10) == [[]]

    def test_returned_conversations_are_copies(self, uow_factory: UnitOfWorkFactory) -> None:
        scene = set_scene(uow_factory)
        with uow_factory() as uow:
            loaded = uow.conversations.get(scene.account.id, scene.conversation.id)
            assert loaded is not None
            loaded.change_status("resolved")
            uow.commit()

        with uow_factory() as uow:
            assert uow.conversations.active_for(scene.contact_inbox.id) == scene.conversation

    def test_list_walks_every_conversation_once_newest_activity_first(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        inbox = add_inbox(uow_factory, add_account(uow_factory).id)
        times = [at(5), at(10), at(10), at(10), at(2), at(30), at(30)]
        conversations = [
            add_conversation(uow_factory, inbox, add_contact(uow_factory, inbox, f"c{i}")[1], t)
            for i, t in enumerate(times)
        ]
        expected = sorted(conversations, key=lambda c: (c.last_activity_at, c.id), reverse=True)

        pages = walk(uow_factory, inbox.account_id, limit=3)

        assert [len(page) for page in pages] == [3, 3, 1]
        assert [c.id for page in pages for c in page] == [c.id for c in expected]

    def test_a_last_full_page_of_conversations_has_no_next_cursor(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        inbox = add_inbox(uow_factory, add_account(uow_factory).id)
        for i in range(4):
            add_conversation(uow_factory, inbox, add_contact(uow_factory, inbox, f"c{i}")[1])

        assert [len(page) for page in walk(uow_factory, inbox.account_id, limit=2)] == [2, 2]

    def test_list_filters_by_inbox_and_by_status(self, uow_factory: UnitOfWorkFactory) -> None:
        account = add_account(uow_factory)
        one, two = add_inbox(uow_factory, account.id, "one"), add_inbox(uow_factory, account.id)
        open_one = add_conversation(uow_factory, one, add_contact(uow_factory, one, "a")[1])
        resolved_one = add_conversation(
            uow_factory, one, add_contact(uow_factory, one, "b")[1], status="resolved"
        )
        open_two = add_conversation(uow_factory, two, add_contact(uow_factory, two, "c")[1])

        def ids(**filters: str) -> set[str]:
            return {c.id for page in walk(uow_factory, account.id, 10, **filters) for c in page}

        assert ids(inbox_id=one.id) == {open_one.id, resolved_one.id}
        assert ids(status="open") == {open_one.id, open_two.id}
        assert ids(inbox_id=one.id, status="resolved") == {resolved_one.id}
        assert ids(status="pending") == set()

    def test_racing_add_unless_active_leaves_one_active_conversation(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        inbox = add_inbox(uow_factory, add_account(uow_factory).id)
        _, contact_inbox = add_contact(uow_factory, inbox, "wa-racer")

        def start() -> str:
            with uow_factory() as uow:
                winner = uow.conversations.add_unless_active(
                    a_conversation(inbox, contact_inbox, at(1))
                )
                uow.commit()
            return winner.id

        winners = self.race(start)

        assert len(set(winners)) == 1
        listed = [c.id for page in walk(uow_factory, inbox.account_id, 100) for c in page]
        assert listed == winners[:1]
