"""Items of a webhook's `value.statuses[]`: the fate of messages channelhub sent."""

from __future__ import annotations

from adapters.outbound.graph_whatsapp.json_fields import (
    object_at,
    optional_array,
    text_at,
    unix_time,
)
from adapters.outbound.graph_whatsapp.messages import error_text
from domain.messages import MessageStatus
from domain.ports.webhooks import Ignored, InboundEvent, StatusUpdate

TRACKED = {
    s.value: s
    for s in (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ, MessageStatus.FAILED)
}


def status_event(item: object, where: str) -> InboundEvent:
    """Statuses may come late, twice or out of order; `Message.apply_status` sorts that out."""
    status = object_at(item, where)
    source_id = text_at(status.get("id"), f"{where}.id")
    state = text_at(status.get("status"), f"{where}.status")
    timestamp = unix_time(status.get("timestamp"), f"{where}.timestamp")
    if state not in TRACKED:
        # `played` (voice notes), `deleted`, `warning`: nothing a message status can say.
        return Ignored(f"status {state[:40]!r} of {source_id} is not tracked")
    error = None
    if state == "failed":
        errors = optional_array(status.get("errors"), f"{where}.errors")
        error = error_text(errors[0], f"{where}.errors[0]") if errors else "failed"
    return StatusUpdate(source_id, TRACKED[state], error, timestamp)
