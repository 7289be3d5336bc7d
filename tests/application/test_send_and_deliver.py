from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from application.delivery import (
    DeliverMessage,
    RecoverPendingDeliveries,
    RequeueOverdueDeliveries,
    RetryPolicy,
)
from application.sending import SendMessage, StartConversation
from application.webhooks import ReceiveWebhook
from domain.errors import (
    CapabilityMissing,
    ChannelRejected,
    ChannelUnavailable,
    InvalidInput,
    MessagingWindowClosed,
)
from domain.messages import MessageStatus
from tests.application.fakes import webhook


def incoming(world, text="hi", source_id="in-1"):
    ReceiveWebhook(world.uow_factory, world.registry, world.clock, world.publisher)(
        "scripted",
        world.inbox.inbox_key,
        webhook({"kind": "text", "id": source_id, "from": "+100", "text": text}),
    )
    return world.queries.conversations(world.account_id).items[0].conversation


def send(world, conversation_id, body):
    return SendMessage(
        world.uow_factory, world.registry, world.clock, world.queue, world.publisher
    )(world.account_id, conversation_id, body)


def deliver(world, message_id, policy=None, **options):
    """One delivery attempt; `options` go to `DeliverMessage` (public_url, limiter, ...)."""
    use_case = DeliverMessage(
        world.uow_factory,
        lambda slug: world.sender,
        world.clock,
        policy or RetryPolicy(),
        world.publisher,
        **options,
    )
    return asyncio.run(use_case(message_id))


def stored(world, message_id):
    return world.queries.message(world.account_id, message_id)


def all_messages(world, conversation_id):
    return world.queries.messages(world.account_id, conversation_id).items


def test_a_reply_is_stored_pending_and_queued_after_commit(world):
    conversation = incoming(world)
    seen_at_enqueue = []
    world.queue.enqueue = lambda mid, not_before=None: seen_at_enqueue.append(
        stored(world, mid).status
    )
    message = send(world, conversation.id, {"content": "hello"})
    assert message.status is MessageStatus.PENDING
    assert seen_at_enqueue == [MessageStatus.PENDING]


def test_delivery_marks_sent_with_the_providers_id(world):
    conversation = incoming(world)
    message = send(world, conversation.id, {"content": "hello"})
    world.sender.script = ["wamid.42"]
    outcome = deliver(world, message.id)
    assert outcome.status == "sent"
    after = stored(world, message.id)
    assert (after.status, after.source_id) == (MessageStatus.SENT, "wamid.42")
    [sent] = world.sender.sent
    assert (sent.recipient_id, sent.content) == ("+100", "hello")


def test_a_permanent_refusal_fails_with_the_reason_and_is_not_retried(world):
    conversation = incoming(world)
    message = send(world, conversation.id, {"content": "hello"})
    world.sender.script = [ChannelRejected("recipient blocked", "400")]
    assert deliver(world, message.id).status == "failed"
    after = stored(world, message.id)
    assert (after.status, after.external_error) == (MessageStatus.FAILED, "400: recipient blocked")
    assert deliver(world, message.id).status == "skipped"
    assert len(world.sender.sent) == 1


def test_unavailable_is_retried_with_backoff_then_sent(world):
    conversation = incoming(world)
    message = send(world, conversation.id, {"content": "hello"})
    world.sender.script = [ChannelUnavailable("500"), ChannelUnavailable("500"), "ok-1"]
    first = deliver(world, message.id)
    assert first.status == "retry"
    assert deliver(world, message.id).status == "skipped"  # not due yet: no early resend
    world.clock.set(first.retry_at)
    assert deliver(world, message.id).status == "retry"
    world.clock.set(stored(world, message.id).next_attempt_at)
    assert deliver(world, message.id).status == "sent"
    after = stored(world, message.id)
    assert (after.status, after.source_id, after.external_error) == (
        MessageStatus.SENT,
        "ok-1",
        None,
    )


def test_retry_after_is_a_floor_on_the_wait(world):
    conversation = incoming(world)
    message = send(world, conversation.id, {"content": "hello"})
    world.sender.script = [ChannelUnavailable("429", retry_after=120)]
    outcome = deliver(world, message.id)
    assert (outcome.retry_at - world.clock.now()).total_seconds() >= 120


def test_after_the_last_attempt_the_message_fails(world):
    conversation = incoming(world)
    message = send(world, conversation.id, {"content": "hello"})
    policy = RetryPolicy(max_attempts=3)
    world.sender.script = [ChannelUnavailable("503 down")] * 3
    outcomes = []
    for _ in range(3):
        outcomes.append(deliver(world, message.id, policy).status)
        after = stored(world, message.id)
        if after.next_attempt_at:
            world.clock.set(after.next_attempt_at)
    assert outcomes == ["retry", "retry", "failed"]
    after = stored(world, message.id)
    assert (after.status, after.external_error) == (MessageStatus.FAILED, "503 down")


def test_an_unexpected_sender_error_fails_rather_than_risking_a_duplicate(world):
    conversation = incoming(world)
    message = send(world, conversation.id, {"content": "hello"})
    world.sender.script = [KeyError("bug")]
    assert deliver(world, message.id).status == "failed"
    assert stored(world, message.id).external_error == "unexpected error: KeyError"


def test_two_workers_racing_for_one_message_send_it_once(world):
    conversation = incoming(world)
    message = send(world, conversation.id, {"content": "hello"})
    world.sender.pause = 0.05
    use_case = DeliverMessage(
        world.uow_factory, lambda slug: world.sender, world.clock, RetryPolicy(), world.publisher
    )

    async def race():
        return await asyncio.gather(*(use_case(message.id) for _ in range(5)))

    outcomes = asyncio.run(race())
    assert sorted(o.status for o in outcomes) == ["sent"] + ["skipped"] * 4
    assert len(world.sender.sent) == 1


def test_recovery_queues_pending_messages_with_their_due_time(world):
    conversation = incoming(world)
    first = send(world, conversation.id, {"content": "one"})
    second = send(world, conversation.id, {"content": "two"})
    world.sender.script = ["ok"]
    deliver(world, first.id)
    world.queue.items.clear()
    assert RecoverPendingDeliveries(world.uow_factory, world.clock, world.queue)() == 1
    assert [mid for mid, _ in world.queue.items] == [second.id]


def test_with_a_shared_queue_only_long_overdue_messages_are_queued_again_once_a_grace(world):
    conversation = incoming(world)
    waiting = send(world, conversation.id, {"content": "lost on the way to the queue"})
    world.queue.items.clear()
    requeue = RequeueOverdueDeliveries(
        world.uow_factory, world.clock, world.queue, grace=timedelta(minutes=1)
    )
    assert requeue() == 0  # just sent: a worker is about to take it
    world.clock.advance(seconds=61)
    fresh = send(world, conversation.id, {"content": "just sent"})
    world.queue.items.clear()
    assert requeue() == 1
    assert world.queue.items == [(waiting.id, None)]
    world.clock.advance(seconds=30)
    assert requeue() == 0  # queued again less than a grace ago: no flood of copies
    world.clock.advance(seconds=31)
    world.sender.script = ["ok"]
    deliver(world, waiting.id)
    assert requeue() == 1  # the delivered one is done; the other is overdue now
    assert world.queue.items[-1] == (fresh.id, None)


def test_outside_the_window_only_a_template_may_be_sent(windowed_world):
    world = windowed_world
    conversation = incoming(world)
    world.clock.advance(hours=25)
    with pytest.raises(MessagingWindowClosed):
        send(world, conversation.id, {"content": "too late"})
    assert len(all_messages(world, conversation.id)) == 1
    message = send(
        world,
        conversation.id,
        {"template": {"name": "reengage", "language": "en", "parameters": ["Ann"]}},
    )
    assert message.content_type == "template"
    assert world.queries.conversation(world.account_id, conversation.id).can_reply is False


def test_inside_the_window_a_free_reply_is_fine(windowed_world):
    conversation = incoming(windowed_world)
    windowed_world.clock.advance(hours=23)
    assert send(windowed_world, conversation.id, {"content": "quick"}).status.value == "pending"


@pytest.mark.parametrize(
    ("body", "part"),
    [
        (
            {"attachments": [{"url": "https://x/a.mp3", "file_type": "audio"}]},
            "attachments[0].file_type",
        ),
        (
            {"content": "x", "content_attributes": {"buttons": [{"id": "1", "title": "Yes"}]}},
            "content_attributes.buttons",
        ),
        ({"content": "x" * 101}, "content"),
    ],
)
def test_a_part_the_channel_cannot_carry_is_refused_before_anything_is_stored(world, body, part):
    conversation = incoming(world)
    with pytest.raises(CapabilityMissing) as caught:
        send(world, conversation.id, body)
    assert caught.value.part == part
    assert len(all_messages(world, conversation.id)) == 1
    assert world.queue.items == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"content": "  "},
        {"content": 5},
        {"content": "x", "colour": "red"},
        {"attachments": [{"url": "ftp://x", "file_type": "image"}]},
        "text",
        None,
    ],
)
def test_invalid_bodies_name_the_field(world, body):
    conversation = incoming(world)
    with pytest.raises(InvalidInput) as caught:
        send(world, conversation.id, body)
    assert caught.value.errors


def test_a_quote_resolves_to_the_providers_id(world):
    conversation = incoming(world)
    [first] = all_messages(world, conversation.id)
    message = send(
        world, conversation.id, {"content": "re", "content_attributes": {"in_reply_to": first.id}}
    )
    deliver(world, message.id)
    assert world.sender.sent[-1].reply_to_source_id == "in-1"


def test_start_conversation_creates_the_contact_and_queues_the_first_message(world):
    conversation = StartConversation(
        world.uow_factory, world.registry, world.clock, world.queue, world.publisher
    )(
        world.account_id,
        {
            "inbox_id": world.inbox.id,
            "contact": {"phone_number": "+200", "name": "Bo"},
            "message": {"content": "hello Bo"},
        },
    )
    [message] = all_messages(world, conversation.id)
    assert message.status is MessageStatus.PENDING
    assert world.queue.items[0][0] == message.id
    deliver(world, message.id)
    assert world.sender.sent[-1].recipient_id == "+200"


def test_start_conversation_names_every_bad_field(world):
    with pytest.raises(InvalidInput) as caught:
        StartConversation(
            world.uow_factory, world.registry, world.clock, world.queue, world.publisher
        )(world.account_id, {"contact": {}, "message": {}})
    fields = {e.field for e in caught.value.errors}
    assert {"inbox_id", "contact.source_id", "message.content"} <= fields


def test_retry_policy_doubles_up_to_the_cap_with_jitter():
    policy = RetryPolicy(base_seconds=1, cap_seconds=300)
    top = [policy.delay(n, rng=lambda lo, hi: hi) for n in range(1, 11)]
    low = [policy.delay(n, rng=lambda lo, hi: lo) for n in range(1, 4)]
    assert top == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300]
    assert low == [0.5, 1, 2]
    assert policy.delay(1, retry_after=30) == 30


def test_refused_credentials_fail_the_message_and_flag_the_inbox_until_a_patch(world):
    from application.management import ManageInboxes
    from domain.errors import ChannelCredentialsInvalid

    conversation = incoming(world)
    message = send(world, conversation.id, {"content": "hello"})
    world.sender.script = [ChannelCredentialsInvalid("access token expired", "190")]
    assert deliver(world, message.id).status == "failed"
    assert stored(world, message.id).external_error == "190: access token expired"
    inbox = world.queries.inbox(world.account_id, world.inbox.id)
    assert inbox.credentials_error == "190: access token expired"

    manage = ManageInboxes(world.uow_factory, world.registry, world.clock)
    manage.update(world.account_id, world.inbox.id, {"name": "Renamed"})
    assert world.queries.inbox(world.account_id, world.inbox.id).credentials_error is not None
    manage.update(world.account_id, world.inbox.id, {"channel": {"token": "fresh"}})
    assert world.queries.inbox(world.account_id, world.inbox.id).credentials_error is None


def test_more_attachments_than_the_channel_carries_are_refused(world):
    from dataclasses import replace

    conversation = incoming(world)
    plugin = world.registry.get("scripted")
    object.__setattr__(plugin, "capabilities", replace(plugin.capabilities, max_attachments=1))
    two = {"attachments": [{"url": "https://x/a.jpg", "file_type": "image"}] * 2}
    with pytest.raises(CapabilityMissing) as caught:
        send(world, conversation.id, two)
    assert caught.value.part == "attachments"


def test_capabilities_may_depend_on_the_inboxs_config(world):
    """Twilio's SMS inboxes have no window; its WhatsApp ones do: one plugin, two policies."""
    from dataclasses import replace

    from domain.channels import MessagingWindow

    plugin = world.registry.get("scripted")
    windowed = replace(plugin.capabilities, window=MessagingWindow(hours=24))
    object.__setattr__(
        plugin,
        "capabilities_for",
        lambda channel: windowed if channel.get("token") == "whatsapp" else plugin.capabilities,
    )
    conversation = incoming(world)
    world.clock.advance(hours=30)
    assert send(world, conversation.id, {"content": "sms has no window"}).status.value == "pending"

    from application.management import ManageInboxes

    ManageInboxes(world.uow_factory, world.registry, world.clock).update(
        world.account_id, world.inbox.id, {"channel": {"token": "whatsapp"}}
    )
    with pytest.raises(MessagingWindowClosed):
        send(world, conversation.id, {"content": "whatsapp has one"})
    assert world.queries.conversation(world.account_id, conversation.id).can_reply is False


def test_senders_learn_the_inboxs_webhook_url_for_status_callbacks(world):
    conversation = incoming(world)
    message = send(world, conversation.id, {"content": "hello"})
    deliver(world, message.id, public_url="https://hub.example/")
    assert world.sender.sent[-1].status_callback_url == (
        f"https://hub.example/webhooks/scripted/{world.inbox.inbox_key}"
    )


def test_an_unreachable_recipient_fails_and_later_sends_are_refused_before_queueing(world):
    from domain.errors import ContactUnreachable, RecipientUnreachable

    conversation = incoming(world)
    message = send(world, conversation.id, {"content": "hello"})
    world.sender.script = [RecipientUnreachable("unsubscribed recipient", "21610")]
    assert deliver(world, message.id).status == "failed"
    assert stored(world, message.id).external_error == "21610: unsubscribed recipient"
    queued = len(world.queue.items)
    with pytest.raises(ContactUnreachable):
        send(world, conversation.id, {"content": "again?"})
    assert len(world.queue.items) == queued
    assert world.queries.conversation(world.account_id, conversation.id).can_reply is False


def test_the_provider_saying_the_contact_is_back_lifts_the_refusal(world):
    from domain.errors import ContactUnreachable
    from domain.ports.webhooks import ContactReachabilityChanged

    conversation = incoming(world)
    parser = world.registry.get("scripted").parser
    original = parser.parse

    def reachability(reachable):
        parser.parse = lambda request, channel: [  # type: ignore[method-assign]
            ContactReachabilityChanged("+100", reachable, None if reachable else "STOP")
        ]
        try:
            ReceiveWebhook(world.uow_factory, world.registry, world.clock, world.publisher)(
                "scripted", world.inbox.inbox_key, webhook()
            )
        finally:
            parser.parse = original  # type: ignore[method-assign]

    reachability(False)
    with pytest.raises(ContactUnreachable):
        send(world, conversation.id, {"content": "hello"})
    reachability(True)
    assert send(world, conversation.id, {"content": "hello"}).status.value == "pending"


def test_a_chat_that_moved_is_readdressed_and_the_message_sent_there(world):
    from domain.errors import RecipientMoved

    conversation = incoming(world)
    message = send(world, conversation.id, {"content": "hello group"})
    world.sender.script = [RecipientMoved("group upgraded", new_recipient_id="-1009"), "-1009:5"]
    first = deliver(world, message.id)
    assert first.status == "retry"
    world.clock.set(first.retry_at)
    assert deliver(world, message.id).status == "sent"
    assert [m.recipient_id for m in world.sender.sent] == ["+100", "-1009"]
    again = send(world, conversation.id, {"content": "and again"})
    deliver(world, again.id)
    assert world.sender.sent[-1].recipient_id == "-1009"


def test_a_follow_up_call_runs_for_messages_that_ask_for_one(world):
    from application.follow_ups import RunFollowUp
    from domain.ports.webhooks import IncomingMessage, Sender

    calls = []

    async def answer(ack, channel):
        calls.append((dict(ack), channel.type))

    queue_items = []

    class Queue:
        def enqueue(self, message_id, not_before=None):
            queue_items.append(message_id)

    parser = world.registry.get("scripted").parser
    original = parser.parse
    parser.parse = lambda request, channel: [  # type: ignore[method-assign]
        IncomingMessage(
            "cb:1",
            Sender("u1"),
            "Yes",
            "button_reply",
            content_attributes={"provider_ack": {"callback_query_id": "q-1"}},
        ),
        IncomingMessage("m2", Sender("u1"), "plain"),
    ]
    try:
        ReceiveWebhook(
            world.uow_factory, world.registry, world.clock, world.publisher, follow_up_queue=Queue()
        )("scripted", world.inbox.inbox_key, webhook())
    finally:
        parser.parse = original  # type: ignore[method-assign]
    [message_id] = queue_items
    outcome = asyncio.run(
        RunFollowUp(world.uow_factory, lambda slug: answer, world.clock, RetryPolicy())(message_id)
    )
    assert outcome.status == "done"
    assert calls == [({"callback_query_id": "q-1"}, "scripted")]
