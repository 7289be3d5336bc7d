"""Finding the inboxes a webhook request is for: by the key in its URL, or by its payload."""

from __future__ import annotations

from datetime import datetime, timedelta

from application.channels import ChannelPlugin
from application.ports import UnitOfWorkFactory
from domain.accounts import Inbox
from domain.errors import NotFound, WebhookRejected
from domain.ports.clock import Clock
from domain.ports.webhooks import InboundRequest


class InboxLookup:
    """Finds inboxes for webhooks, remembering them for a few seconds.

    Every webhook request needs its inbox (and its decrypted secrets) before anything else; a
    short memory spares that read on the hot path. Changes made in this process (`forget`) apply
    at once; another process's change of a secret applies within `ttl_seconds`.
    """

    def __init__(
        self, uow_factory: UnitOfWorkFactory, clock: Clock, ttl_seconds: float = 5.0
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.ttl = timedelta(seconds=ttl_seconds)
        self._by_key: dict[str, tuple[datetime, Inbox]] = {}
        self._by_type: dict[str, tuple[datetime, list[Inbox]]] = {}

    def __call__(self, slug: str, inbox_key: str) -> Inbox:
        now = self.clock.now()
        known = self._by_key.get(inbox_key)
        if known is not None and now - known[0] < self.ttl:
            inbox = known[1]
        else:
            with self.uow_factory() as uow:
                found = uow.inboxes.by_key(inbox_key)
            if found is None:
                raise NotFound("no such webhook")
            inbox = found
            if self.ttl:
                self._by_key[inbox_key] = (now, inbox)
        if inbox.channel.type != slug:
            raise NotFound("no such webhook")
        return inbox

    def of_type(self, slug: str) -> list[Inbox]:
        now = self.clock.now()
        known = self._by_type.get(slug)
        if known is not None and now - known[0] < self.ttl:
            return known[1]
        with self.uow_factory() as uow:
            found = uow.inboxes.with_type(slug)
        if self.ttl:
            self._by_type[slug] = (now, found)
        return found

    def targets(
        self, plugin: ChannelPlugin, inbox_key: str | None, request: InboundRequest
    ) -> list[Inbox]:
        """The verified inboxes a request is for; the URL's own inbox first.

        The URL's inbox must pass verification (else WebhookRejected). A provider that sends one
        app's events for many inboxes to one URL (`plugin.route_field`) also reaches every other
        inbox its payload names, each verified with that inbox's own secrets; one that fails is
        not a target. A provider-level URL (`inbox_key` None) has only those.
        """
        targets: list[Inbox] = []
        if inbox_key is not None:
            inbox = self(plugin.slug, inbox_key)
            plugin.parser.verify(request, inbox.channel)
            targets.append(inbox)
        elif plugin.route_field is None:
            raise NotFound("this channel type has no provider-level webhook URL")
        if plugin.route_field is None or plugin.route_keys is None:
            return targets
        named = set(plugin.route_keys(request))
        candidates = [
            inbox
            for inbox in self.of_type(plugin.slug)
            if plugin.route_field not in inbox.channel.secret_fields
            and inbox.channel.get(plugin.route_field) in named
            and all(inbox.id != t.id for t in targets)
        ]
        if not targets and not candidates:
            raise NotFound("no inbox for this payload")
        for inbox in candidates:
            try:
                plugin.parser.verify(request, inbox.channel)
            except WebhookRejected:
                continue
            targets.append(inbox)
        if not targets:
            raise WebhookRejected("no inbox named by this payload accepts its signature")
        return targets

    def changed(self, inbox: Inbox) -> None:
        """An inbox was created or changed in this process: forget what was remembered."""
        self._by_key.pop(inbox.inbox_key, None)
        self._by_type.clear()


def webhook_url(public_url: str, inbox: Inbox) -> str:
    """The URL a provider must call for this inbox (CONTRACT.md section 4)."""
    return f"{public_url.rstrip('/')}/webhooks/{inbox.channel.type}/{inbox.inbox_key}"
