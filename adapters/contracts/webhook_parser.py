"""The contract every channel plugin's `WebhookParser` keeps, checked through its simulator.

Subclass it in a test module and provide two fixtures (in the class or a conftest.py):
`plugin` (the `ChannelPlugin`) and `simulator` (its `ProviderSimulator`):

    class TestMyParser(WebhookParserContract):
        @pytest.fixture
        def plugin(self):
            return my_plugin

        @pytest.fixture
        def simulator(self, plugin):
            return plugin.create_simulator()

Ids the suite passes are strings of decimal digits, which every provider can carry; the
contact is the simulator's own `recipient_id`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.contracts.simulator import ProviderSimulator
from application.channels import ChannelPlugin
from domain.channels import Channel
from domain.errors import MalformedWebhook, WebhookRejected
from domain.messages import MessageStatus
from domain.ports.webhooks import (
    Ignored,
    InboundRequest,
    IncomingMessage,
    MessageDeleted,
    MessageEdited,
    ReactionReceived,
    StatusUpdate,
)

EVENT_TYPES = (
    IncomingMessage,
    StatusUpdate,
    MessageEdited,
    MessageDeleted,
    ReactionReceived,
    Ignored,
)
SOURCE_ID = "1001"
TEXT = "Hello from the contract suite: café ✓"
# Where the suite points senders when it does not serve the simulator (nothing listens there).
OFFLINE_BASE_URL = "http://127.0.0.1:9"

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def mutations(doc: Any) -> st.SearchStrategy[Any]:
    """`doc` with one node replaced (by a value of its own type, or any JSON value), one key
    added or removed, or one item removed: near misses reach deeper than random documents."""
    options: list[st.SearchStrategy[Any]] = [JSON_VALUES, _same_type(doc)]
    if isinstance(doc, dict):
        options.append(st.builds(_put, st.just(doc), st.text(max_size=12), JSON_VALUES))
        for key, value in doc.items():
            options.append(mutations(value).map(_put_key(doc, key)))
            options.append(st.just({k: v for k, v in doc.items() if k != key}))
    if isinstance(doc, list):
        for i, value in enumerate(doc):
            options.append(mutations(value).map(_put_item(doc, i)))
            options.append(st.just(doc[:i] + doc[i + 1 :]))
    return st.one_of(options)


def _same_type(value: Any) -> st.SearchStrategy[Any]:
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.integers()
    if isinstance(value, float):
        return st.floats(allow_nan=False)  # NaN != NaN would fail the purity check
    if isinstance(value, str):
        return st.text(max_size=30) | st.sampled_from(["", " ", "0", "-1", "null", "é" * 3])
    return st.just(value)


def _put(doc: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    return {**doc, key: value}


def _put_key(doc: dict[str, Any], key: str) -> Callable[[Any], dict[str, Any]]:
    return lambda value: {**doc, key: value}


def _put_item(doc: list[Any], index: int) -> Callable[[Any], list[Any]]:
    return lambda value: [*doc[:index], value, *doc[index + 1 :]]


def garbage_bodies(valid: list[bytes]) -> st.SearchStrategy[bytes]:
    """Random bytes and JSON, and near misses of valid bodies (JSON or form-encoded)."""
    options: list[st.SearchStrategy[bytes]] = [
        st.binary(max_size=200),
        JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    ]
    for body in valid:
        try:
            doc = json.loads(body)
        except ValueError:
            form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
            options.append(
                mutations(form).map(
                    lambda v: urlencode(v).encode() if isinstance(v, dict) else str(v).encode()
                )
            )
        else:
            options.append(mutations(doc).map(lambda v: json.dumps(v).encode()))
    return st.one_of(options)


def stored_source_id(simulator: ProviderSimulator, source_id: str, sender_id: str) -> str:
    """The `source_id` a parser gives the message `incoming_message` made with `source_id`: the
    same, unless the provider numbers messages per chat and the simulator says how its plugin
    qualifies them (an optional `message_source_id(source_id, sender_id)` method; Telegram's
    is `<chat id>:<message id>`)."""
    qualify = getattr(simulator, "message_source_id", None)
    return str(qualify(source_id, sender_id)) if callable(qualify) else source_id


def _outcome(plugin: ChannelPlugin, request: InboundRequest, channel: Channel) -> Any:
    try:
        return plugin.parser.parse(request, channel)
    except MalformedWebhook as exc:
        return ("malformed", str(exc))


class WebhookParserContract:
    @pytest.fixture
    def channel(self, plugin: ChannelPlugin, simulator: ProviderSimulator) -> Channel:
        built, _ = plugin.build_channel(simulator.channel_config(OFFLINE_BASE_URL))
        return built

    def incoming(self, simulator: ProviderSimulator, channel: Channel) -> InboundRequest:
        return simulator.incoming_message(
            channel, source_id=SOURCE_ID, sender_id=simulator.recipient_id, text=TEXT
        )

    def test_a_signed_webhook_is_accepted(
        self, plugin: ChannelPlugin, simulator: ProviderSimulator, channel: Channel
    ) -> None:
        plugin.parser.verify(self.incoming(simulator, channel), channel)

    def test_a_tampered_body_is_rejected(
        self, plugin: ChannelPlugin, simulator: ProviderSimulator, channel: Channel
    ) -> None:
        if not simulator.signs_body:
            pytest.skip("this provider's webhook authentication does not cover the body")
        request = self.incoming(simulator, channel)
        tampered = replace(request, body=request.body.replace(SOURCE_ID.encode(), b"1002"))
        assert tampered.body != request.body, "the body should carry the message id"
        with pytest.raises(WebhookRejected):
            plugin.parser.verify(tampered, channel)

    def test_a_webhook_without_its_authentication_is_rejected(
        self, plugin: ChannelPlugin, simulator: ProviderSimulator, channel: Channel
    ) -> None:
        request = self.incoming(simulator, channel)
        headers = {k: v for k, v in request.headers.items() if k not in simulator.auth_headers}
        assert headers != request.headers, "auth_headers names no header of the request"
        with pytest.raises(WebhookRejected):
            plugin.parser.verify(replace(request, headers=headers), channel)

    def test_a_webhook_signed_with_other_secrets_is_rejected(
        self, plugin: ChannelPlugin, simulator: ProviderSimulator, channel: Channel
    ) -> None:
        assert channel.secret_fields, "a channel whose webhooks are verified has a secret"
        forged = Channel(
            channel.type,
            {**channel.config, **{k: f"not-{channel.config[k]}" for k in channel.secret_fields}},
            channel.secret_fields,
        )
        with pytest.raises(WebhookRejected):
            plugin.parser.verify(self.incoming(simulator, forged), channel)

    def test_an_incoming_message_is_parsed(
        self, plugin: ChannelPlugin, simulator: ProviderSimulator, channel: Channel
    ) -> None:
        events = plugin.parser.parse(self.incoming(simulator, channel), channel)
        [message] = [e for e in events if isinstance(e, IncomingMessage)]
        assert message.source_id == stored_source_id(simulator, SOURCE_ID, simulator.recipient_id)
        assert message.sender.source_id == simulator.recipient_id
        assert message.content == TEXT

    @pytest.mark.parametrize("status", ["delivered", "read", "failed"])
    def test_a_status_update_is_parsed(
        self, plugin: ChannelPlugin, simulator: ProviderSimulator, channel: Channel, status: str
    ) -> None:
        request = simulator.status_update(channel, source_id=SOURCE_ID, status=status)
        if request is None:
            pytest.skip(f"this provider sends no {status!r} status")
        plugin.parser.verify(request, channel)
        events = plugin.parser.parse(request, channel)
        [update] = [e for e in events if isinstance(e, StatusUpdate)]
        assert (update.source_id, update.status) == (SOURCE_ID, MessageStatus(status))

    def test_parsing_is_pure(
        self, plugin: ChannelPlugin, simulator: ProviderSimulator, channel: Channel
    ) -> None:
        request = self.incoming(simulator, channel)
        assert plugin.parser.parse(request, channel) == plugin.parser.parse(request, channel)

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def test_garbage_after_a_valid_signature_is_malformed_or_events(
        self, plugin: ChannelPlugin, simulator: ProviderSimulator, channel: Channel, data: Any
    ) -> None:
        valid = [self.incoming(simulator, channel).body]
        status = simulator.status_update(channel, source_id=SOURCE_ID, status="delivered")
        if status is not None:
            valid.append(status.body)
        body = data.draw(garbage_bodies(valid), label="body")
        request = simulator.signed_request(channel, body)
        try:
            plugin.parser.verify(request, channel)
        except (WebhookRejected, MalformedWebhook):
            return
        outcome = _outcome(plugin, request, channel)
        if isinstance(outcome, list):
            assert all(isinstance(e, EVENT_TYPES) for e in outcome), outcome
        assert _outcome(plugin, request, channel) == outcome, "parse must be pure"
