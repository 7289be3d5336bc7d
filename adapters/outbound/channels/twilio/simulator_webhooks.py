"""Webhooks the way Twilio makes them, for the simulator: form-encoded, the fields Twilio sends
for SMS, MMS and WhatsApp, and `X-Twilio-Signature` over the URL and the sorted parameters."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from adapters.contracts.simulator import DEFAULT_WEBHOOK_URL
from adapters.outbound.channels.twilio.config import address_for, bare_address
from adapters.outbound.channels.twilio.signature import (
    BODY_HASH_PARAM,
    SIGNATURE_HEADER,
    body_hash,
    compute_signature,
    form_pairs,
)
from domain.channels import Channel
from domain.ports.webhooks import InboundRequest

Fields = dict[str, str]
# A status callback for these carries the reason Twilio gave up.
FAILED_STATES = frozenset({"undelivered", "failed"})


def statuses_in_order(
    states: Sequence[str], *, duplicate: bool = False, reverse: bool = False
) -> list[str]:
    """Status callbacks as Twilio may deliver them: twice each, or last first."""
    ordered = list(reversed(states)) if reverse else list(states)
    return [s for s in ordered for _ in range(2)] if duplicate else ordered


class TwilioWebhookMaker:
    """Makes the webhooks of one Twilio number (or WhatsApp sender), signed with the auth token
    of the channel it is given."""

    medium = "sms"
    phone_number = "+15550001111"
    recipient_number = "+447700900123"
    recipient_name = "Dana"

    @property
    def recipient_id(self) -> str:
        """The contact as Twilio writes it in `From`: `whatsapp:+E164` on WhatsApp."""
        return address_for(self.medium, self.recipient_number)

    @property
    def sender_address(self) -> str:
        return address_for(self.medium, self.phone_number)

    def signed_request(
        self, channel: Channel, body: bytes, *, url: str = DEFAULT_WEBHOOK_URL
    ) -> InboundRequest:
        # Signed with the token of the channel given, as Twilio signs with the account's.
        params = form_pairs(body) or []
        signature = compute_signature(url, params, str(channel.get("auth_token") or ""))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": "TwilioProxy/1.1",
            SIGNATURE_HEADER: signature,
        }
        return InboundRequest.build("POST", url, headers, body)

    def signed_json_request(
        self, channel: Channel, body: bytes, *, url: str = DEFAULT_WEBHOOK_URL
    ) -> InboundRequest:
        """A JSON-bodied webhook: the body's hash rides in the URL, which alone is signed."""
        url += ("&" if "?" in url else "?") + f"{BODY_HASH_PARAM}={body_hash(body)}"
        signature = compute_signature(url, [], str(channel.get("auth_token") or ""))
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: signature}
        return InboundRequest.build("POST", url, headers, body)

    def webhook(
        self, channel: Channel, fields: Fields, *, url: str = DEFAULT_WEBHOOK_URL
    ) -> InboundRequest:
        return self.signed_request(channel, urlencode(fields).encode(), url=url)

    def inbound_fields(
        self, channel: Channel, *, source_id: str, sender_id: str, text: str, **extra: str
    ) -> Fields:
        """What Twilio posts for an incoming message, in the order it posts it."""
        common: Fields = {
            "SmsMessageSid": source_id,
            "NumMedia": "0",
            "SmsSid": source_id,
            "SmsStatus": "received",
            "Body": text,
            "To": self.sender_address,
            "NumSegments": "1",
            "MessageSid": source_id,
            "AccountSid": str(channel.get("account_sid") or ""),
            "From": sender_id,
            "ApiVersion": "2010-04-01",
        }
        if self.medium == "whatsapp":
            number = bare_address(sender_id)
            fields: Fields = {
                "ProfileName": self.recipient_name,
                "MessageType": "text",
                "WaId": number.lstrip("+"),
                "ReferralNumMedia": "0",
                **common,
            }
        else:
            fields = {
                "ToCountry": "US",
                "ToState": "CA",
                "ToCity": "SAN FRANCISCO",
                "ToZip": "94105",
                "FromCountry": "GB",
                "FromState": "",
                "FromCity": "",
                "FromZip": "",
                **common,
            }
        fields.update(extra)
        return fields

    def incoming_message(
        self,
        channel: Channel,
        *,
        source_id: str,
        sender_id: str,
        text: str,
        url: str = DEFAULT_WEBHOOK_URL,
        **extra: str,
    ) -> InboundRequest:
        fields = self.inbound_fields(
            channel, source_id=source_id, sender_id=sender_id, text=text, **extra
        )
        return self.webhook(channel, fields, url=url)

    def incoming_media(
        self,
        channel: Channel,
        *,
        source_id: str,
        sender_id: str,
        media: Sequence[tuple[str, str]],
        text: str = "",
        url: str = DEFAULT_WEBHOOK_URL,
    ) -> InboundRequest:
        """An MMS or WhatsApp media message; `media` are (MediaUrl, MediaContentType) pairs."""
        extra = {"NumMedia": str(len(media))}
        for i, (media_url, mime_type) in enumerate(media):
            extra[f"MediaContentType{i}"] = mime_type
            extra[f"MediaUrl{i}"] = media_url
        if self.medium == "whatsapp":
            extra["MessageType"] = media[0][1].split("/")[0] if media else "text"
        fields = self.inbound_fields(
            channel, source_id=source_id, sender_id=sender_id, text=text, **extra
        )
        return self.webhook(channel, fields, url=url)

    def status_fields(
        self, channel: Channel, *, source_id: str, status: str, error_code: str | None = None
    ) -> Fields:
        fields: Fields = {
            "SmsSid": source_id,
            "SmsStatus": status,
            "MessageStatus": status,
            "To": self.recipient_id,
            "MessageSid": source_id,
            "AccountSid": str(channel.get("account_sid") or ""),
            "From": self.sender_address,
            "ApiVersion": "2010-04-01",
        }
        if status in FAILED_STATES:
            fields["ErrorCode"] = error_code or "30008"
        if status == "delivered" and self.medium == "sms":
            fields["RawDlrDoneDate"] = "2601011200"
        return fields

    def status_update(
        self,
        channel: Channel,
        *,
        source_id: str,
        status: str,
        url: str = DEFAULT_WEBHOOK_URL,
        error_code: str | None = None,
    ) -> InboundRequest | None:
        """A status callback; None for `read` over SMS, which Twilio never reports."""
        if status == "read" and self.medium != "whatsapp":
            return None
        fields = self.status_fields(
            channel, source_id=source_id, status=status, error_code=error_code
        )
        return self.webhook(channel, fields, url=url)

    def status_updates(
        self,
        channel: Channel,
        *,
        source_id: str,
        statuses: Sequence[str],
        duplicate: bool = False,
        reverse: bool = False,
        url: str = DEFAULT_WEBHOOK_URL,
    ) -> list[InboundRequest]:
        """One callback per status, duplicated and/or out of order as asked."""
        made = [
            self.status_update(channel, source_id=source_id, status=state, url=url)
            for state in statuses_in_order(statuses, duplicate=duplicate, reverse=reverse)
        ]
        return [request for request in made if request is not None]
