"""Providers that call one URL for many inboxes (Meta: one callback per app) are routed."""

from __future__ import annotations

import pytest

from application.channels import ChannelRegistry
from application.inboxes import InboxLookup
from application.management import ManageInboxes
from application.ports import CollectingEventPublisher
from application.queries import Queries
from application.webhooks import AnswerHandshake, ReceiveWebhook
from domain.errors import NotFound, WebhookRejected
from domain.ports.webhooks import InboundRequest
from tests.application.fakes import routed_plugin, scripted_plugin, webhook


@pytest.fixture
def routed(world):
    registry = ChannelRegistry([routed_plugin(), scripted_plugin()])
    manage = ManageInboxes(world.uow_factory, registry, world.clock)

    def inbox(number, token="good"):
        return manage.create(
            world.account_id,
            {"name": number, "channel": {"type": "routed", "number": number, "token": token}},
        ).inbox

    lookup = InboxLookup(world.uow_factory, world.clock, ttl_seconds=0)
    receive = ReceiveWebhook(
        world.uow_factory, registry, world.clock, CollectingEventPublisher(), lookup
    )
    queries = Queries(world.uow_factory, registry, world.clock)
    return inbox, receive, AnswerHandshake(lookup, registry), queries, world


def texts(queries, account_id, inbox):
    views = queries.conversations(account_id, inbox_id=inbox.id).items
    return sorted(
        m.content for v in views for m in queries.messages(account_id, v.conversation.id).items
    )


def test_a_payload_for_two_numbers_reaches_both_inboxes(routed):
    inbox, receive, _, queries, world = routed
    a, b = inbox("111"), inbox("222")
    receive(
        "routed",
        a.inbox_key,
        webhook(
            {"kind": "text", "id": "m1", "to": "111", "text": "for a"},
            {"kind": "text", "id": "m2", "to": "222", "text": "for b"},
        ),
    )
    assert texts(queries, world.account_id, a) == ["for a"]
    assert texts(queries, world.account_id, b) == ["for b"]


def test_a_payload_for_another_number_goes_to_that_inbox(routed):
    inbox, receive, _, queries, world = routed
    a, b = inbox("111"), inbox("222")
    receive(
        "routed", a.inbox_key, webhook({"kind": "text", "id": "m1", "to": "222", "text": "for b"})
    )
    assert texts(queries, world.account_id, a) == []
    assert texts(queries, world.account_id, b) == ["for b"]


def test_an_inbox_whose_secret_does_not_verify_is_not_a_target(routed):
    inbox, receive, _, queries, world = routed
    a, b = inbox("111"), inbox("222", token="other-app")
    receive(
        "routed",
        a.inbox_key,
        webhook({"kind": "text", "id": "m1", "to": "222", "text": "forged for b"}),
    )
    assert texts(queries, world.account_id, b) == []


def test_the_provider_level_url_routes_by_payload_alone(routed):
    inbox, receive, _, queries, world = routed
    a = inbox("111")
    receive("routed", None, webhook({"kind": "text", "id": "m1", "to": "111", "text": "hi"}))
    assert texts(queries, world.account_id, a) == ["hi"]
    with pytest.raises(NotFound):
        receive("routed", None, webhook({"kind": "text", "id": "m2", "to": "999", "text": "x"}))
    with pytest.raises(WebhookRejected):
        receive(
            "routed",
            None,
            webhook({"kind": "text", "id": "m3", "to": "111", "text": "x"}, token="forged"),
        )
    assert texts(queries, world.account_id, a) == ["hi"]


def test_types_without_a_route_field_have_no_provider_level_url(routed):
    _, receive, handshake, _, _ = routed
    with pytest.raises(NotFound):
        receive("scripted", None, webhook())
    with pytest.raises(NotFound):
        handshake("scripted", None, webhook())


def test_the_provider_level_handshake_is_answered_by_a_matching_inbox(routed):
    inbox, _, handshake, _, _ = routed
    inbox("111", token="t1")
    inbox("222", token="t2")

    def ask(token):
        return handshake(
            "routed",
            None,
            InboundRequest.build(
                "GET", "http://x/", {}, query={"token": token, "challenge": "c-42"}
            ),
        )

    assert ask("t2").body == b"c-42"
    with pytest.raises(WebhookRejected):
        ask("nobody's")
