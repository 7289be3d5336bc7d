"""The webhook envelope: `object` / `entry[]` / `changes[]` / `value`, every item of every one.

360dialog's legacy On-Premise numbers post the `value` alone (`{"contacts", "messages"}` or
`{"statuses"}`), so that flat shape is read too where the channel asks for it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from adapters.outbound.graph_whatsapp.json_fields import (
    array_at,
    load_object,
    object_at,
    optional_array,
    optional_object,
    optional_text,
    text_at,
)
from adapters.outbound.graph_whatsapp.messages import error_text, message_event
from adapters.outbound.graph_whatsapp.statuses import status_event
from domain.errors import MalformedWebhook
from domain.ports.webhooks import Ignored, InboundEvent

WHATSAPP_OBJECT = "whatsapp_business_account"
FLAT_KEYS = frozenset({"contacts", "messages", "statuses", "errors"})


def parse_webhook(
    body: bytes, *, phone_number_id: str | None = None, accept_flat: bool = False
) -> list[InboundEvent]:
    """Every event of a webhook body, in the order Graph listed them.

    With `phone_number_id`, only changes addressed to that number count: Meta posts one app's
    events for all of its numbers to each callback, and each inbox keeps its own.
    """
    payload = load_object(body)
    if accept_flat and "object" not in payload and "entry" not in payload:
        if not FLAT_KEYS & payload.keys():
            raise MalformedWebhook("the body is neither a Graph envelope nor a flat value")
        return value_events(payload, "the body")
    kind = text_at(payload.get("object"), "object")
    if kind != WHATSAPP_OBJECT:
        return [Ignored(f"webhook object {kind[:60]!r} is not WhatsApp")]
    events: list[InboundEvent] = []
    for i, entry in enumerate(array_at(payload.get("entry"), "entry")):
        where = f"entry[{i}]"
        changes = array_at(object_at(entry, where).get("changes"), f"{where}.changes")
        for j, change in enumerate(changes):
            events.extend(_change_events(change, f"{where}.changes[{j}]", phone_number_id))
    return events


def _change_events(change: object, where: str, phone_number_id: str | None) -> list[InboundEvent]:
    item = object_at(change, where)
    field = text_at(item.get("field"), f"{where}.field")
    value = object_at(item.get("value"), f"{where}.value")
    if field != "messages":
        # Account, template and quality updates: nothing a conversation holds.
        return [Ignored(f"webhook field {field[:60]!r} is not handled")]
    if phone_number_id is not None and _addressee(value, where) != phone_number_id:
        return []
    return value_events(value, f"{where}.value")


def _addressee(value: Mapping[str, Any], where: str) -> str:
    metadata = object_at(value.get("metadata"), f"{where}.value.metadata")
    return text_at(metadata.get("phone_number_id"), f"{where}.value.metadata.phone_number_id")


def value_events(value: Mapping[str, Any], where: str) -> list[InboundEvent]:
    names = _profile_names(value, where)
    errors = [
        error_text(e, f"{where}.errors[{i}]")
        for i, e in enumerate(optional_array(value.get("errors"), f"{where}.errors"))
    ]
    events: list[InboundEvent] = []
    errors_described_a_message = False
    for i, item in enumerate(optional_array(value.get("messages"), f"{where}.messages")):
        event, took_errors = message_event(item, f"{where}.messages[{i}]", names, errors)
        events.append(event)
        errors_described_a_message |= took_errors
    for i, item in enumerate(optional_array(value.get("statuses"), f"{where}.statuses")):
        events.append(status_event(item, f"{where}.statuses[{i}]"))
    if not errors_described_a_message:
        events.extend(Ignored(f"WhatsApp reported an error: {error}") for error in errors)
    return events


def _profile_names(value: Mapping[str, Any], where: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for i, item in enumerate(optional_array(value.get("contacts"), f"{where}.contacts")):
        contact = object_at(item, f"{where}.contacts[{i}]")
        wa_id = optional_text(contact.get("wa_id"), f"{where}.contacts[{i}].wa_id")
        profile = optional_object(contact.get("profile"), f"{where}.contacts[{i}].profile") or {}
        name = optional_text(profile.get("name"), f"{where}.contacts[{i}].profile.name")
        if wa_id and name:
            names[wa_id] = name
    return names


def phone_number_ids(body: bytes) -> list[str]:
    """Every `metadata.phone_number_id` in a body, first seen first; [] if it is unreadable.

    Pure and forgiving: it runs before verification to find which inbox a request is for.
    """
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return []
    found: list[str] = []
    entries = payload.get("entry") if isinstance(payload, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for change in changes if isinstance(changes, list) else []:
            value = change.get("value") if isinstance(change, dict) else None
            metadata = value.get("metadata") if isinstance(value, dict) else None
            number = metadata.get("phone_number_id") if isinstance(metadata, dict) else None
            if isinstance(number, str) and number and number not in found:
                found.append(number)
    return found
