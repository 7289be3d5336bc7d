"""What the sender puts on the wire, over real HTTP to the simulated Messages API: the exact
form, HTTP Basic, and each Twilio refusal as the port's error."""

from __future__ import annotations

import base64
import json
from typing import Any

import aiohttp
import pytest

from adapters.outbound.channels.twilio import TwilioSender, TwilioSimulator, plugin
from domain.errors import (
    ChannelCredentialsInvalid,
    ChannelRejected,
    ChannelUnavailable,
    RecipientUnreachable,
)
from domain.ports.senders import OutboundAttachment, OutboundMessage, OutboundTemplate

CALLBACK = "https://hub.example.com/webhooks/twilio/k3y"


def outbound(simulator: TwilioSimulator, **parts: Any) -> OutboundMessage:
    return OutboundMessage(
        message_id="m-1", conversation_id="c-1", recipient_id=simulator.recipient_id, **parts
    )


async def provider(
    serve: Any, session: aiohttp.ClientSession, medium: str = "sms", **options: Any
) -> Any:
    simulator = TwilioSimulator(medium, **options)
    channel, _ = plugin.build_channel(simulator.channel_config(await serve(simulator.app())))
    return simulator, channel, TwilioSender(session)


@pytest.fixture
async def sms(serve: Any, session: aiohttp.ClientSession) -> Any:
    return await provider(serve, session)


@pytest.fixture
async def whatsapp(serve: Any, session: aiohttp.ClientSession) -> Any:
    return await provider(serve, session, "whatsapp")


async def test_an_sms_is_one_form_post_with_basic_auth_and_the_status_callback(sms: Any) -> None:
    simulator, channel, sender = sms
    receipt = await sender.send(
        outbound(simulator, content="Your order ships today ✓", status_callback_url=CALLBACK),
        channel,
    )
    [received] = simulator.received
    assert receipt.source_id == simulator.sids[0]
    assert receipt.source_id.startswith("SM")
    assert received.payload == [
        ("To", "+447700900123"),
        ("From", "+15550001111"),
        ("Body", "Your order ships today ✓"),
        ("StatusCallback", CALLBACK),
    ]
    credentials = f"{simulator.account_sid}:{simulator.auth_token}".encode()
    assert received.headers["Authorization"] == "Basic " + base64.b64encode(credentials).decode()
    assert received.headers["Content-Type"] == "application/x-www-form-urlencoded"


async def test_a_whatsapp_message_goes_between_prefixed_addresses(whatsapp: Any) -> None:
    simulator, channel, sender = whatsapp
    await sender.send(outbound(simulator, content="Hi Dana"), channel)
    assert simulator.received[0].payload == [
        ("To", "whatsapp:+447700900123"),
        ("From", "whatsapp:+15550001111"),
        ("Body", "Hi Dana"),
    ]


async def test_a_contact_started_by_bare_number_still_gets_the_whatsapp_prefix(
    whatsapp: Any,
) -> None:
    simulator, channel, sender = whatsapp
    message = OutboundMessage("m-1", "c-1", recipient_id="+447700900123", content="Hi")
    await sender.send(message, channel)
    assert simulator.received[0].recipient_id == "whatsapp:+447700900123"


async def test_a_messaging_service_sends_instead_of_a_from_number(
    serve: Any, session: aiohttp.ClientSession
) -> None:
    simulator, channel, sender = await provider(serve, session, messaging_service=True)
    await sender.send(outbound(simulator, content="via the pool"), channel)
    assert simulator.received[0].payload == [
        ("To", "+447700900123"),
        ("MessagingServiceSid", simulator.messaging_service_sid),
        ("Body", "via the pool"),
    ]


async def test_media_go_as_repeated_media_urls(sms: Any) -> None:
    simulator, channel, sender = sms
    attachments = (
        OutboundAttachment("https://cdn.example.com/a.jpg", "image"),
        OutboundAttachment("https://cdn.example.com/b.pdf", "file", "b.pdf"),
    )
    receipt = await sender.send(
        outbound(simulator, content="two files", attachments=attachments), channel
    )
    assert receipt.source_id.startswith("MM")
    assert simulator.received[0].payload[2:] == [
        ("Body", "two files"),
        ("MediaUrl", "https://cdn.example.com/a.jpg"),
        ("MediaUrl", "https://cdn.example.com/b.pdf"),
    ]


async def test_a_template_goes_by_content_sid_with_numbered_variables(whatsapp: Any) -> None:
    simulator, channel, sender = whatsapp
    template = OutboundTemplate("HXb5b62575e6e4ff6129ad7c8efe1f983e", "en", ("Dana", "4711"))
    await sender.send(outbound(simulator, template=template), channel)
    payload = simulator.received[0].payload
    assert payload[2:] == [
        ("ContentSid", "HXb5b62575e6e4ff6129ad7c8efe1f983e"),
        ("ContentVariables", '{"1": "Dana", "2": "4711"}'),
    ]
    assert "Body" not in dict(payload)


@pytest.mark.parametrize(
    "given", [{"1": "12/1", "date": "tomorrow"}, '{"1":"12/1","date":"tomorrow"}']
)
async def test_content_variables_from_provider_params_go_through_unchanged(
    whatsapp: Any, given: object
) -> None:
    simulator, channel, sender = whatsapp
    template = OutboundTemplate("HX1", "en", ("ignored",), {"ContentVariables": given})
    await sender.send(outbound(simulator, template=template), channel)
    sent = dict(simulator.received[0].payload)["ContentVariables"]
    assert json.loads(sent) == {"1": "12/1", "date": "tomorrow"}


async def test_a_template_without_parameters_has_no_variables(whatsapp: Any) -> None:
    simulator, channel, sender = whatsapp
    await sender.send(outbound(simulator, template=OutboundTemplate("HX2", "en")), channel)
    assert simulator.received[0].payload[2:] == [("ContentSid", "HX2")]


async def test_content_variables_that_are_no_object_are_refused_before_sending(
    whatsapp: Any,
) -> None:
    simulator, channel, sender = whatsapp
    template = OutboundTemplate("HX3", "en", (), {"ContentVariables": ["a"]})
    with pytest.raises(ChannelRejected, match="ContentVariables"):
        await sender.send(outbound(simulator, template=template), channel)
    assert not simulator.received


@pytest.mark.parametrize(
    ("code", "error_type"),
    [
        (21211, ChannelRejected),
        (21614, ChannelRejected),
        (21408, ChannelRejected),
        (63016, ChannelRejected),
        (21610, RecipientUnreachable),
        (20003, ChannelCredentialsInvalid),
        (20429, ChannelUnavailable),
    ],
)
@pytest.mark.parametrize("problem", [False, True], ids=["legacy", "rfc9457"])
async def test_twilio_error_codes(
    sms: Any, code: int, error_type: type[Exception], problem: bool
) -> None:
    simulator, channel, sender = sms
    simulator.fail_next_with_code(code, problem=problem)
    with pytest.raises(error_type) as caught:
        await sender.send(outbound(simulator, content="hi"), channel)
    assert type(caught.value) is error_type
    assert str(caught.value).startswith(f"{code}: ")
    assert not simulator.received


async def test_too_many_requests_honours_retry_after(sms: Any) -> None:
    simulator, channel, sender = sms
    simulator.fail_next(429, retry_after=12)
    with pytest.raises(ChannelUnavailable) as caught:
        await sender.send(outbound(simulator, content="hi"), channel)
    assert caught.value.retry_after == 12
    assert str(caught.value).startswith("20429: ")


async def test_an_unsubscribed_contact_is_unreachable_until_it_opts_back_in(sms: Any) -> None:
    simulator, channel, sender = sms
    simulator.unsubscribe(simulator.recipient_id)
    with pytest.raises(RecipientUnreachable, match="21610"):
        await sender.send(outbound(simulator, content="hi"), channel)
    simulator.resubscribe(simulator.recipient_id)
    assert (await sender.send(outbound(simulator, content="hi"), channel)).source_id


async def test_a_wrong_auth_token_is_refused_as_invalid_credentials(sms: Any, serve: Any) -> None:
    simulator, channel, sender = sms
    wrong, _ = plugin.build_channel({**channel.config, "auth_token": "wrong"})
    with pytest.raises(ChannelCredentialsInvalid) as caught:
        await sender.send(outbound(simulator, content="hi"), wrong)
    assert "wrong" not in str(caught.value)
    assert not simulator.received


async def test_the_simulator_refuses_what_twilio_refuses(whatsapp: Any) -> None:
    simulator, channel, sender = whatsapp
    long_text = "x" * 1601
    with pytest.raises(ChannelRejected, match="21617"):
        await sender.send(outbound(simulator, content=long_text), channel)
    with pytest.raises(ChannelRejected, match="21211"):
        await sender.send(
            OutboundMessage("m", "c", recipient_id="whatsapp:12345", content="hi"), channel
        )
    with pytest.raises(ChannelRejected, match="21602"):
        await sender.send(outbound(simulator), channel)
    assert not simulator.received
    assert len(simulator.refused) == 3
