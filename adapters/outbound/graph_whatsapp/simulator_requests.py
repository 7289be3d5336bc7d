"""What the simulated Graph API checks in a send request, and the text it records of one."""

from __future__ import annotations

from typing import Any

from adapters.outbound.graph_whatsapp.send_bodies import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH

MEDIA_TYPES = frozenset({"image", "audio", "video", "document", "sticker"})
MESSAGE_TYPES = MEDIA_TYPES | {"text", "interactive", "template", "location", "contacts"}


def check_message(body: Any) -> str | None:
    """Why Graph would refuse `body` (its code 100, "Invalid parameter"), or None."""
    if not isinstance(body, dict):
        return "The request body must be a JSON object"
    if body.get("messaging_product") != "whatsapp":
        return "The parameter messaging_product is required"
    if body.get("status") == "read":
        has_id = isinstance(body.get("message_id"), str) and body["message_id"]
        return None if has_id else "The parameter message_id is required"
    if not isinstance(body.get("to"), str) or not body["to"]:
        return "The parameter to is required"
    kind = body.get("type", "text")
    if kind not in MESSAGE_TYPES or not isinstance(body.get(kind), dict):
        return f"The parameter {kind} is required"
    part = body[kind]
    if kind == "text":
        text = part.get("body")
        if not isinstance(text, str) or not text or len(text) > MAX_TEXT_LENGTH:
            return "The parameter text['body'] is required and at most 4096 characters"
    if kind in MEDIA_TYPES:
        if not (isinstance(part.get("link"), str) or isinstance(part.get("id"), str)):
            return f"The parameter {kind}['link'] or {kind}['id'] is required"
        if len(str(part.get("caption", ""))) > MAX_CAPTION_LENGTH:
            return f"The parameter {kind}['caption'] is too long"
    if kind == "template":
        language = part.get("language")
        if not isinstance(part.get("name"), str) or not isinstance(language, dict):
            return "The parameters template['name'] and template['language'] are required"
    return None


def received_text(body: dict[str, Any]) -> str | None:
    """The words a recipient would read: a text, a caption or an interactive message's body."""
    part = body.get(body.get("type", "text"))
    if not isinstance(part, dict):
        return None
    if isinstance(part.get("body"), str):
        return str(part["body"])
    if isinstance(part.get("caption"), str):
        return str(part["caption"])
    inner = part.get("body")
    if isinstance(inner, dict) and isinstance(inner.get("text"), str):
        return str(inner["text"])
    return None
