"""The content of a Telegram `Message` as channelhub attachments: files by `file_id` (fetched
later with getFile), places and contact cards as attachments with their details in `extra`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from adapters.outbound.channels.telegram.json_fields import (
    array_at,
    integer_at,
    number_at,
    object_at,
    optional_integer,
    optional_text,
    text_at,
)
from domain.errors import MalformedWebhook
from domain.ports.webhooks import InboundAttachment

# (attachment, content_type, content): what one content field of a Message becomes.
Part = tuple[InboundAttachment, str, str | None]


def _file(
    part: Mapping[str, Any],
    where: str,
    file_type: str,
    mime_type: str | None = None,
    **extra: Any,
) -> InboundAttachment:
    for key in ("width", "height", "duration", "length"):
        number = optional_integer(part.get(key), f"{where}.{key}")
        if number is not None:
            extra[key] = number
    for key in ("performer", "title", "file_unique_id"):
        text = optional_text(part.get(key), f"{where}.{key}")
        if text:
            extra[key] = text
    return InboundAttachment(
        file_type=file_type,
        provider_ref=text_at(part.get("file_id"), f"{where}.file_id"),
        mime_type=optional_text(part.get("mime_type"), f"{where}.mime_type") or mime_type,
        file_name=optional_text(part.get("file_name"), f"{where}.file_name") or None,
        size=optional_integer(part.get("file_size"), f"{where}.file_size"),
        extra=extra,
    )


def _photo(value: object, where: str) -> Part:
    sizes = array_at(value, where)
    if not sizes:
        raise MalformedWebhook(f"{where} must list at least one size")
    read = [object_at(size, f"{where}[{i}]") for i, size in enumerate(sizes)]
    areas = [
        integer_at(s.get("width"), f"{where}[{i}].width")
        * integer_at(s.get("height"), f"{where}[{i}].height")
        for i, s in enumerate(read)
    ]
    # The largest size: Telegram lists them smallest first, but the area says it for sure.
    index = max(range(len(read)), key=lambda i: (areas[i], i))
    # Telegram re-encodes every photo as JPEG.
    return _file(read[index], f"{where}[{index}]", "image", "image/jpeg"), "text", None


def _document(value: object, where: str) -> Part:
    return _file(object_at(value, where), where, "file"), "text", None


def _audio(value: object, where: str) -> Part:
    return _file(object_at(value, where), where, "audio"), "text", None


def _voice(value: object, where: str) -> Part:
    return _file(object_at(value, where), where, "audio", "audio/ogg", voice=True), "text", None


def _video(value: object, where: str) -> Part:
    return _file(object_at(value, where), where, "video"), "text", None


def _video_note(value: object, where: str) -> Part:
    part = object_at(value, where)
    return _file(part, where, "video", "video/mp4", video_note=True), "text", None


def _animation(value: object, where: str) -> Part:
    part = object_at(value, where)
    return _file(part, where, "video", "video/mp4", animated=True), "text", None


def _sticker(value: object, where: str) -> Part:
    part = object_at(value, where)
    extra: dict[str, Any] = {}
    for key in ("emoji", "set_name", "type"):
        found = optional_text(part.get(key), f"{where}.{key}")
        if found:
            extra[key] = found
    if part.get("is_animated") is True:
        mime_type = "application/x-tgsticker"
    elif part.get("is_video") is True:
        mime_type = "video/webm"
    else:
        mime_type = "image/webp"
    return _file(part, where, "sticker", mime_type, **extra), "sticker", None


def _place(part: Mapping[str, Any], where: str) -> dict[str, Any]:
    extra: dict[str, Any] = {
        "latitude": number_at(part.get("latitude"), f"{where}.latitude"),
        "longitude": number_at(part.get("longitude"), f"{where}.longitude"),
    }
    for key in ("horizontal_accuracy", "live_period", "heading"):
        value = part.get(key)
        if value is not None:
            extra[key] = number_at(value, f"{where}.{key}")
    return extra


def _location(value: object, where: str) -> Part:
    extra = _place(object_at(value, where), where)
    return InboundAttachment("location", extra=extra), "location", None


def _venue(value: object, where: str) -> Part:
    part = object_at(value, where)
    extra = _place(object_at(part.get("location"), f"{where}.location"), f"{where}.location")
    extra["name"] = text_at(part.get("title"), f"{where}.title")
    address = optional_text(part.get("address"), f"{where}.address")
    if address:
        extra["address"] = address
    for key in ("foursquare_id", "google_place_id"):
        found = optional_text(part.get(key), f"{where}.{key}")
        if found:
            extra[key] = found
    label = ", ".join(extra[k] for k in ("name", "address") if k in extra)
    return InboundAttachment("location", extra=extra), "location", label


def _contact(value: object, where: str) -> Part:
    part = object_at(value, where)
    phone = text_at(part.get("phone_number"), f"{where}.phone_number")
    given = [
        optional_text(part.get("first_name"), f"{where}.first_name"),
        optional_text(part.get("last_name"), f"{where}.last_name"),
    ]
    name = " ".join(p for p in given if p) or None
    extra: dict[str, Any] = {"name": name, "phone_numbers": [phone], "emails": []}
    user_id = optional_integer(part.get("user_id"), f"{where}.user_id")
    if user_id is not None:
        extra["user_id"] = user_id
    vcard = optional_text(part.get("vcard"), f"{where}.vcard")
    if vcard:
        extra["vcard"] = vcard
    return InboundAttachment("contact", extra=extra), "contact", name


# In the order they are looked for: an animation also carries a `document` for old clients, and
# a venue also carries its `location`.
PART_READERS: dict[str, Callable[[object, str], Part]] = {
    "animation": _animation,
    "photo": _photo,
    "document": _document,
    "audio": _audio,
    "voice": _voice,
    "video": _video,
    "video_note": _video_note,
    "sticker": _sticker,
    "venue": _venue,
    "location": _location,
    "contact": _contact,
}
