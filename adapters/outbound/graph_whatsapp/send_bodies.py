"""Outgoing messages as the JSON bodies of `POST /{phone_number_id}/messages`.

One request carries one WhatsApp message, so a channelhub message maps to exactly one body:
a template, else buttons (reply buttons up to three, a list beyond), else one attachment (the
text as its caption), else text. What WhatsApp cannot carry is refused with a reason here,
before anything reaches Graph.
"""

from __future__ import annotations

import re
from typing import Any

from domain.errors import ChannelRejected
from domain.ports.senders import OutboundAttachment, OutboundButton, OutboundMessage

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_REPLY_BUTTONS = 3
MAX_LIST_ROWS = 10
LIST_BUTTON_LABEL = "Choose"
# channelhub's attachment file types and the Graph message type that carries each.
GRAPH_MEDIA_TYPES = {
    "image": "image",
    "audio": "audio",
    "video": "video",
    "file": "document",
    "sticker": "sticker",
}
_CAPTIONED = frozenset({"image", "video", "document"})
_URL = re.compile(r"https?://", re.IGNORECASE)


def message_body(message: OutboundMessage) -> dict[str, Any]:
    body: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": message.recipient_id,
    }
    if message.reply_to_source_id:
        body["context"] = {"message_id": message.reply_to_source_id}
    if message.template is not None:
        if message.attachments or message.buttons:
            raise _refused(
                "template_parts",
                "a template carries its header media and buttons in "
                "template.provider_params.components, not as attachments or buttons",
            )
        body.update(_template(message))
    elif message.buttons:
        body.update(_interactive(message))
    elif message.attachments:
        body.update(_media(message))
    elif message.content:
        body.update(_text(message.content))
    else:
        raise _refused("empty_message", "the message has no content WhatsApp can send")
    return body


def mark_read_body(source_id: str) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "status": "read", "message_id": source_id}


def _text(content: str) -> dict[str, Any]:
    if len(content) > MAX_TEXT_LENGTH:
        raise _refused("text_too_long", f"WhatsApp carries at most {MAX_TEXT_LENGTH} characters")
    return {"type": "text", "text": {"body": content, "preview_url": bool(_URL.search(content))}}


def _template(message: OutboundMessage) -> dict[str, Any]:
    template = message.template
    assert template is not None
    components = template.provider_params.get("components")
    if components is not None and not isinstance(components, list):
        raise _refused("template_components", "template.provider_params.components must be a list")
    parts: list[Any] = list(components or [])
    has_body = any(isinstance(c, dict) and c.get("type") == "body" for c in parts)
    if template.parameters and not has_body:
        parameters = [{"type": "text", "text": value} for value in template.parameters]
        parts.insert(0, {"type": "body", "parameters": parameters})
    payload: dict[str, Any] = {"name": template.name, "language": {"code": template.language}}
    if parts:
        payload["components"] = parts
    return {"type": "template", "template": payload}


def _interactive(message: OutboundMessage) -> dict[str, Any]:
    if not message.content:
        raise _refused("buttons_without_text", "WhatsApp buttons need a text to go with them")
    _check_caption(message.content)
    body = {"text": message.content}
    if len(message.buttons) <= MAX_REPLY_BUTTONS:
        interactive: dict[str, Any] = {
            "type": "button",
            "body": body,
            "action": {"buttons": [_reply_button(b) for b in message.buttons]},
        }
        header = _header(message.attachments)
        if header is not None:
            interactive["header"] = header
        return {"type": "interactive", "interactive": interactive}
    if message.attachments:
        raise _refused("list_with_media", "a WhatsApp list message carries no media")
    if len(message.buttons) > MAX_LIST_ROWS:
        raise _refused("too_many_buttons", f"a WhatsApp list holds at most {MAX_LIST_ROWS} rows")
    rows = [{"id": b.id, "title": b.title} for b in message.buttons]
    return {
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": body,
            "action": {"button": LIST_BUTTON_LABEL, "sections": [{"rows": rows}]},
        },
    }


def _reply_button(button: OutboundButton) -> dict[str, Any]:
    return {"type": "reply", "reply": {"id": button.id, "title": button.title}}


def _header(attachments: tuple[OutboundAttachment, ...]) -> dict[str, Any] | None:
    """Reply buttons may sit under one image, video or document."""
    if not attachments:
        return None
    if len(attachments) > 1:
        raise _refused("too_many_attachments", "WhatsApp buttons carry at most one attachment")
    kind, media = _media_object(attachments[0])
    if kind not in _CAPTIONED:
        raise _refused("button_header", f"WhatsApp buttons cannot carry a {kind} header")
    return {"type": kind, kind: media}


def _media(message: OutboundMessage) -> dict[str, Any]:
    if len(message.attachments) > 1:
        raise _refused(
            "too_many_attachments", "a WhatsApp message carries one attachment; send one each"
        )
    kind, media = _media_object(message.attachments[0])
    if message.content:
        if kind not in _CAPTIONED:
            raise _refused("caption_not_supported", f"WhatsApp {kind} messages carry no text")
        _check_caption(message.content)
        media["caption"] = message.content
    return {"type": kind, kind: media}


def _media_object(attachment: OutboundAttachment) -> tuple[str, dict[str, Any]]:
    kind = GRAPH_MEDIA_TYPES.get(attachment.file_type)
    if kind is None:
        raise _refused(
            "attachment_type", f"WhatsApp cannot send {attachment.file_type} attachments"
        )
    if not attachment.url:
        raise _refused("attachment_url", "the attachment has no URL WhatsApp could fetch")
    media: dict[str, Any] = {"link": attachment.url}
    if kind == "document" and attachment.file_name:
        media["filename"] = attachment.file_name
    return kind, media


def _check_caption(text: str) -> None:
    if len(text) > MAX_CAPTION_LENGTH:
        raise _refused(
            "caption_too_long", f"WhatsApp captions carry at most {MAX_CAPTION_LENGTH} characters"
        )


def _refused(code: str, reason: str) -> ChannelRejected:
    return ChannelRejected(reason, code=code)
