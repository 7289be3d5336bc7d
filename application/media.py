"""Attachment bytes: fetched from the provider after the webhook is answered, then served
through signed, expiring links that need no token."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from application.delivery import DeliveryOutcome, RetryPolicy
from application.ports import DeliveryQueue, UnitOfWorkFactory
from domain.accounts import Inbox
from domain.errors import ChannelRejected, ChannelUnavailable, NotFound
from domain.messages import Attachment
from domain.ports.clock import Clock
from domain.ports.media import FetchedMedia, MediaFetcher, MediaStore

log = logging.getLogger(__name__)


class FetchAttachments:
    """One attempt at every pending attachment of a message (a job, keyed by message id).

    Unavailable providers are retried with the delivery backoff; a refusal, or the last
    attempt, marks the attachment `failed` with the reason: nothing is dropped silently.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        fetchers: Callable[[str], MediaFetcher],
        store: MediaStore,
        clock: Clock,
        policy: RetryPolicy,
    ) -> None:
        self.uow_factory = uow_factory
        self.fetchers = fetchers
        self.store = store
        self.clock = clock
        self.policy = policy

    async def __call__(self, message_id: str) -> DeliveryOutcome:
        found = await asyncio.to_thread(self._load, message_id)
        if found is None:
            return DeliveryOutcome("skipped")
        inbox, pending = found
        fetcher = self.fetchers(inbox.channel.type)
        results: dict[str, FetchedMedia | tuple[str, bool]] = {}
        for attachment in pending:
            assert attachment.provider_ref is not None
            try:
                media = await fetcher.fetch(attachment.provider_ref, inbox.channel)
            except ChannelRejected as exc:
                results[attachment.id] = (str(exc), True)
            except ChannelUnavailable as exc:
                last = self.policy.gives_up_after(attachment.fetch_attempts + 1)
                results[attachment.id] = (str(exc), last)
            except Exception as exc:
                log.exception("media fetch for %s raised unexpectedly", inbox.channel.type)
                results[attachment.id] = (f"unexpected error: {type(exc).__name__}", True)
            else:
                await asyncio.to_thread(self.store.put, attachment.id, media)
                results[attachment.id] = media
        return await asyncio.to_thread(self._record, message_id, results)

    def _load(self, message_id: str) -> tuple[Inbox, list[Attachment]] | None:
        with self.uow_factory() as uow:
            message = uow.messages.get_for_update(message_id)
            inbox = uow.inboxes.by_id(message.inbox_id) if message else None
        if message is None or inbox is None:
            return None
        pending = [a for a in message.attachments if a.needs_fetch]
        return (inbox, pending) if pending else None

    def _record(
        self, message_id: str, results: dict[str, FetchedMedia | tuple[str, bool]]
    ) -> DeliveryOutcome:
        retry_after: float | None = None
        with self.uow_factory() as uow:
            message = uow.messages.get_for_update(message_id)
            if message is None:
                return DeliveryOutcome("skipped")
            for attachment in message.attachments:
                result = results.get(attachment.id)
                if result is None or not attachment.needs_fetch:
                    continue
                if isinstance(result, FetchedMedia):
                    attachment.fetched(result.mime_type, len(result.content), result.file_name)
                    continue
                error, final = result
                attachment.fetch_failed(error, final=final)
                if not final:
                    delay = self.policy.delay(attachment.fetch_attempts)
                    retry_after = min(retry_after or delay, delay)
            uow.messages.update(message)
            uow.commit()
        if retry_after is not None:
            return DeliveryOutcome("retry", self.clock.now() + timedelta(seconds=retry_after))
        return DeliveryOutcome("fetched")


class RecoverPendingMedia:
    """On start: queue the messages whose attachments a crash left unfetched."""

    def __init__(self, uow_factory: UnitOfWorkFactory, queue: DeliveryQueue) -> None:
        self.uow_factory = uow_factory
        self.queue = queue

    def __call__(self, batch: int = 1000) -> int:
        with self.uow_factory() as uow:
            pending = uow.messages.pending_media(batch)
        for message_id in pending:
            self.queue.enqueue(message_id)
        return len(pending)


@dataclass(frozen=True)
class MediaLink:
    attachment_id: str
    expires: int
    signature: str


class MediaLinks:
    """Signs attachment links: HMAC-SHA256 over the id and the expiry, with a derived key."""

    def __init__(self, secret_key: str, clock: Clock, ttl: timedelta = timedelta(hours=1)) -> None:
        # A key of its own, so a link signature can never stand in for anything else.
        self._key = hmac.new(secret_key.encode(), b"channelhub media links", "sha256").digest()
        self.clock = clock
        self.ttl = ttl

    def sign(self, attachment_id: str) -> MediaLink:
        expires = int((self.clock.now() + self.ttl).timestamp())
        return MediaLink(attachment_id, expires, self._signature(attachment_id, expires))

    def verify(self, attachment_id: str, expires: int, signature: str) -> bool:
        if expires < self.clock.now().timestamp():
            return False
        # As bytes: comparing str refuses anything not ASCII (a raised error, not a mismatch).
        given = signature.encode("utf-8", "replace")
        return hmac.compare_digest(self._signature(attachment_id, expires).encode(), given)

    def _signature(self, attachment_id: str, expires: int) -> str:
        message = f"{attachment_id}:{expires}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()


class ServeMedia:
    def __init__(self, links: MediaLinks, store: MediaStore) -> None:
        self.links = links
        self.store = store

    def __call__(self, attachment_id: str, expires: str, signature: str) -> FetchedMedia:
        """The bytes behind a signed link; NotFound for a bad, expired or unknown one."""
        try:
            when = int(expires)
        except ValueError:
            raise NotFound("no such media") from None
        if not self.links.verify(attachment_id, when, signature):
            raise NotFound("this media link is not valid or has expired")
        media = self.store.get(attachment_id)
        if media is None:
            raise NotFound("no such media")
        return media
