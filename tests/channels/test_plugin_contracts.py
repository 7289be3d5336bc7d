"""Every registered channel plugin keeps the parser and sender contracts, through its simulator.

A plugin added to `PLUGINS` is enrolled here without touching this file.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from adapters.contracts.channel_sender import ChannelSenderContract
from adapters.contracts.simulator import ProviderSimulator
from adapters.contracts.webhook_parser import WebhookParserContract
from adapters.outbound.channels import PLUGINS
from adapters.outbound.http_client import create_client_session
from application.channels import ChannelPlugin


@pytest.fixture(params=PLUGINS, ids=lambda plugin: plugin.slug)
def plugin(request: pytest.FixtureRequest) -> ChannelPlugin:
    found: ChannelPlugin = request.param
    return found


@pytest.fixture
def simulator(plugin: ChannelPlugin) -> Any:
    assert plugin.create_simulator is not None, f"{plugin.slug} has no simulator"
    return plugin.create_simulator()


class TestWebhookParsers(WebhookParserContract):
    pass


class TestChannelSenders(ChannelSenderContract):
    @pytest.fixture
    def create_session(self) -> Any:
        # The session the delivery worker really uses.
        return create_client_session


def test_slugs_are_unique_url_segments() -> None:
    slugs = [plugin.slug for plugin in PLUGINS]
    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9_]+", slug) for slug in slugs)


def test_every_plugin_ships_a_simulator_the_suites_can_drive(plugin: ChannelPlugin) -> None:
    assert plugin.create_simulator is not None
    assert isinstance(plugin.create_simulator(), ProviderSimulator)
