from __future__ import annotations

import threading

import pytest

from application.webhooks import ReceiveWebhook, ReplayRawEvents
from domain.errors import MalformedWebhook, NotFound, WebhookRejected
from domain.messages import Message, MessageStatus
from tests.application.fakes import webhook


def receive(world, *events, token="good"):
    use_case = ReceiveWebhook(world.uow_factory, world.registry, world.clock, world.publisher)
    return use_case("scripted", world.inbox.inbox_key, webhook(*events, token=token))


def only_conversation(world):
    page = world.queries.conversations(world.account_id)
    assert len(page.items) == 1
    return page.items[0]


def messages(world) -> list[Message]:
    view = only_conversation(world)
    return world.queries.messages(world.account_id, view.conversation.id).items


def test_an_incoming_message_creates_contact_conversation_and_message(world):
    receive(
        world,
        {
            "kind": "text",
            "id": "m1",
            "from": "+100",
            "name": "Ann",
            "text": "hi",
            "ts": 1_772_000_000,
        },
    )
    view = only_conversation(world)
    assert view.contact.name == "Ann"
    assert view.conversation.status.value == "open"
    assert view.conversation.last_incoming_at.timestamp() == 1_772_000_000
    [message] = messages(world)
    assert (message.content, message.source_id, message.message_type.value) == (
        "hi",
        "m1",
        "incoming",
    )
    assert [type(e).__name__ for e in world.publisher.events] == [
        "ConversationOpened",
        "MessageCreated",
    ]


def test_every_event_of_a_batch_is_stored(world):
    receive(world, *({"kind": "text", "id": f"m{i}", "text": str(i)} for i in range(5)))
    assert [m.source_id for m in messages(world)] == ["m0", "m1", "m2", "m3", "m4"]


def test_a_replayed_event_is_stored_once(world):
    for _ in range(3):
        receive(world, {"kind": "text", "id": "m1", "text": "hi"})
    assert len(messages(world)) == 1


def test_fifty_concurrent_deliveries_of_one_event_store_one_message(world):
    barrier = threading.Barrier(50)
    errors: list[BaseException] = []

    def deliver():
        barrier.wait()
        try:
            receive(world, {"kind": "text", "id": "same", "from": "new-contact", "text": "hi"})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(messages(world)) == 1
    assert len(world.queries.contacts(world.account_id).items) == 1


def test_a_bad_signature_stores_nothing(world):
    with pytest.raises(WebhookRejected):
        receive(world, {"kind": "text", "id": "m1", "text": "hi"}, token="forged")
    assert world.queries.conversations(world.account_id).items == []
    with world.uow_factory() as uow:
        assert uow.raw_events.list() == []


def test_a_malformed_payload_is_kept_with_its_error_and_changes_nothing_else(world):
    use_case = ReceiveWebhook(world.uow_factory, world.registry, world.clock, world.publisher)
    request = webhook()
    request = type(request).build("POST", request.url, {"X-Token": "good"}, b"{not json")
    with pytest.raises(MalformedWebhook):
        use_case("scripted", world.inbox.inbox_key, request)
    with world.uow_factory() as uow:
        [raw] = uow.raw_events.list()
    assert raw.error and "JSON" in raw.error
    assert raw.body == b"{not json"
    assert world.queries.conversations(world.account_id).items == []


def test_an_unknown_inbox_key_or_wrong_type_is_not_found(world):
    use_case = ReceiveWebhook(world.uow_factory, world.registry, world.clock, world.publisher)
    with pytest.raises(NotFound):
        use_case("scripted", "no-such-key", webhook())
    with pytest.raises(NotFound):
        use_case("other", world.inbox.inbox_key, webhook())


def test_raw_events_keep_the_request_but_not_credentials(world):
    use_case = ReceiveWebhook(world.uow_factory, world.registry, world.clock, world.publisher)
    request = webhook({"kind": "text", "id": "m1", "text": "hi"})
    request = type(request).build(
        "POST", request.url, {**request.headers, "Authorization": "Basic c2VjcmV0"}, request.body
    )
    use_case("scripted", world.inbox.inbox_key, request)
    with world.uow_factory() as uow:
        [raw] = uow.raw_events.list()
    assert raw.body == request.body and raw.error is None
    assert "x-token" in raw.headers and "authorization" not in raw.headers


def test_an_incoming_message_reopens_a_resolved_conversation(world):
    from application.management import ChangeConversationStatus

    receive(world, {"kind": "text", "id": "m1", "text": "hi"})
    conversation = only_conversation(world).conversation
    ChangeConversationStatus(world.uow_factory, world.publisher)(
        world.account_id, conversation.id, {"status": "resolved"}
    )
    receive(world, {"kind": "text", "id": "m2", "text": "again"})
    view = only_conversation(world)
    assert view.conversation.id == conversation.id
    assert view.conversation.status.value == "open"


def test_a_group_message_belongs_to_the_groups_conversation(world):
    receive(
        world,
        {"kind": "text", "id": "g1", "from": "ann", "name": "Ann", "chat": "grp", "text": "hi all"},
        {"kind": "text", "id": "g2", "from": "bob", "name": "Bob", "chat": "grp", "text": "hello"},
    )
    [first, second] = messages(world)
    assert first.content_attributes["sender"]["name"] == "Ann"
    assert second.content_attributes["sender"]["name"] == "Bob"
    assert only_conversation(world).contact.name == "Group"
    contacts = {c.id: c.name for c in world.queries.contacts(world.account_id).items}
    assert contacts[first.content_attributes["sender"]["contact_id"]] == "Ann"
    assert contacts[second.content_attributes["sender"]["contact_id"]] == "Bob"
    assert sorted(contacts.values()) == ["Ann", "Bob", "Group"]


def test_reactions_and_quotes_point_at_the_channelhub_message(world):
    receive(
        world,
        {"kind": "text", "id": "m1", "text": "hi"},
        {"kind": "text", "id": "m2", "text": "re", "reply_to": "m1"},
        {"kind": "reaction", "id": "r1", "emoji": "👍", "target": "m1"},
    )
    first, reply, reaction = messages(world)
    assert reply.content_attributes["in_reply_to"] == first.id
    assert (reaction.content_type, reaction.content) == ("reaction", "👍")
    assert reaction.content_attributes["in_reply_to"] == first.id


def test_edits_and_deletes_update_the_stored_message(world):
    receive(world, {"kind": "text", "id": "m1", "text": "helo"})
    receive(world, {"kind": "edit", "id": "m1", "text": "hello"})
    receive(world, {"kind": "edit", "id": "m1", "text": "hello"})
    receive(world, {"kind": "delete", "id": "m1"})
    [message] = messages(world)
    assert message.content == "hello"
    assert message.content_attributes["edits"] == ["helo"]
    assert message.content_attributes["deleted"] is True


def _outgoing(world, source_id: str) -> Message:
    receive(world, {"kind": "text", "id": "in-1", "text": "hi"})
    conversation = only_conversation(world).conversation
    message = Message.outgoing(
        account_id=world.account_id,
        inbox_id=world.inbox.id,
        conversation_id=conversation.id,
        content="reply",
        content_type="text",
        created_at=world.clock.now(),
    )
    message.mark_sent(source_id)
    with world.uow_factory() as uow:
        uow.messages.add(message)
        uow.commit()
    return message


@pytest.mark.parametrize(
    "order",
    [["delivered", "read"], ["read", "delivered"], ["read", "failed"], ["delivered", "delivered"]],
)
def test_status_events_move_forward_only_in_any_arrival_order(world, order):
    message = _outgoing(world, "out-1")
    for status in order:
        receive(world, {"kind": "status", "id": "out-1", "status": status})
    stored = world.queries.message(world.account_id, message.id)
    expected = max((MessageStatus(s) for s in order), key=lambda s: s.rank)
    if "read" in order:
        expected = MessageStatus.READ
    assert stored.status is expected


def test_a_failed_status_records_the_providers_reason(world):
    message = _outgoing(world, "out-1")
    receive(world, {"kind": "status", "id": "out-1", "status": "failed", "error": "131026"})
    stored = world.queries.message(world.account_id, message.id)
    assert (stored.status, stored.external_error) == (MessageStatus.FAILED, "131026")


def test_a_status_for_an_unknown_message_changes_nothing(world):
    receive(world, {"kind": "status", "id": "never-sent", "status": "read"})
    assert world.queries.conversations(world.account_id).items == []


def test_replay_is_idempotent_and_recovers_events_a_fixed_parser_can_read(world):
    receive(world, {"kind": "text", "id": "m1", "text": "hi"})
    use_case = ReceiveWebhook(world.uow_factory, world.registry, world.clock, world.publisher)
    bad = type(webhook()).build(
        "POST", "http://t/", {"X-Token": "good"}, b'{"kind": "text", "id": "m2", "text": "late"}'
    )
    with pytest.raises(MalformedWebhook):
        use_case("scripted", world.inbox.inbox_key, bad)

    replay = ReplayRawEvents(world.uow_factory, world.registry, world.clock, world.publisher)
    first = replay()
    assert (first.replayed, first.failed) == (1, 1)

    # "Fix the parser": it now also reads a single object.
    parser = world.registry.get("scripted").parser
    original = parser.parse
    parser.parse = lambda request, channel: (
        original(  # type: ignore[method-assign]
            type(request).build(
                "POST", request.url, dict(request.headers), b"[" + request.body + b"]"
            ),
            channel,
        )
        if request.body.startswith(b"{")
        else original(request, channel)
    )
    second = replay(only_failed=True)
    again = replay()
    assert (second.replayed, second.failed) == (1, 0)
    assert (again.replayed, again.failed) == (2, 0)
    assert [m.source_id for m in messages(world)] == ["m1", "m2"]


def test_the_inbox_lookup_remembers_briefly_and_forgets_on_change(world):
    from application.inboxes import InboxLookup
    from application.management import ManageInboxes

    lookup = InboxLookup(world.uow_factory, world.clock, ttl_seconds=5)
    manage = ManageInboxes(world.uow_factory, world.registry, world.clock, on_change=lookup.changed)
    key = world.inbox.inbox_key
    assert lookup("scripted", key).channel.get("token") == "good"
    with pytest.raises(NotFound):
        lookup("other-type", key)

    # Changed behind its back (another process): still the remembered inbox until the TTL ends.
    with world.uow_factory() as uow:
        inbox = uow.inboxes.by_key(key)
        inbox.name = "Renamed elsewhere"
        uow.inboxes.update(inbox)
        uow.commit()
    assert lookup("scripted", key).name == "Support"
    world.clock.advance(seconds=5)
    assert lookup("scripted", key).name == "Renamed elsewhere"

    # Changed through this process: applies at once.
    manage.update(world.account_id, world.inbox.id, {"channel": {"token": "rotated"}})
    assert lookup("scripted", key).channel.get("token") == "rotated"


def test_headers_whose_value_is_a_secret_are_dropped_from_raw_events(uow_factory):
    from dataclasses import dataclass

    from application.channels import ChannelPlugin, ChannelRegistry
    from application.management import CreateAccount, ManageInboxes
    from application.ports import CollectingEventPublisher
    from domain.channels import ChannelCapabilities, secret
    from tests.application.fakes import RecordingSender, ScriptedParser
    from tests.support.clock import FixedClock

    @dataclass(frozen=True)
    class SecretConfig:
        token: str = secret()

    plugin = ChannelPlugin(
        "scripted",
        SecretConfig,
        ScriptedParser(),
        lambda _http: RecordingSender(),
        ChannelCapabilities(),
    )
    registry, clock = ChannelRegistry([plugin]), FixedClock()
    account = CreateAccount(uow_factory, clock)({"name": "A"}).account
    inbox = (
        ManageInboxes(uow_factory, registry, clock)
        .create(account.id, {"name": "S", "channel": {"type": "scripted", "token": "good"}})
        .inbox
    )
    ReceiveWebhook(uow_factory, registry, clock, CollectingEventPublisher())(
        "scripted", inbox.inbox_key, webhook({"kind": "text", "id": "m1", "text": "hi"})
    )
    with uow_factory() as uow:
        [raw] = uow.raw_events.list()
    assert "x-token" not in raw.headers
    assert "good" not in repr(raw.headers)


def test_what_a_provider_tells_later_fills_in_a_contacts_blanks_but_never_overwrites(world):
    receive(world, {"kind": "text", "id": "m1", "from": "+100", "text": "hi"})
    receive(world, {"kind": "text", "id": "m2", "from": "+100", "name": "Ann", "text": "me"})
    receive(world, {"kind": "text", "id": "m3", "from": "+100", "name": "Annie", "text": "again"})
    [contact] = world.queries.contacts(world.account_id).items
    assert contact.name == "Ann"
