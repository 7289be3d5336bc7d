"""The form a message is sent with: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from adapters.outbound.channels.twilio.config import address_for
from domain.channels import Channel
from domain.errors import ChannelRejected
from domain.ports.senders import OutboundMessage, OutboundTemplate

FormPairs = list[tuple[str, str]]


def message_form(message: OutboundMessage, channel: Channel) -> FormPairs:
    """`To`, then `From` or `MessagingServiceSid`, then the content, then `StatusCallback`."""
    medium = channel.get("medium")
    form: FormPairs = [("To", address_for(medium, message.recipient_id))]
    service = channel.get("messaging_service_sid")
    if service:
        # The service picks the sender from its pool (and applies its own features).
        form.append(("MessagingServiceSid", str(service)))
    else:
        form.append(("From", address_for(medium, str(channel.get("phone_number")))))
    if message.template is not None:
        form += template_fields(message.template)
    elif message.content:
        form.append(("Body", message.content))
    form += [("MediaUrl", attachment.url) for attachment in message.attachments]
    if message.status_callback_url:
        form.append(("StatusCallback", message.status_callback_url))
    return form


def template_fields(template: OutboundTemplate) -> FormPairs:
    """A Content API template: `ContentSid` is the template's name; `ContentVariables` a JSON
    object, given as is in `provider_params` or numbered "1", "2"... from the parameters."""
    fields: FormPairs = [("ContentSid", template.name)]
    variables = _given_variables(template.provider_params)
    if variables is None and template.parameters:
        variables = json.dumps(
            {str(i): value for i, value in enumerate(template.parameters, start=1)},
            ensure_ascii=False,
        )
    if variables is not None:
        fields.append(("ContentVariables", variables))
    return fields


def _given_variables(params: Mapping[str, Any]) -> str | None:
    given = params.get("ContentVariables")
    if given is None:
        return None
    if isinstance(given, str):
        return given
    if isinstance(given, dict):
        return json.dumps(given, ensure_ascii=False)
    raise ChannelRejected(
        "template.provider_params.ContentVariables must be a JSON object or a string",
        code="invalid_template",
    )
