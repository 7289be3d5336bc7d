"""An inbound SMS, MMS or WhatsApp message, from the form fields Twilio posts.

The contact is keyed by `From` exactly as Twilio sends it (`whatsapp:+E164` on WhatsApp), so
a reply goes back to the same address; the contact's phone number is the bare E.164 number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from adapters.outbound.channels.twilio.config import bare_address
from domain.errors import MalformedWebhook
from domain.ports.webhooks import InboundAttachment, IncomingMessage, Sender

# MMS carries at most 10 media; more would be a body Twilio did not write.
MAX_MEDIA = 10
_E164 = re.compile(r"\+[1-9][0-9]{5,14}")
_WA_ID = re.compile(r"[1-9][0-9]{5,14}")
_NUMBER = re.compile(r"-?[0-9]{1,3}(\.[0-9]+)?")

Form = Mapping[str, str]


def message_sid(form: Form) -> str:
    for name in ("MessageSid", "SmsMessageSid", "SmsSid"):
        if form.get(name):
            return form[name]
    raise MalformedWebhook("MessageSid is missing")


def incoming_message(form: Form) -> IncomingMessage:
    source_id = message_sid(form)
    author = form.get("From") or ""
    if not author:
        raise MalformedWebhook("From is missing")
    content = form.get("Body") or None
    attributes: dict[str, Any] = {}
    for name, attribute in (
        ("Forwarded", "forwarded"),
        ("FrequentlyForwarded", "frequently_forwarded"),
    ):
        if form.get(name, "").lower() == "true":
            attributes[attribute] = True
    content_type = "text"
    attachments = _media(form)
    if form.get("Latitude") or form.get("Longitude"):
        content_type = "location"
        location = _location(form)
        attachments.append(location)
        content = content or _place_label(location.extra)
    elif form.get("ButtonText") or form.get("ButtonPayload"):
        title = form.get("ButtonText") or form["ButtonPayload"]
        content_type, content = "button_reply", title
        attributes["button"] = {"id": form.get("ButtonPayload") or title, "title": title}
    elif form.get("MessageType") == "sticker" and attachments:
        content_type = "sticker"
        attachments = [_as_sticker(a) for a in attachments]
    elif content is None and not attachments and form.get("MessageType") not in (None, "", "text"):
        content_type = "unsupported"
        attributes["reason"] = f"Twilio message type {form['MessageType']!r} carries no content"
        attributes["provider_type"] = form["MessageType"]
    return IncomingMessage(
        source_id=source_id,
        sender=Sender(
            source_id=author,
            name=form.get("ProfileName") or None,
            phone_number=_phone_number(author, form.get("WaId")),
        ),
        content=content,
        content_type=content_type,
        attachments=tuple(attachments),
        reply_to=form.get("OriginalRepliedMessageSid") or None,
        content_attributes=attributes,
    )


def _phone_number(author: str, wa_id: str | None) -> str | None:
    bare = bare_address(author)
    if _E164.fullmatch(bare):
        return bare
    # WhatsApp senders always have a WaId (the number without "+"), even if From changes shape.
    if wa_id and _WA_ID.fullmatch(wa_id):
        return f"+{wa_id}"
    return None


def _media(form: Form) -> list[InboundAttachment]:
    count_text = form.get("NumMedia") or "0"
    if not (count_text.isascii() and count_text.isdigit()):
        raise MalformedWebhook("NumMedia must be a number")
    count = int(count_text)
    if count > MAX_MEDIA:
        raise MalformedWebhook(f"NumMedia {count} is more than Twilio sends ({MAX_MEDIA})")
    attachments = []
    for i in range(count):
        url = form.get(f"MediaUrl{i}")
        if not url:
            raise MalformedWebhook(f"MediaUrl{i} is missing although NumMedia is {count}")
        mime_type = form.get(f"MediaContentType{i}") or None
        attachments.append(InboundAttachment(_file_type(mime_type), url, mime_type))
    return attachments


def _file_type(mime_type: str | None) -> str:
    kind = (mime_type or "").split("/")[0]
    return kind if kind in ("image", "audio", "video") else "file"


def _as_sticker(attachment: InboundAttachment) -> InboundAttachment:
    return InboundAttachment("sticker", attachment.provider_ref, attachment.mime_type)


def _location(form: Form) -> InboundAttachment:
    extra: dict[str, Any] = {
        "latitude": _coordinate(form, "Latitude", 90),
        "longitude": _coordinate(form, "Longitude", 180),
    }
    for name, key in (("Label", "name"), ("Address", "address")):
        if form.get(name):
            extra[key] = form[name]
    return InboundAttachment("location", extra=extra)


def _coordinate(form: Form, name: str, limit: float) -> float:
    text = form.get(name) or ""
    if not _NUMBER.fullmatch(text) or abs(float(text)) > limit:
        raise MalformedWebhook(f"{name} must be a coordinate in degrees")
    return float(text)


def _place_label(extra: Mapping[str, Any]) -> str | None:
    return ", ".join(str(extra[k]) for k in ("name", "address") if k in extra) or None
