"""Calls a provider expects after an event was received (Telegram's answerCallbackQuery)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from application.channels import FollowUp
from application.delivery import DeliveryOutcome, RetryPolicy
from application.ports import UnitOfWorkFactory
from domain.channels import Channel
from domain.errors import ChannelRejected, ChannelUnavailable
from domain.ports.clock import Clock

log = logging.getLogger(__name__)


class RunFollowUp:
    """One attempt (a job keyed by message id). Best effort: retried while the provider is
    unavailable, not across restarts, since the provider's own deadline is short."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        follow_ups: Callable[[str], FollowUp | None],
        clock: Clock,
        policy: RetryPolicy,
    ) -> None:
        self.uow_factory = uow_factory
        self.follow_ups = follow_ups
        self.clock = clock
        self.policy = policy
        self._attempts: dict[str, int] = {}

    async def __call__(self, message_id: str) -> DeliveryOutcome:
        found = await asyncio.to_thread(self._load, message_id)
        follow_up = self.follow_ups(found[1].type) if found else None
        if found is None or follow_up is None:
            return DeliveryOutcome("skipped")
        ack, channel = found
        try:
            await follow_up(ack, channel)
        except ChannelUnavailable as exc:
            attempt = self._attempts.get(message_id, 0) + 1
            if not self.policy.gives_up_after(attempt):
                self._attempts[message_id] = attempt
                delay = self.policy.delay(attempt, exc.retry_after)
                retry_at = self.clock.now() + timedelta(seconds=delay)
                return DeliveryOutcome("retry", retry_at, str(exc))
            log.warning("follow-up for message %s given up: %s", message_id, exc)
        except ChannelRejected as exc:
            log.warning("follow-up for message %s refused: %s", message_id, exc)
        self._attempts.pop(message_id, None)
        return DeliveryOutcome("done")

    def _load(self, message_id: str) -> tuple[dict[str, Any], Channel] | None:
        with self.uow_factory() as uow:
            message = uow.messages.get_for_update(message_id)
            inbox = uow.inboxes.by_id(message.inbox_id) if message else None
        ack = message.content_attributes.get("provider_ack") if message else None
        if inbox is None or not isinstance(ack, dict):
            return None
        return ack, inbox.channel
