from datetime import UTC, datetime, timedelta

import pytest

from domain.channels import MessagingWindow
from domain.conversations import Conversation, ConversationStatus
from domain.errors import InvalidInput

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def conversation() -> Conversation:
    return Conversation.start("a", "i", "c", "ci", T0)


def test_an_incoming_message_reopens_a_resolved_conversation():
    c = conversation()
    c.change_status("resolved")
    c.receive_incoming(T0 + timedelta(minutes=1), T0 + timedelta(minutes=1))
    assert c.status is ConversationStatus.OPEN


def test_pending_stays_pending_on_incoming():
    c = conversation()
    c.change_status("pending")
    c.receive_incoming(T0, T0)
    assert c.status is ConversationStatus.PENDING


def test_last_incoming_at_is_the_providers_time_and_never_goes_back():
    c = conversation()
    c.receive_incoming(T0 + timedelta(hours=2), T0 + timedelta(hours=3))
    c.receive_incoming(T0 + timedelta(hours=1), T0 + timedelta(hours=4))
    assert c.last_incoming_at == T0 + timedelta(hours=2)
    assert c.last_activity_at == T0 + timedelta(hours=4)


def test_an_unknown_status_is_invalid_input():
    with pytest.raises(InvalidInput):
        conversation().change_status("archived")


@pytest.mark.parametrize(
    ("last_incoming", "now", "open_"),
    [
        (None, T0, False),
        (T0, T0 + timedelta(hours=23, minutes=59), True),
        (T0, T0 + timedelta(hours=24), False),
    ],
)
def test_the_24_hour_window(last_incoming, now, open_):
    c = conversation()
    c.last_incoming_at = last_incoming
    assert c.can_reply(MessagingWindow(hours=24), now) is open_


def test_a_channel_without_window_can_always_reply():
    assert conversation().can_reply(MessagingWindow(), T0)
