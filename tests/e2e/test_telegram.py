"""Telegram end to end: `channelhub serve`, the simulated Bot API, real HTTP both ways."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from adapters.outbound.channels import PLUGINS
from adapters.outbound.channels.telegram.simulator import TelegramSimulator
from adapters.outbound.channels.telegram.simulator_updates import group_chat
from domain.channels import Channel
from tests.e2e.accounts import open_inbox
from tests.e2e.conftest import wait_for
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.slow

ANA = TelegramSimulator.recipient_id
BEN = "444555666"


@pytest.fixture
def telegram(serve):
    simulator = TelegramSimulator()
    with LoopbackServer(simulator.app()) as bot_api:
        server = serve()
        client, base, inbox, channel = open_inbox(
            server, "telegram", simulator.channel_config(bot_api.base_url), "Telegram"
        )
        yield simulator, server, client, base, inbox, channel
        # Whatever happened, the bot token is in no log line and in no URL of ours.
        log = (server.workdir / f"serve-{server.port}.log").read_text()
        assert simulator.bot_token not in log
        assert simulator.bot_token not in inbox["webhook_url"]


def post(request) -> requests.Response:
    return requests.post(request.url, data=request.body, headers=dict(request.headers), timeout=10)


def conversations(client, base):
    return client.call("GET", f"{base}/conversations", 200)["data"]


def messages(client, base, conversation_id):
    return client.call("GET", f"{base}/conversations/{conversation_id}/messages", 200)["data"]


def only_conversation(client, base):
    [conversation] = conversations(client, base)
    return conversation


def reply(client, base, conversation_id, body, expect=201):
    return client.call(
        "POST", f"{base}/conversations/{conversation_id}/messages", expect, json=body
    )


def final(client, base, conversation_id, message_id):
    def settled():
        found = next(m for m in messages(client, base, conversation_id) if m["id"] == message_id)
        return found if found["status"] != "pending" else None

    wait_for(settled, "the message to leave pending")
    return settled()


def ana_says(simulator, channel, inbox, text="Hi, where is my order?"):
    request = simulator.message(
        channel, sender_id=ANA, content={"text": text}, url=inbox["webhook_url"]
    )
    assert post(request).status_code == 200


def test_the_webhook_is_registered_when_the_inbox_is_created(telegram):
    simulator, _, _, _, inbox, channel = telegram
    wait_for(lambda: simulator.webhook is not None, "setWebhook")
    assert simulator.webhook == {
        "url": inbox["webhook_url"],
        "secret_token": channel.get("secret_token"),
        "allowed_updates": [
            "message",
            "edited_message",
            "callback_query",
            "message_reaction",
            "my_chat_member",
        ],
    }


def test_text_in_buttons_out_and_the_tap_is_stored_and_answered(telegram):
    simulator, _, client, base, inbox, channel = telegram
    ana_says(simulator, channel, inbox)
    conversation = only_conversation(client, base)
    [incoming] = messages(client, base, conversation["id"])
    assert (incoming["source_id"], incoming["content"]) == (f"{ANA}:1", "Hi, where is my order?")
    sent = final(
        client,
        base,
        conversation["id"],
        reply(
            client,
            base,
            conversation["id"],
            {
                "content": "It ships today. Shall we deliver to your home address?",
                "content_attributes": {
                    "in_reply_to": incoming["id"],
                    "buttons": [
                        {"id": "home", "title": "Yes, home"},
                        {"id": "shop", "title": "Shop"},
                    ],
                },
            },
        )["id"],
    )
    assert (sent["status"], sent["source_id"]) == ("sent", f"{ANA}:2")
    [received] = simulator.received
    assert received.payload["reply_parameters"]["message_id"] == 1
    assert received.payload["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Yes, home", "callback_data": "home"}],
            [{"text": "Shop", "callback_data": "shop"}],
        ]
    }
    tap = simulator.callback_query(
        channel,
        sender_id=ANA,
        data="home",
        message_source_id=sent["source_id"],
        url=inbox["webhook_url"],
    )
    assert post(tap).status_code == 200
    button = messages(client, base, conversation["id"])[-1]
    assert (button["message_type"], button["content_type"], button["content"]) == (
        "incoming",
        "button_reply",
        "Yes, home",
    )
    assert button["content_attributes"]["button"] == {"id": "home", "title": "Yes, home"}
    assert button["content_attributes"]["in_reply_to"] == sent["id"]
    query_id = button["content_attributes"]["provider_ack"]["callback_query_id"]
    wait_for(lambda: simulator.answered_callbacks == [query_id], "answerCallbackQuery")


def test_a_group_is_one_conversation_with_each_author_kept(telegram):
    simulator, _, client, base, inbox, channel = telegram
    support = group_chat()
    for sender_id, name, text in ((ANA, "Ana", "printer offline"), (BEN, "Ben", "same here")):
        request = simulator.message(
            channel,
            sender_id=sender_id,
            first_name=name,
            content={"text": text},
            chat=support,
            url=inbox["webhook_url"],
        )
        assert post(request).status_code == 200
    conversation = only_conversation(client, base)
    assert conversation["contact"]["name"] == "Support"
    authors = [
        m["content_attributes"]["sender"] for m in messages(client, base, conversation["id"])
    ]
    assert [(a["source_id"], a["name"]) for a in authors] == [(ANA, "Ana"), (BEN, "Ben")]
    # Each author is a contact of their own: two contacts besides the group's.
    contacts = {c["id"]: c["name"] for c in client.call("GET", f"{base}/contacts", 200)["data"]}
    assert [contacts[a["contact_id"]] for a in authors] == ["Ana", "Ben"]
    sent = reply(client, base, conversation["id"], {"content": "looking into it"})
    assert final(client, base, conversation["id"], sent["id"])["status"] == "sent"
    assert simulator.received[-1].recipient_id == str(support["id"])


def test_an_edit_updates_the_content_and_keeps_the_previous_text(telegram):
    simulator, _, client, base, inbox, channel = telegram
    ana_says(simulator, channel, inbox, "order 4711")
    edit = simulator.edited_message(
        channel, message_id=1, sender_id=ANA, text="order 4712", url=inbox["webhook_url"]
    )
    assert post(edit).status_code == 200
    [message] = messages(client, base, only_conversation(client, base)["id"])
    assert message["content"] == "order 4712"
    assert message["content_attributes"]["edits"] == ["order 4711"]


def test_the_same_update_delivered_concurrently_is_stored_once(telegram):
    simulator, _, client, base, inbox, channel = telegram
    request = simulator.message(
        channel, sender_id=ANA, content={"text": "once"}, url=inbox["webhook_url"]
    )
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(post, simulator.duplicated(request, times=8)))
    assert {a.status_code for a in answers} == {200}
    assert len(messages(client, base, only_conversation(client, base)["id"])) == 1


def test_a_wrong_secret_token_stores_nothing_and_unknown_updates_are_answered(telegram):
    simulator, _, client, base, inbox, channel = telegram
    forged = Channel("telegram", {**channel.config, "secret_token": "not-the-secret"})
    request = simulator.message(
        forged, sender_id=ANA, content={"text": "x"}, url=inbox["webhook_url"]
    )
    assert post(request).status_code == 401
    unknown = simulator.update(
        channel, "chat_boost", {"chat": group_chat()}, url=inbox["webhook_url"]
    )
    assert post(unknown).status_code == 200
    assert post(simulator.channel_post(channel, text="news", url=inbox["webhook_url"])).ok
    assert conversations(client, base) == []


def test_flood_control_is_waited_out_and_the_message_ends_sent(telegram):
    simulator, _, client, base, inbox, channel = telegram
    ana_says(simulator, channel, inbox)
    conversation = only_conversation(client, base)
    simulator.fail_next(429, retry_after=2)
    throttled = reply(client, base, conversation["id"], {"content": "one moment"})
    assert final(client, base, conversation["id"], throttled["id"])["status"] == "sent"
    sends = [c for c in simulator.calls if c.method == "sendMessage"]
    assert len(sends) == 2


def test_a_burst_of_replies_keeps_to_the_bots_send_rate(telegram):
    simulator, server, client, base, inbox, channel = telegram
    ana_says(simulator, channel, inbox)
    conversation = only_conversation(client, base)
    url = f"{server.base_url}{base}/conversations/{conversation['id']}/messages"
    headers = dict(client.session.headers)

    def post_reply(number: int) -> str:
        answer = requests.post(
            url, json={"content": f"update {number}"}, headers=headers, timeout=10
        )
        assert answer.status_code == 201, answer.text
        return str(answer.json()["id"])

    rate = next(plugin for plugin in PLUGINS if plugin.slug == "telegram").send_rate
    assert rate is not None
    burst = rate.sends + 60  # two seconds of sends beyond the first allowance
    with ThreadPoolExecutor(8) as pool:
        posted = list(pool.map(post_reply, range(burst)))
    path = f"{base}/conversations/{conversation['id']}/messages?limit=100"

    def all_settled() -> list[str] | None:
        ours = [m for m in client.call("GET", path, 200)["data"] if m["id"] in posted]
        return None if any(m["status"] == "pending" for m in ours) else [m["status"] for m in ours]

    wait_for(all_settled, "every reply to leave pending")
    assert all_settled() == ["sent"] * burst
    arrivals = sorted(call.at for call in simulator.calls if call.method == "sendMessage")
    assert len(arrivals) == burst
    # The bot's first `sends` may go at once; each later one waits its turn, one spacing after
    # the one before (less some slack: a send may go 50 ms early, and the first one's own trip
    # to the simulator may take a while on a busy machine).
    spacing, slack = rate.per_seconds / rate.sends, 0.3
    for turn, at in enumerate(arrivals[rate.sends :], start=1):
        assert at >= arrivals[0] + turn * spacing - slack, (turn, at - arrivals[0])


def test_a_blocked_bot_fails_the_message_and_refuses_the_next_send(telegram):
    simulator, _, client, base, inbox, channel = telegram
    ana_says(simulator, channel, inbox)
    conversation = only_conversation(client, base)
    simulator.fail_next(403)
    blocked = reply(client, base, conversation["id"], {"content": "hello?"})
    failed = final(client, base, conversation["id"], blocked["id"])
    assert failed["status"] == "failed"
    assert failed["external_error"] == "403: Forbidden: bot was blocked by the user"
    refused = client.session.post(
        client.base + f"{base}/conversations/{conversation['id']}/messages",
        json={"content": "anyone?"},
        timeout=10,
    )
    assert refused.status_code == 422
    assert refused.json()["type"].endswith("contact-unreachable")


def test_a_group_that_became_a_supergroup_is_readdressed_and_the_send_retried(telegram):
    simulator, _, client, base, inbox, channel = telegram
    basic = {"id": -4455667788, "type": "group", "title": "Ops"}
    request = simulator.message(
        channel, sender_id=ANA, content={"text": "help"}, chat=basic, url=inbox["webhook_url"]
    )
    assert post(request).status_code == 200
    conversation = only_conversation(client, base)
    simulator.fail_next_migrated(-1001122334455)
    moved = reply(client, base, conversation["id"], {"content": "on it"})
    sent = final(client, base, conversation["id"], moved["id"])
    assert (sent["status"], sent["source_id"]) == ("sent", "-1001122334455:1")
    assert [m.recipient_id for m in simulator.received] == ["-1001122334455"]


def test_blocking_and_unblocking_the_bot_is_recorded_on_the_contact(telegram):
    simulator, _, client, base, inbox, channel = telegram
    ana_says(simulator, channel, inbox)
    conversation = only_conversation(client, base)
    private = {"id": int(ANA), "type": "private", "first_name": "Ana"}
    blocked = simulator.my_chat_member(
        channel, chat=private, status="kicked", url=inbox["webhook_url"]
    )
    assert post(blocked).status_code == 200
    reply(client, base, conversation["id"], {"content": "still there?"}, expect=422)
    unblocked = simulator.my_chat_member(
        channel, chat=private, status="member", old_status="kicked", url=inbox["webhook_url"]
    )
    assert post(unblocked).status_code == 200
    reply(client, base, conversation["id"], {"content": "welcome back"})


def test_a_reaction_to_our_message_is_stored_against_it(telegram):
    simulator, _, client, base, inbox, channel = telegram
    ana_says(simulator, channel, inbox)
    conversation = only_conversation(client, base)
    sent = final(
        client,
        base,
        conversation["id"],
        reply(client, base, conversation["id"], {"content": "shipped"})["id"],
    )
    for emoji in ("👍", None):
        request = simulator.reaction(
            channel,
            sender_id=ANA,
            message_source_id=sent["source_id"],
            emoji=emoji,
            url=inbox["webhook_url"],
        )
        assert post(request).status_code == 200
    reactions = [
        m for m in messages(client, base, conversation["id"]) if m["content_type"] == "reaction"
    ]
    assert [r["content"] for r in reactions] == ["👍", ""]
    assert {r["content_attributes"]["in_reply_to"] for r in reactions} == {sent["id"]}
