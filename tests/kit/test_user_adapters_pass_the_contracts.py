"""A user's own parrot channel and delivery queue, checked with channelhub's contract suites."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.contracts.channel_sender import ChannelSenderContract
from adapters.contracts.delivery_queue import DeliveryQueueContract
from adapters.contracts.simulator import ProviderSimulator
from adapters.contracts.webhook_parser import WebhookParserContract
from application.channels import ChannelPlugin
from tests.kit.user_adapters.loop_queue import LoopDeliveryQueue
from tests.kit.user_adapters.parrot import ParrotSimulator
from tests.kit.user_adapters.parrot import plugin as parrot


class ParrotFixtures:
    @pytest.fixture
    def plugin(self) -> ChannelPlugin:
        return parrot

    @pytest.fixture
    def simulator(self) -> ParrotSimulator:
        return ParrotSimulator()


class TestParrotWebhooks(ParrotFixtures, WebhookParserContract):
    pass


class TestParrotSending(ParrotFixtures, ChannelSenderContract):
    pass


class TestLoopDeliveryQueue(DeliveryQueueContract):
    @pytest.fixture
    def make_queue(self) -> Any:
        def build(make_handler: Any, *, concurrency: int) -> LoopDeliveryQueue:
            return LoopDeliveryQueue(make_handler, concurrency=concurrency)

        return build


def test_parrot_simulator_has_every_member_the_suites_use() -> None:
    assert isinstance(ParrotSimulator(), ProviderSimulator)


def test_parrot_config_needs_an_api_key_and_generates_the_signing_key() -> None:
    channel, generated = parrot.build_channel({"sender_id": "PARROT", "api_key": "k"})
    assert set(generated) == {"signing_key"}
    assert channel.secret_fields == frozenset({"api_key", "signing_key"})
    assert "k" not in repr(channel)
