"""Contract of `MessageRepository`: storing, deduplicating, loading and listing messages."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone

from adapters.contracts.fixtures import (
    Scene,
    StoreContract,
    a_location,
    add_messages,
    an_image,
    at,
    set_scene,
)
from application.ports import UnitOfWorkFactory
from domain.messages import AttachmentStatus, Message, MessageStatus


def walk(uow_factory: UnitOfWorkFactory, conversation_id: str, limit: int) -> list[list[Message]]:
    pages: list[list[Message]] = []
    cursor: str | None = None
    while True:
        with uow_factory() as uow:
            page = uow.messages.list(conversation_id, cursor=cursor, limit=limit)
        pages.append(page.items)
        if page.next_cursor is None:
            return pages
        assert len(pages) <= 100, "pagination does not end"
        cursor = page.next_cursor


def a_rich_message(scene: Scene) -> Message:
    return scene.incoming(
        "wamid.rich",
        at(1),
        content="look at this",
        content_type="image",
        attachments=[an_image(), a_location()],
        content_attributes={
            "in_reply_to": "msg-1",
            "button": {"id": "yes", "title": "Yes"},
            "edits": ["before", None],
            "deleted": False,
            "score": 1.5,
        },
    )


class MessageRepositoryContract(StoreContract):
    """`MessageRepository` without delivery; see `RepositoryContract` for how to use it."""

    def test_a_message_round_trips_with_attachments_and_attributes(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)
        message = a_rich_message(scene)
        add_messages(uow_factory, message)

        with uow_factory() as uow:
            assert uow.messages.get(scene.account.id, message.id) == message

    def test_the_latest_incoming_message_of_a_conversation(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)
        with uow_factory() as uow:
            assert uow.messages.latest_incoming(scene.conversation.id) is None
        older, newer = scene.incoming("m1", at(1)), scene.incoming("m2", at(2))
        add_messages(uow_factory, newer, older, scene.outgoing(at(3)))
        with uow_factory() as uow:
            assert uow.messages.latest_incoming(scene.conversation.id) == newer

    def test_messages_with_media_to_fetch_are_listed_until_it_is_fetched(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)
        waiting = an_image()
        waiting.status = AttachmentStatus.PENDING
        waiting.fetch_attempts, waiting.error = 2, "503 from the provider"
        first = scene.incoming("m1", at(1), attachments=[waiting])
        plain = scene.incoming("m2", at(2))
        place = scene.incoming("m3", at(3), attachments=[a_location()])
        add_messages(uow_factory, first, plain, place)

        with uow_factory() as uow:
            assert uow.messages.pending_media(10) == [first.id]
            loaded = uow.messages.get_for_update(first.id)
            assert loaded is not None and loaded.attachments == [waiting]
            loaded.attachments[0].fetched("image/jpeg", 10, None)
            uow.messages.update(loaded)
            uow.commit()
        with uow_factory() as uow:
            assert uow.messages.pending_media(10) == []

    def test_times_come_back_as_the_same_aware_instant(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)
        berlin = timezone(timedelta(hours=2))
        sent = datetime(2025, 6, 1, 14, 30, 15, 250000, tzinfo=berlin)
        message = scene.outgoing(sent, next_attempt_at=sent + timedelta(seconds=1))
        add_messages(uow_factory, message)

        with uow_factory() as uow:
            loaded = uow.messages.get(scene.account.id, message.id)
        assert loaded is not None
        assert loaded.created_at == datetime(2025, 6, 1, 12, 30, 15, 250000, tzinfo=UTC)
        assert loaded.created_at.utcoffset() is not None
        assert loaded.next_attempt_at == sent + timedelta(seconds=1)

    def test_a_known_source_id_in_the_same_inbox_is_refused(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)
        first = scene.incoming("wamid.1", content="first")
        add_messages(uow_factory, first)
        duplicate = scene.incoming("wamid.1", content="duplicate")

        with uow_factory() as uow:
            assert uow.messages.add(duplicate) is False
            uow.commit()

        with uow_factory() as uow:
            assert uow.messages.get(scene.account.id, duplicate.id) is None
            assert uow.messages.by_source_id(scene.inbox.id, "wamid.1") == first

    def test_a_duplicate_within_one_unit_of_work_is_refused(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)
        with uow_factory() as uow:
            assert uow.messages.add(scene.incoming("wamid.1")) is True
            assert uow.messages.add(scene.incoming("wamid.1")) is False
            uow.commit()

        assert len(walk(uow_factory, scene.conversation.id, 10)[0]) == 1

    def test_the_same_source_id_in_another_inbox_is_stored(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        one, two = set_scene(uow_factory, "one"), set_scene(uow_factory, "two")

        with uow_factory() as uow:
            assert uow.messages.add(one.incoming("shared-id")) is True
            assert uow.messages.add(two.incoming("shared-id")) is True
            uow.commit()

    def test_outgoing_messages_without_source_id_never_collide(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)

        with uow_factory() as uow:
            assert uow.messages.add(scene.outgoing(at(1))) is True
            assert uow.messages.add(scene.outgoing(at(2))) is True
            uow.commit()

        assert len(walk(uow_factory, scene.conversation.id, 10)[0]) == 2

    def test_a_message_is_found_by_source_id_and_locked_by_id(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)
        message = scene.incoming("wamid.1")
        add_messages(uow_factory, message, scene.incoming("wamid.2"))

        with uow_factory() as uow:
            assert uow.messages.by_source_id(scene.inbox.id, "wamid.1") == message
            assert uow.messages.by_source_id(scene.inbox.id, "wamid.404") is None
            assert uow.messages.by_source_id("another-inbox", "wamid.1") is None
            assert uow.messages.get_for_update(message.id) == message
            assert uow.messages.get_for_update("no-such-message") is None

    def test_another_accounts_message_is_invisible(self, uow_factory: UnitOfWorkFactory) -> None:
        theirs, mine = set_scene(uow_factory, "Theirs"), set_scene(uow_factory, "Mine")
        message = theirs.incoming("wamid.1")
        add_messages(uow_factory, message)

        with uow_factory() as uow:
            assert uow.messages.get(mine.account.id, message.id) is None
            assert uow.messages.get(theirs.account.id, "no-such-message") is None

    def test_update_round_trips_every_changing_field(self, uow_factory: UnitOfWorkFactory) -> None:
        scene = set_scene(uow_factory)
        message = scene.outgoing(at(1))
        add_messages(uow_factory, message)
        message.mark_sent("provider-id-1")
        message.apply_status(MessageStatus.DELIVERED)
        message.edit("edited text")
        message.attachments = [an_image()]
        message.delivery_attempts = 3
        message.next_attempt_at = at(99)
        message.external_error = "was slow"
        with uow_factory() as uow:
            uow.messages.update(message)
            uow.commit()

        with uow_factory() as uow:
            assert uow.messages.get(scene.account.id, message.id) == message
            assert uow.messages.by_source_id(scene.inbox.id, "provider-id-1") == message

    def test_returned_messages_are_copies(self, uow_factory: UnitOfWorkFactory) -> None:
        scene = set_scene(uow_factory)
        message = a_rich_message(scene)
        add_messages(uow_factory, message)
        expected = copy.deepcopy(message)
        with uow_factory() as uow:
            loaded = uow.messages.get(scene.account.id, message.id)
            assert loaded is not None
            loaded.content = "changed without update()"
            loaded.attachments[0].url = "https://changed.example.com"
            loaded.content_attributes["button"]["title"] = "changed"
            uow.commit()

        with uow_factory() as uow:
            assert uow.messages.get(scene.account.id, message.id) == expected

    def test_stored_messages_do_not_follow_later_changes_to_the_original(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)
        message = a_rich_message(scene)
        add_messages(uow_factory, message)

        message.content_attributes["deleted"] = True
        message.attachments[0].url = "https://changed.example.com"

        with uow_factory() as uow:
            loaded = uow.messages.get(scene.account.id, message.id)
        assert loaded is not None
        assert loaded.content_attributes["deleted"] is False
        assert loaded.attachments[0].url == "https://cdn.example.com/cat.jpg"

    def test_list_walks_every_message_once_oldest_first(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene, other = set_scene(uow_factory), set_scene(uow_factory, "Other")
        times = [at(5), at(1), at(3), at(3), at(3), at(9), at(9)]
        messages = [scene.incoming(f"m{i}", t) for i, t in enumerate(times)]
        add_messages(uow_factory, *messages, other.incoming("elsewhere"))
        expected = sorted(messages, key=lambda m: (m.created_at, m.id))

        pages = walk(uow_factory, scene.conversation.id, limit=3)

        assert [len(page) for page in pages] == [3, 3, 1]
        assert [m.id for page in pages for m in page] == [m.id for m in expected]

    def test_a_last_full_page_of_messages_has_no_next_cursor(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)
        add_messages(uow_factory, *(scene.incoming(f"m{i}", at(i)) for i in range(4)))

        assert [len(page) for page in walk(uow_factory, scene.conversation.id, limit=2)] == [2, 2]

    def test_an_empty_conversation_lists_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        scene = set_scene(uow_factory)

        assert walk(uow_factory, scene.conversation.id, limit=5) == [[]]

    def test_racing_adds_of_one_source_id_store_it_once(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)

        def add() -> bool:
            with uow_factory() as uow:
                stored = uow.messages.add(scene.incoming("wamid.racer"))
                uow.commit()
            return stored

        results = self.race(add)

        assert results.count(True) == 1
        assert len(walk(uow_factory, scene.conversation.id, 100)[0]) == 1
