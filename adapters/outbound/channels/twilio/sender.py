"""Sending through Twilio's Messages API and downloading inbound media, both with HTTP Basic
(Account SID and auth token)."""

from __future__ import annotations

import base64
from urllib.parse import quote, urlencode, urlsplit

import aiohttp

from adapters.outbound.channels.twilio.capabilities import SMS_CAPABILITIES
from adapters.outbound.channels.twilio.config import DEFAULT_API_BASE_URL
from adapters.outbound.channels.twilio.errors import error_for_twilio_answer
from adapters.outbound.channels.twilio.send_form import message_form
from adapters.outbound.http_client import HttpAnswer, send_request
from domain.channels import Channel
from domain.errors import ChannelRejected
from domain.ports.media import FetchedMedia
from domain.ports.senders import DeliveryReceipt, OutboundMessage

API_VERSION = "2010-04-01"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


def messages_url(channel: Channel) -> str:
    account = quote(str(channel.get("account_sid")), safe="")
    return f"{_base(channel)}/{API_VERSION}/Accounts/{account}/Messages.json"


def basic_auth(channel: Channel) -> str:
    pair = f"{channel.get('account_sid')}:{channel.get('auth_token')}".encode()
    return "Basic " + base64.b64encode(pair).decode()


def _base(channel: Channel) -> str:
    return str(channel.get("api_base_url") or DEFAULT_API_BASE_URL).rstrip("/")


def _secrets(channel: Channel) -> list[str]:
    return [str(channel.get("auth_token") or "")]


class TwilioSender:
    # Per inbox the plugin's `capabilities_for` says more (WhatsApp adds templates and a window).
    capabilities = SMS_CAPABILITIES

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def send(self, message: OutboundMessage, channel: Channel) -> DeliveryReceipt:
        answer = await send_request(
            self.session,
            "POST",
            messages_url(channel),
            data=urlencode(message_form(message, channel)).encode(),
            headers={
                "Content-Type": FORM_CONTENT_TYPE,
                "Accept": "application/json",
                "Authorization": basic_auth(channel),
            },
            redact=_secrets(channel),
            check=False,
        )
        error = error_for_twilio_answer(answer, _secrets(channel))
        if error is not None:
            raise error
        payload = answer.json()
        sid = payload.get("sid") if isinstance(payload, dict) else None
        return DeliveryReceipt(sid if isinstance(sid, str) and sid else None)


class TwilioMediaFetcher:
    """`GET MediaUrlN` with the account's credentials; Twilio redirects to its CDN, where the
    client drops the credentials (another origin) and the signed URL suffices."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def fetch(self, provider_ref: str, channel: Channel) -> FetchedMedia:
        answer = await send_request(
            self.session,
            "GET",
            _download_url(channel, provider_ref),
            headers={"Authorization": basic_auth(channel)},
            redact=_secrets(channel),
            check=False,
        )
        if answer.status in (404, 410):
            raise ChannelRejected("the media is gone from Twilio", code=str(answer.status))
        error = error_for_twilio_answer(answer, _secrets(channel))
        if error is not None:
            raise error
        return FetchedMedia(answer.body, _content_type(answer))


def _download_url(channel: Channel, url: str) -> str:
    # The credentials go with the request, so only over TLS or to the configured API host.
    target, base = urlsplit(url), urlsplit(_base(channel))
    if target.scheme == "https" or (target.scheme, target.netloc) == (base.scheme, base.netloc):
        return url
    raise ChannelRejected(
        "the media URL is neither https nor on the API host", code="unsafe_media_url"
    )


def _content_type(answer: HttpAnswer) -> str | None:
    for key, value in answer.headers.items():
        if key.lower() == "content-type" and value:
            return value.split(";")[0].strip() or None
    return None
