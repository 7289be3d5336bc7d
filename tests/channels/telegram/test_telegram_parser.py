"""Telegram updates, in the Bot API's documented shapes, become channelhub's events."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from adapters.outbound.channels.telegram import plugin as telegram_plugin
from domain.errors import MalformedWebhook, WebhookRejected
from domain.ports.webhooks import (
    Chat,
    ContactReachabilityChanged,
    Ignored,
    InboundAttachment,
    IncomingMessage,
    MessageEdited,
    ReactionReceived,
    Sender,
)
from tests.channels.telegram.conftest import (
    SECRET_TOKEN,
    fixture_body,
    parsed,
    telegram_channel,
    update_request,
)

ANA = Sender("111222333", name="Ana Silva", identifier="@ana_s")
BEN = Sender("444555666", name="Ben")
SUPPORT = Chat("-1001234567890", "Support")


def only(name: str) -> object:
    [event] = parsed(name)
    return event


# Verification: the secret header setWebhook registered, compared in constant time.


def test_the_registered_secret_token_is_accepted() -> None:
    telegram_plugin.parser.verify(update_request(fixture_body("text")), telegram_channel())


@pytest.mark.parametrize("secret", [None, "", "wrong-token", SECRET_TOKEN + "x", SECRET_TOKEN[:-1]])
def test_a_missing_or_wrong_secret_token_is_rejected(secret: str | None) -> None:
    request = update_request(fixture_body("text"), secret=secret)
    with pytest.raises(WebhookRejected):
        telegram_plugin.parser.verify(request, telegram_channel())


def test_the_rejection_never_shows_the_secret() -> None:
    request = update_request(fixture_body("text"), secret="almost-" + SECRET_TOKEN)
    with pytest.raises(WebhookRejected) as caught:
        telegram_plugin.parser.verify(request, telegram_channel())
    assert SECRET_TOKEN not in str(caught.value)


# Messages.


def test_a_private_text_is_one_message_from_its_user() -> None:
    assert only("text") == IncomingMessage(
        source_id="111222333:42",
        sender=ANA,
        content="hello, is my order shipped?",
        timestamp=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_a_photo_keeps_its_largest_size_and_its_caption() -> None:
    message = only("photo")
    assert isinstance(message, IncomingMessage)
    assert (message.content, message.content_type) == ("receipt", "text")
    [photo] = message.attachments
    assert (photo.file_type, photo.provider_ref, photo.mime_type, photo.size) == (
        "image",
        "AgACbig",
        "image/jpeg",
        98211,
    )
    assert (photo.extra["width"], photo.extra["height"]) == (1280, 960)


@pytest.mark.parametrize(
    ("name", "file_type", "provider_ref", "mime_type", "file_name", "extra"),
    [
        ("document", "file", "BQACdoc", "application/pdf", "invoice-4711.pdf", {}),
        ("audio", "audio", "CQACaudio", "audio/mpeg", "song.mp3", {"performer": "Band"}),
        ("voice", "audio", "AwACvoice", "audio/ogg", None, {"voice": True, "duration": 3}),
        ("video", "video", "BAACvideo", "video/mp4", "part.mp4", {"width": 1280}),
        ("video_note", "video", "DQACnote", "video/mp4", None, {"video_note": True}),
        ("animation", "video", "CgACanim", "video/mp4", "party.mp4", {"animated": True}),
    ],
)
def test_files_are_attachments_fetched_later_by_file_id(
    name: str,
    file_type: str,
    provider_ref: str,
    mime_type: str,
    file_name: str | None,
    extra: dict[str, object],
) -> None:
    message = only(name)
    assert isinstance(message, IncomingMessage)
    [attachment] = message.attachments
    assert (attachment.file_type, attachment.provider_ref) == (file_type, provider_ref)
    assert (attachment.mime_type, attachment.file_name) == (mime_type, file_name)
    assert extra.items() <= attachment.extra.items()


def test_a_video_caption_is_the_content() -> None:
    message = only("video")
    assert isinstance(message, IncomingMessage)
    assert message.content == "the broken part"


def test_a_sticker_is_a_sticker_with_its_emoji() -> None:
    message = only("sticker")
    assert isinstance(message, IncomingMessage)
    assert message.content_type == "sticker"
    [sticker] = message.attachments
    assert (sticker.file_type, sticker.provider_ref, sticker.mime_type) == (
        "sticker",
        "CAACsticker",
        "image/webp",
    )
    assert sticker.extra["emoji"] == "👍"


def test_a_location_is_a_place_without_bytes() -> None:
    message = only("location")
    assert isinstance(message, IncomingMessage)
    assert message.content_type == "location"
    assert message.attachments == (
        InboundAttachment(
            "location",
            extra={"latitude": 52.52, "longitude": 13.405, "horizontal_accuracy": 12.5},
        ),
    )


def test_a_venue_is_a_named_place() -> None:
    message = only("venue")
    assert isinstance(message, IncomingMessage)
    assert (message.content_type, message.content) == (
        "location",
        "Brandenburg Gate, Pariser Platz, 10117 Berlin",
    )
    [place] = message.attachments
    assert place.provider_ref is None
    assert place.extra["name"] == "Brandenburg Gate"
    assert place.extra["latitude"] == 52.5163


def test_a_shared_contact_is_a_contact_card() -> None:
    message = only("contact")
    assert isinstance(message, IncomingMessage)
    assert (message.content_type, message.content) == ("contact", "Carla Meyer")
    [card] = message.attachments
    assert card.file_type == "contact"
    assert card.extra["phone_numbers"] == ["+4915100000001"]
    assert card.extra["user_id"] == 987654321
    assert card.extra["vcard"].startswith("BEGIN:VCARD")


def test_a_reply_names_the_quoted_message_in_the_same_chat() -> None:
    message = only("reply")
    assert isinstance(message, IncomingMessage)
    assert message.reply_to == "111222333:54"


def test_an_album_arrives_as_consecutive_messages_sharing_the_media_group_id() -> None:
    first, second = only("album_first"), only("album_second")
    assert isinstance(first, IncomingMessage) and isinstance(second, IncomingMessage)
    assert (
        first.content_attributes
        == second.content_attributes
        == {"media_group_id": "13612867128930412"}
    )
    assert (first.content, second.content) == ("both sides", None)
    assert [first.source_id, second.source_id] == ["111222333:56", "111222333:57"]


def test_a_forwarded_message_says_so() -> None:
    message = only("forwarded")
    assert isinstance(message, IncomingMessage)
    assert message.content_attributes == {"forwarded": True}


def test_an_unsupported_message_is_kept_with_its_reason() -> None:
    message = only("poll")
    assert isinstance(message, IncomingMessage)
    assert message.content_type == "unsupported"
    assert message.content_attributes["provider_type"] == "poll"
    assert "poll" in message.content_attributes["reason"]


def test_a_service_notice_is_ignored_with_a_reason() -> None:
    event = only("new_members")
    assert isinstance(event, Ignored)
    assert "new_chat_members" in event.reason


# Groups and forum topics.


def test_group_messages_share_the_chat_and_keep_their_authors() -> None:
    ana, ben = only("group_ana"), only("group_ben")
    assert isinstance(ana, IncomingMessage) and isinstance(ben, IncomingMessage)
    assert ana.chat == ben.chat == SUPPORT
    assert (ana.sender, ben.sender) == (ANA, BEN)
    assert (ana.source_id, ben.source_id) == ("-1001234567890:301", "-1001234567890:302")


def test_a_forum_topic_is_its_own_conversation_named_after_the_topic() -> None:
    message = only("forum_topic")
    assert isinstance(message, IncomingMessage)
    assert message.chat == Chat("-1009988776655:75", "Help desk / Billing")
    # Every topic message "replies" to the topic's creation notice: that is not a quote.
    assert message.reply_to is None


def test_the_general_topic_of_a_forum_is_the_chat_itself() -> None:
    message = only("forum_general")
    assert isinstance(message, IncomingMessage)
    assert message.chat == Chat("-1009988776655", "Help desk")


def test_an_anonymous_admin_speaks_as_the_group() -> None:
    message = only("anonymous_admin")
    assert isinstance(message, IncomingMessage)
    assert message.sender == Sender("-1001234567890", name="Support")


# Edits.


def test_an_edit_carries_the_new_text_for_the_original_message() -> None:
    assert only("edited_message") == MessageEdited(
        "111222333:42",
        "hello, is order 4711 shipped?",
        datetime.fromtimestamp(1767225800, UTC),
    )


def test_an_edited_caption_is_the_new_content() -> None:
    event = only("edited_caption")
    assert isinstance(event, MessageEdited)
    assert (event.source_id, event.content) == ("111222333:43", "receipt (the new one)")


def test_a_moving_live_location_is_no_text_edit() -> None:
    event = only("edited_live_location")
    assert isinstance(event, Ignored)
    assert "111222333:60" in event.reason


# Button taps.


def test_a_callback_query_is_a_button_reply_with_the_buttons_text_and_an_ack() -> None:
    assert only("callback_query") == IncomingMessage(
        source_id="callback:5000000000000000001",
        sender=ANA,
        content="Yes, ship it",
        content_type="button_reply",
        reply_to="111222333:61",
        content_attributes={
            "button": {"id": "order:4711:yes", "title": "Yes, ship it"},
            "provider_ack": {"callback_query_id": "5000000000000000001"},
        },
    )


def test_a_tap_on_an_inline_mode_message_falls_back_to_its_data() -> None:
    message = only("callback_query_inline")
    assert isinstance(message, IncomingMessage)
    assert (message.content, message.reply_to, message.chat) == ("vote:up", None, None)
    assert message.content_attributes["button"] == {"id": "vote:up", "title": "vote:up"}


def test_a_tap_in_a_group_belongs_to_the_groups_conversation() -> None:
    message = only("callback_query_group")
    assert isinstance(message, IncomingMessage)
    assert (message.chat, message.sender, message.content) == (SUPPORT, BEN, "Me")
    assert message.reply_to == "-1001234567890:305"


# Reactions.


def test_a_reaction_points_at_the_reacted_message() -> None:
    assert only("message_reaction") == ReactionReceived(
        source_id="reaction:700000050",
        sender=BEN,
        emoji="👍",
        target_source_id="-1001234567890:301",
        timestamp=datetime.fromtimestamp(1767225900, UTC),
        chat=SUPPORT,
    )


def test_a_removed_reaction_is_an_empty_one() -> None:
    event = only("message_reaction_removed")
    assert isinstance(event, ReactionReceived)
    assert (event.emoji, event.target_source_id, event.chat) == ("", "111222333:42", None)


# The bot's own membership.


def test_a_user_blocking_the_bot_makes_them_unreachable() -> None:
    assert only("my_chat_member_blocked") == ContactReachabilityChanged(
        "111222333", reachable=False, reason="the user blocked the bot"
    )


def test_unblocking_makes_them_reachable_again() -> None:
    assert only("my_chat_member_unblocked") == ContactReachabilityChanged(
        "111222333", reachable=True
    )


def test_removing_the_bot_from_a_group_makes_the_group_unreachable() -> None:
    event = only("my_chat_member_removed_from_group")
    assert isinstance(event, ContactReachabilityChanged)
    assert (event.sender_source_id, event.reachable) == ("-1001234567890", False)


# What channelhub does not store.


@pytest.mark.parametrize(("name", "words"), [("channel_post", "channel"), ("unknown_update", "")])
def test_channel_posts_and_unknown_updates_are_ignored_with_a_reason(name: str, words: str) -> None:
    event = only(name)
    assert isinstance(event, Ignored)
    assert words in event.reason
    assert "700000" in event.reason


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"message":{"message_id":1}}',
        b'{"update_id":"1","message":{}}',
        b'{"update_id":1,"message":{"message_id":1,"chat":{"id":"x","type":"private"}}}',
        b'{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":1,"type":"private"},'
        b'"from":{"id":1},"photo":[]}}',
        b'{"update_id":1,"callback_query":{"id":7,"from":{"id":1},"data":"x"}}',
    ],
)
def test_a_payload_that_is_not_an_update_is_malformed(body: bytes) -> None:
    with pytest.raises(MalformedWebhook):
        telegram_plugin.parser.parse(update_request(body), telegram_channel())


def test_the_same_update_parses_the_same_every_time() -> None:
    request = update_request(fixture_body("callback_query"))
    channel = telegram_channel()
    parser = telegram_plugin.parser
    assert parser.parse(request, channel) == parser.parse(replace(request), channel)
