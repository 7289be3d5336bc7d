"""The contract every channel plugin's `ChannelSender` keeps: real HTTP on loopback to its
simulator, which the suite serves itself with aiohttp's test server.

Subclass it and provide the `plugin` and `simulator` fixtures, as for `WebhookParserContract`.
Override `create_session` to run the suite with your own `aiohttp.ClientSession` settings.
The tests are synchronous (each runs its own event loop), so no pytest async plugin is needed.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from adapters.contracts.simulator import ProviderSimulator
from application.channels import ChannelPlugin
from domain.channels import Channel
from domain.errors import ChannelRejected, ChannelUnavailable
from domain.ports.senders import ChannelSender, DeliveryReceipt, OutboundMessage

T = TypeVar("T")
Scenario = Callable[[ChannelSender, Channel], Awaitable[T]]
SessionFactory = Callable[[], aiohttp.ClientSession]
TEXT = "Hello from the contract suite: café ✓"


def text_message(simulator: ProviderSimulator, text: str = TEXT) -> OutboundMessage:
    return OutboundMessage(
        message_id="2001",
        conversation_id="3001",
        recipient_id=simulator.recipient_id,
        content=text,
    )


def closed_port() -> int:
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class ChannelSenderContract:
    @pytest.fixture
    def create_session(self) -> SessionFactory:
        return lambda: aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))

    def run(
        self,
        plugin: ChannelPlugin,
        simulator: ProviderSimulator,
        create_session: SessionFactory,
        scenario: Scenario[T],
        *,
        base_url: str | None = None,
    ) -> T:
        """Serve the simulator, build the channel against it (or `base_url`) and play `scenario`."""

        async def play() -> T:
            server = TestServer(simulator.app(), host="127.0.0.1")
            await server.start_server()
            try:
                config = simulator.channel_config(base_url or str(server.make_url("")))
                channel, _ = plugin.build_channel(config)
                async with create_session() as session:
                    return await scenario(plugin.create_sender(session), channel)
            finally:
                await server.close()

        return asyncio.run(play())

    def test_a_text_message_is_delivered_with_a_receipt(
        self, plugin: ChannelPlugin, simulator: ProviderSimulator, create_session: SessionFactory
    ) -> None:
        async def scenario(sender: ChannelSender, channel: Channel) -> DeliveryReceipt:
            return await sender.send(text_message(simulator), channel)

        receipt = self.run(plugin, simulator, create_session, scenario)
        assert isinstance(receipt, DeliveryReceipt)
        assert receipt.source_id, "the provider's id is what status webhooks refer to"
        delivered = [(m.recipient_id, m.text) for m in simulator.received]
        assert delivered == [(simulator.recipient_id, TEXT)]

    def test_a_server_error_is_worth_retrying(
        self, plugin: ChannelPlugin, simulator: ProviderSimulator, create_session: SessionFactory
    ) -> None:
        simulator.fail_next(500)

        async def scenario(sender: ChannelSender, channel: Channel) -> Any:
            with pytest.raises(ChannelUnavailable):
                await sender.send(text_message(simulator), channel)
            assert not simulator.received
            return await sender.send(text_message(simulator), channel)

        assert self.run(plugin, simulator, create_session, scenario).source_id
        assert len(simulator.received) == 1

    def test_too_many_requests_honours_retry_after(
        self, plugin: ChannelPlugin, simulator: ProviderSimulator, create_session: SessionFactory
    ) -> None:
        simulator.fail_next(429, retry_after=7)

        async def scenario(sender: ChannelSender, channel: Channel) -> ChannelUnavailable:
            with pytest.raises(ChannelUnavailable) as caught:
                await sender.send(text_message(simulator), channel)
            return caught.value

        assert self.run(plugin, simulator, create_session, scenario).retry_after == 7

    def test_a_refusal_is_final(
        self, plugin: ChannelPlugin, simulator: ProviderSimulator, create_session: SessionFactory
    ) -> None:
        simulator.fail_next(400)

        async def scenario(sender: ChannelSender, channel: Channel) -> None:
            with pytest.raises(ChannelRejected):
                await sender.send(text_message(simulator), channel)

        self.run(plugin, simulator, create_session, scenario)
        assert not simulator.received

    def test_an_unreachable_provider_is_worth_retrying(
        self, plugin: ChannelPlugin, simulator: ProviderSimulator, create_session: SessionFactory
    ) -> None:
        async def scenario(sender: ChannelSender, channel: Channel) -> None:
            with pytest.raises(ChannelUnavailable):
                await sender.send(text_message(simulator), channel)

        base_url = f"http://127.0.0.1:{closed_port()}"
        self.run(plugin, simulator, create_session, scenario, base_url=base_url)
