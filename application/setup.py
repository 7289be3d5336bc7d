"""Telling providers where our webhooks are (Telegram's setWebhook), when an inbox is saved."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from application.channels import WebhookRegistrar
from application.delivery import DeliveryOutcome, RetryPolicy
from application.inboxes import webhook_url
from application.ports import UnitOfWorkFactory
from domain.accounts import Inbox
from domain.errors import ChannelRejected, ChannelUnavailable
from domain.ports.clock import Clock


class RegisterWebhook:
    """One attempt (a job keyed by inbox id); the outcome is shown on the inbox
    (`webhook_error`), retried while the provider is unavailable."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        registrars: Callable[[str], WebhookRegistrar | None],
        public_url: str,
        clock: Clock,
        policy: RetryPolicy,
    ) -> None:
        self.uow_factory = uow_factory
        self.registrars = registrars
        self.public_url = public_url
        self.clock = clock
        self.policy = policy
        self._attempts: dict[str, int] = {}

    async def __call__(self, inbox_id: str) -> DeliveryOutcome:
        inbox = await asyncio.to_thread(self._load, inbox_id)
        registrar = self.registrars(inbox.channel.type) if inbox else None
        if inbox is None or registrar is None:
            return DeliveryOutcome("skipped")
        error: str | None = None
        try:
            await registrar(inbox.channel, webhook_url(self.public_url, inbox))
        except ChannelUnavailable as exc:
            attempt = self._attempts.get(inbox_id, 0) + 1
            error = str(exc)
            if not self.policy.gives_up_after(attempt):
                self._attempts[inbox_id] = attempt
                await asyncio.to_thread(self._record, inbox_id, error)
                delay = self.policy.delay(attempt, exc.retry_after)
                return DeliveryOutcome("retry", self.clock.now() + timedelta(seconds=delay), error)
        except ChannelRejected as exc:
            error = str(exc)
        self._attempts.pop(inbox_id, None)
        await asyncio.to_thread(self._record, inbox_id, error)
        return DeliveryOutcome("failed" if error else "registered", error=error)

    def _load(self, inbox_id: str) -> Inbox | None:
        with self.uow_factory() as uow:
            return uow.inboxes.by_id(inbox_id)

    def _record(self, inbox_id: str, error: str | None) -> None:
        with self.uow_factory() as uow:
            inbox = uow.inboxes.by_id(inbox_id)
            if inbox is not None and inbox.webhook_error != error:
                inbox.webhook_error = error
                uow.inboxes.update(inbox)
                uow.commit()
