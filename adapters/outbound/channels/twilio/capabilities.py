"""What a Twilio inbox can carry, which depends on its medium."""

from __future__ import annotations

from domain.channels import Channel, ChannelCapabilities, MessagingWindow

# Twilio refuses a Body over 1600 characters (error 21617) for SMS and WhatsApp alike.
MAX_BODY_LENGTH = 1600
MEDIA_TYPES = frozenset({"image", "audio", "video", "file"})

# SMS/MMS: up to 10 `MediaUrl`s per message; no window, no templates.
SMS_CAPABILITIES = ChannelCapabilities(
    attachment_types=MEDIA_TYPES,
    max_text_length=MAX_BODY_LENGTH,
    max_attachments=10,
)
# WhatsApp through Twilio: Meta's 24-hour window, approved templates by Content SID, and one
# media file per message.
WHATSAPP_CAPABILITIES = ChannelCapabilities(
    attachment_types=MEDIA_TYPES,
    templates=True,
    max_text_length=MAX_BODY_LENGTH,
    max_attachments=1,
    window=MessagingWindow(hours=24),
)


def capabilities_for(channel: Channel) -> ChannelCapabilities:
    return WHATSAPP_CAPABILITIES if channel.get("medium") == "whatsapp" else SMS_CAPABILITIES
