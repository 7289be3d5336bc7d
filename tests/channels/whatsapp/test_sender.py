"""What the senders put on the wire, over real HTTP to the simulated Graph API and 360dialog."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from adapters.outbound.channels.whatsapp_360dialog import WhatsApp360DialogSimulator
from adapters.outbound.channels.whatsapp_360dialog import plugin as dialog360_plugin
from adapters.outbound.channels.whatsapp_cloud import WhatsAppCloudSender, WhatsAppCloudSimulator
from adapters.outbound.channels.whatsapp_cloud import plugin as cloud_plugin
from domain.errors import ChannelCredentialsInvalid, ChannelRejected, ChannelUnavailable
from domain.ports.senders import (
    OutboundAttachment,
    OutboundButton,
    OutboundMessage,
    OutboundTemplate,
)

TO = WhatsAppCloudSimulator.recipient_id


def outbound(**parts: Any) -> OutboundMessage:
    return OutboundMessage(message_id="m-1", conversation_id="c-1", recipient_id=TO, **parts)


@pytest.fixture
async def cloud(serve: Any, session: aiohttp.ClientSession) -> Any:
    simulator = WhatsAppCloudSimulator()
    channel, _ = cloud_plugin.build_channel(simulator.channel_config(await serve(simulator.app())))
    return simulator, channel, WhatsAppCloudSender(session)


async def sent_body(cloud: Any, message: OutboundMessage) -> dict[str, Any]:
    simulator, channel, sender = cloud
    receipt = await sender.send(message, channel)
    [received] = simulator.received
    assert receipt.source_id == "wamid.SIM00000001"
    return dict(received.payload)


async def test_a_text_goes_to_the_numbers_messages_endpoint_with_the_bearer_token(
    cloud: Any,
) -> None:
    simulator, channel, sender = cloud
    await sender.send(outbound(content="Thanks, it ships today"), channel)
    [received] = simulator.received
    assert received.headers["Authorization"] == f"Bearer {simulator.access_token}"
    assert received.headers["Content-Type"] == "application/json"
    assert received.payload == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": TO,
        "type": "text",
        "text": {"body": "Thanks, it ships today", "preview_url": False},
    }


async def test_a_link_turns_on_the_preview_and_a_quote_adds_the_context(cloud: Any) -> None:
    body = await sent_body(
        cloud, outbound(content="See https://example.com/track", reply_to_source_id="wamid.IN1")
    )
    assert body["context"] == {"message_id": "wamid.IN1"}
    assert body["text"] == {"body": "See https://example.com/track", "preview_url": True}


@pytest.mark.parametrize(
    ("file_type", "graph_type", "extra"),
    [
        ("image", "image", {"caption": "your receipt"}),
        ("video", "video", {"caption": "your receipt"}),
        ("file", "document", {"caption": "your receipt", "filename": "receipt.pdf"}),
    ],
)
async def test_media_goes_by_link_with_the_text_as_its_caption(
    cloud: Any, file_type: str, graph_type: str, extra: dict[str, str]
) -> None:
    attachment = OutboundAttachment("https://cdn.example.com/r", file_type, "receipt.pdf")
    body = await sent_body(cloud, outbound(content="your receipt", attachments=(attachment,)))
    assert body["type"] == graph_type
    assert body[graph_type] == {"link": "https://cdn.example.com/r", **extra}


@pytest.mark.parametrize("file_type", ["audio", "sticker"])
async def test_audio_and_stickers_go_without_a_caption(cloud: Any, file_type: str) -> None:
    attachment = OutboundAttachment("https://cdn.example.com/a", file_type)
    body = await sent_body(cloud, outbound(attachments=(attachment,)))
    assert body[file_type] == {"link": "https://cdn.example.com/a"}


async def test_up_to_three_buttons_are_reply_buttons(cloud: Any) -> None:
    buttons = (OutboundButton("yes", "Yes"), OutboundButton("no", "No"))
    body = await sent_body(cloud, outbound(content="Confirm the delivery?", buttons=buttons))
    assert body["type"] == "interactive"
    assert body["interactive"] == {
        "type": "button",
        "body": {"text": "Confirm the delivery?"},
        "action": {
            "buttons": [
                {"type": "reply", "reply": {"id": "yes", "title": "Yes"}},
                {"type": "reply", "reply": {"id": "no", "title": "No"}},
            ]
        },
    }


async def test_reply_buttons_may_sit_under_an_image(cloud: Any) -> None:
    image = OutboundAttachment("https://cdn.example.com/p.jpg", "image")
    body = await sent_body(
        cloud,
        outbound(content="This one?", attachments=(image,), buttons=(OutboundButton("y", "Yes"),)),
    )
    assert body["interactive"]["header"] == {
        "type": "image",
        "image": {"link": "https://cdn.example.com/p.jpg"},
    }


async def test_more_than_three_buttons_become_a_list(cloud: Any) -> None:
    buttons = tuple(OutboundButton(f"slot_{i}", f"{i}pm") for i in range(1, 6))
    body = await sent_body(cloud, outbound(content="Pick a slot", buttons=buttons))
    assert body["interactive"] == {
        "type": "list",
        "body": {"text": "Pick a slot"},
        "action": {
            "button": "Choose",
            "sections": [{"rows": [{"id": f"slot_{i}", "title": f"{i}pm"} for i in range(1, 6)]}],
        },
    }


async def test_a_template_carries_name_language_and_body_parameters(cloud: Any) -> None:
    template = OutboundTemplate("order_update", "en_US", ("4711", "today"))
    body = await sent_body(cloud, outbound(content="rendered text", template=template))
    assert body["type"] == "template"
    assert body["template"] == {
        "name": "order_update",
        "language": {"code": "en_US"},
        "components": [
            {
                "type": "body",
                "parameters": [{"type": "text", "text": "4711"}, {"type": "text", "text": "today"}],
            }
        ],
    }


async def test_template_components_pass_through_unchanged(cloud: Any) -> None:
    components = [
        {"type": "header", "parameters": [{"type": "image", "image": {"link": "https://x/i"}}]},
        {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text"}]},
    ]
    template = OutboundTemplate("promo", "de", ("Anna",), {"components": components})
    body = await sent_body(cloud, outbound(template=template))
    assert body["template"]["components"] == [
        {"type": "body", "parameters": [{"type": "text", "text": "Anna"}]},
        *components,
    ]
    assert components[0] == body["template"]["components"][1]  # not rewritten


async def test_mark_read_posts_the_read_status(cloud: Any) -> None:
    simulator, channel, sender = cloud
    await sender.mark_read("wamid.IN7", channel)
    assert simulator.read_marks == ["wamid.IN7"]
    assert simulator.received == []


@pytest.mark.parametrize(
    ("message", "code"),
    [
        (outbound(), "empty_message"),
        (outbound(content="x" * 4097), "text_too_long"),
        (outbound(buttons=(OutboundButton("a", "A"),)), "buttons_without_text"),
        (
            outbound(
                content="hi", buttons=tuple(OutboundButton(str(i), str(i)) for i in range(11))
            ),
            "too_many_buttons",
        ),
        (
            outbound(attachments=(OutboundAttachment("https://a/1", "image"),) * 2),
            "too_many_attachments",
        ),
        (
            outbound(content="hi", attachments=(OutboundAttachment("https://a/1", "audio"),)),
            "caption_not_supported",
        ),
        (
            outbound(content="x" * 1025, attachments=(OutboundAttachment("https://a", "image"),)),
            "caption_too_long",
        ),
        (outbound(attachments=(OutboundAttachment("https://a", "location"),)), "attachment_type"),
        (outbound(attachments=(OutboundAttachment("", "image"),)), "attachment_url"),
        (
            outbound(
                template=OutboundTemplate("t", "en"),
                attachments=(OutboundAttachment("https://a", "image"),),
            ),
            "template_parts",
        ),
    ],
)
async def test_what_whatsapp_cannot_carry_is_refused_before_any_request(
    cloud: Any, message: OutboundMessage, code: str
) -> None:
    simulator, channel, sender = cloud
    with pytest.raises(ChannelRejected) as caught:
        await sender.send(message, channel)
    assert caught.value.code == code
    assert simulator.received == [] and simulator.refused == []


async def test_a_throughput_error_is_retryable_even_though_graph_answers_400(cloud: Any) -> None:
    simulator, channel, sender = cloud
    simulator.fail_next_with_code(130429)
    with pytest.raises(ChannelUnavailable, match="130429"):
        await sender.send(outbound(content="hi"), channel)
    assert (await sender.send(outbound(content="hi"), channel)).source_id


async def test_an_expired_token_is_a_credentials_error(cloud: Any) -> None:
    _, channel, sender = cloud
    revoked, _ = cloud_plugin.build_channel({"access_token": "EAAG-revoked"}, channel)
    with pytest.raises(ChannelCredentialsInvalid) as caught:
        await sender.send(outbound(content="hi"), revoked)
    assert caught.value.code == "190"
    assert "EAAG-revoked" not in str(caught.value)


async def test_a_slow_answer_past_the_timeout_is_worth_retrying(cloud: Any) -> None:
    simulator, channel, _ = cloud
    simulator.delay_next(2.0)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.2)) as impatient:
        with pytest.raises(ChannelUnavailable):
            await WhatsAppCloudSender(impatient).send(outbound(content="hi"), channel)


async def test_360dialog_posts_the_same_body_to_its_messages_endpoint_with_its_key(
    serve: Any, session: aiohttp.ClientSession
) -> None:
    simulator = WhatsApp360DialogSimulator()
    config = simulator.channel_config(await serve(simulator.app()))
    channel, _ = dialog360_plugin.build_channel(config)
    sender = dialog360_plugin.create_sender(session)
    receipt = await sender.send(outbound(content="Hallo"), channel)
    [received] = simulator.received
    assert receipt.source_id == "wamid.SIM00000001"
    assert received.headers["D360-API-KEY"] == simulator.api_key
    assert "Authorization" not in received.headers
    assert received.payload["messaging_product"] == "whatsapp"
    assert received.payload["text"] == {"body": "Hallo", "preview_url": False}


async def test_360dialog_refuses_a_wrong_key_as_a_credentials_error(
    serve: Any, session: aiohttp.ClientSession
) -> None:
    simulator = WhatsApp360DialogSimulator()
    config = simulator.channel_config(await serve(simulator.app()))
    channel, _ = dialog360_plugin.build_channel({**config, "api_key": "stale-key"})
    with pytest.raises(ChannelCredentialsInvalid):
        await dialog360_plugin.create_sender(session).send(outbound(content="hi"), channel)
