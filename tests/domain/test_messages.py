from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from domain.messages import Message, MessageStatus

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def outgoing() -> Message:
    return Message.outgoing(
        account_id="a",
        inbox_id="i",
        conversation_id="c",
        content="hi",
        content_type="text",
        created_at=NOW,
    )


def test_a_new_outgoing_message_is_pending():
    assert outgoing().status is MessageStatus.PENDING


def test_status_moves_forward():
    message = outgoing()
    assert message.apply_status(MessageStatus.SENT)
    assert message.apply_status(MessageStatus.READ)
    assert message.status is MessageStatus.READ


def test_a_late_delivered_after_read_is_ignored():
    message = outgoing()
    message.apply_status(MessageStatus.READ)
    assert not message.apply_status(MessageStatus.DELIVERED)
    assert message.status is MessageStatus.READ


def test_failed_is_final_and_keeps_the_reason():
    message = outgoing()
    message.apply_status(MessageStatus.FAILED, "131047: re-engagement message")
    assert not message.apply_status(MessageStatus.DELIVERED)
    assert message.status is MessageStatus.FAILED
    assert message.external_error == "131047: re-engagement message"


def test_failed_after_read_does_not_undo_the_read():
    message = outgoing()
    message.apply_status(MessageStatus.READ)
    assert not message.apply_status(MessageStatus.FAILED, "late")
    assert message.status is MessageStatus.READ


def test_an_explicit_retry_is_the_way_out_of_failed():
    message = outgoing()
    message.mark_failed("boom")
    message.retry(NOW)
    assert message.status is MessageStatus.PENDING
    assert message.external_error is None


def test_sent_clears_the_error_of_an_earlier_attempt():
    message = outgoing()
    message.schedule_retry(NOW, "503 from provider")
    message.mark_sent("wamid.1")
    assert (message.status, message.source_id, message.external_error) == (
        MessageStatus.SENT,
        "wamid.1",
        None,
    )


ORDERED = [MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ]


@given(st.permutations(ORDERED))
def test_any_arrival_order_of_sent_delivered_read_ends_read(order):
    message = outgoing()
    for status in order:
        message.apply_status(status)
    assert message.status is MessageStatus.READ


@given(st.lists(st.sampled_from(list(MessageStatus)), max_size=12))
def test_the_status_rank_never_goes_down(statuses):
    message = outgoing()
    for status in statuses:
        before = message.status
        message.apply_status(status)
        assert message.status.rank >= before.rank


def test_an_edit_keeps_the_previous_text():
    message = outgoing()
    message.edit("hello")
    message.edit("hello!")
    assert message.content == "hello!"
    assert message.content_attributes["edits"] == ["hi", "hello"]
