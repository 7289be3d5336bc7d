"""The composition root: how every part is built and how long it lives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from dependency_injector import containers, providers
from sqlalchemy.engine import Engine

from adapters.outbound.channels import PLUGINS
from adapters.outbound.crypto import SecretBox
from adapters.outbound.persistence import (
    SqlAlchemyMediaStore,
    SqlAlchemyUnitOfWork,
    create_database_engine,
)
from adapters.outbound.queue.dramatiq_redis import DramatiqDeliveryQueue
from adapters.outbound.queue.in_process import InProcessDeliveryQueue
from adapters.outbound.queue.send_limits import InProcessSendLimiter, RedisSendLimiter
from adapters.outbound.url_media import UrlMediaFetcher
from application.channels import ChannelRegistry, FollowUp, WebhookRegistrar
from application.delivery import (
    DeliverMessage,
    DeliveryOutcome,
    RecoverPendingDeliveries,
    RequeueOverdueDeliveries,
    RetryPolicy,
)
from application.follow_ups import RunFollowUp
from application.group_commit import CommitRunner, GroupCommit, OwnTransactions
from application.inboxes import InboxLookup
from application.jobs import JobRouter, KindQueue
from application.management import (
    Authenticate,
    ChangeConversationStatus,
    CreateAccount,
    ManageInboxes,
)
from application.media import FetchAttachments, MediaLinks, RecoverPendingMedia, ServeMedia
from application.ports import NoEventPublisher, SendRateLimiter, UnitOfWorkFactory
from application.queries import Queries
from application.receipts import MarkConversationRead, SendReadReceipt
from application.sending import SendMessage, StartConversation
from application.setup import RegisterWebhook
from application.webhooks import (
    AnswerHandshake,
    PurgeRawEvents,
    ReceiveWebhook,
    ReplayRawEvents,
)
from bootstrap.settings import Credentials, Settings
from domain.accounts import Inbox
from domain.channels import SendRate
from domain.clock import SystemClock
from domain.ports.media import MediaFetcher, MediaStore
from domain.ports.senders import ChannelSender


def _engine(url: str) -> Iterator[Engine]:
    engine = create_database_engine(url)
    yield engine
    engine.dispose()


def _delivery_handler_factory(
    uow_factory: UnitOfWorkFactory,
    registry: ChannelRegistry,
    clock: SystemClock,
    policy: RetryPolicy,
    publisher: NoEventPublisher,
    public_url: str,
    limiter: SendRateLimiter,
    send_rate: Callable[[str], SendRate | None],
) -> Callable[[Any], Callable[[str], Awaitable[DeliveryOutcome]]]:
    """Senders are made per worker session: the session belongs to the worker's event loop."""

    def make_handler(session: Any) -> Callable[[str], Awaitable[DeliveryOutcome]]:
        return DeliverMessage(
            uow_factory,
            _senders(registry, session),
            clock,
            policy,
            publisher,
            public_url=public_url,
            limiter=limiter,
            send_rate=send_rate,
        )

    return make_handler


QUEUE_URL_SCHEMES = ("redis://", "rediss://", "unix://")


def _send_rate_lookup(
    overrides: dict[str, SendRate | None], registry: ChannelRegistry
) -> Callable[[str], SendRate | None]:
    """Each channel type's send rate: CHANNELHUB_SEND_RATES first, else the plugin's own."""
    unknown = sorted(slug for slug in overrides if slug not in registry)
    if unknown:
        known = ", ".join(plugin.slug for plugin in registry)
        raise RuntimeError(
            f"CHANNELHUB_SEND_RATES names no channel type {', '.join(unknown)} (known: {known})"
        )

    def send_rate(channel_type: str) -> SendRate | None:
        if channel_type in overrides:
            return overrides[channel_type]
        return registry.get(channel_type).send_rate

    return send_rate


def _queue_kind(url: str | None) -> str:
    """Unset: each process delivers in-process; a Redis URL: Dramatiq workers do."""
    if not url:
        return "in_process"
    if url.startswith(QUEUE_URL_SCHEMES):
        return "redis"
    raise RuntimeError(
        f"CHANNELHUB_QUEUE_URL={url.split('://')[0]}://... is not supported: use a redis:// "
        "URL for the distributed worker, or unset it for in-process delivery"
    )


def _media_handler_factory(
    uow_factory: UnitOfWorkFactory,
    registry: ChannelRegistry,
    store: MediaStore,
    clock: SystemClock,
    policy: RetryPolicy,
) -> Callable[[Any], Callable[[str], Awaitable[DeliveryOutcome]]]:
    """Providers with their own media API bring a fetcher; links in payloads are fetched as is."""

    def make_handler(session: Any) -> Callable[[str], Awaitable[DeliveryOutcome]]:
        fetchers: dict[str, MediaFetcher] = {}

        def fetcher_for(slug: str) -> MediaFetcher:
            if slug not in fetchers:
                create = registry.get(slug).create_media_fetcher
                fetchers[slug] = create(session) if create else UrlMediaFetcher(session)
            return fetchers[slug]

        return FetchAttachments(uow_factory, fetcher_for, store, clock, policy)

    return make_handler


def _provider_tasks_factory(
    registry: ChannelRegistry,
    uow_factory: UnitOfWorkFactory,
    clock: SystemClock,
    policy: RetryPolicy,
    public_url: str,
) -> Callable[[Any], Callable[[str], Awaitable[DeliveryOutcome]]]:
    """Best-effort provider calls share one worker: read receipts, follow-ups, registrations."""

    def make_handler(session: Any) -> Callable[[str], Awaitable[DeliveryOutcome]]:
        def follow_up(slug: str) -> FollowUp | None:
            create = registry.get(slug).create_follow_up
            return create(session) if create else None

        def registrar(slug: str) -> WebhookRegistrar | None:
            create = registry.get(slug).create_webhook_registrar
            return create(session) if create else None

        return JobRouter(
            {
                "receipt": SendReadReceipt(uow_factory, _senders(registry, session), clock, policy),
                "follow_up": RunFollowUp(uow_factory, follow_up, clock, policy),
                "webhook": RegisterWebhook(uow_factory, registrar, public_url, clock, policy),
            }
        )

    return make_handler


def _inbox_changed(lookup: InboxLookup, registrations: KindQueue) -> Callable[[Inbox], None]:
    def changed(inbox: Inbox) -> None:
        lookup.changed(inbox)
        registrations.enqueue(inbox.id)

    return changed


def _senders(registry: ChannelRegistry, session: Any) -> Callable[[str], ChannelSender]:
    """One sender per channel type for a worker's session, made when first needed."""
    senders: dict[str, ChannelSender] = {}

    def sender_for(slug: str) -> ChannelSender:
        if slug not in senders:
            senders[slug] = registry.get(slug).create_sender(session)
        return senders[slug]

    return sender_for


def _work_queue(
    kind: providers.Provider[str],
    handlers: providers.Provider[Any],
    name: str,
    settings: providers.Dependency[Settings],
) -> providers.Selector[Any]:
    """One kind of background work: a thread of this process, or a Dramatiq queue on Redis."""
    return providers.Selector(
        kind,
        in_process=providers.Singleton(
            InProcessDeliveryQueue,
            handlers,
            concurrency=settings.provided.delivery_concurrency,
            name=name,
        ),
        redis=providers.Singleton(
            DramatiqDeliveryQueue,
            handlers,
            url=settings.provided.queue_url,
            name=name,
            concurrency=settings.provided.delivery_concurrency,
        ),
    )


def _commit_runner(engine: Any, uow_factory: UnitOfWorkFactory) -> CommitRunner:
    if engine.dialect.name == "sqlite":
        return GroupCommit(uow_factory)
    return OwnTransactions(uow_factory)


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    credentials = providers.Singleton(Credentials, settings)

    clock = providers.Singleton(SystemClock)
    registry = providers.Singleton(ChannelRegistry, providers.Object(PLUGINS))
    publisher = providers.Singleton(NoEventPublisher)

    engine = providers.Resource(_engine, settings.provided.database_url)
    secret_box = providers.Singleton(SecretBox, credentials.provided.secret_key)
    unit_of_work = providers.Factory(SqlAlchemyUnitOfWork, engine, secret_box)
    uow_factory = providers.Callable(lambda uow: uow, unit_of_work.provider)
    # For use cases that only read (token checks, inbox lookups, the API's queries): on SQLite
    # they never queue behind webhook writes for the database lock.
    reading_unit_of_work = providers.Factory(
        SqlAlchemyUnitOfWork, engine, secret_box, read_only=True
    )
    reader_factory = providers.Callable(lambda uow: uow, reading_unit_of_work.provider)

    retry_policy = providers.Singleton(
        RetryPolicy,
        max_attempts=settings.provided.max_attempts,
        base_seconds=settings.provided.retry_base_seconds,
    )
    # Each kind of background work has a queue of its own, in-process or on Redis alike, so a
    # backlog of one never holds up the others.
    queue_kind = providers.Callable(_queue_kind, settings.provided.queue_url)
    # Each inbox's send allowance: per process in-process, shared by every worker on Redis.
    send_rate = providers.Singleton(
        _send_rate_lookup, settings.provided.send_rate_overrides.call(), registry
    )
    send_limiter = providers.Selector(
        queue_kind,
        in_process=providers.Singleton(InProcessSendLimiter),
        redis=providers.Singleton(RedisSendLimiter, settings.provided.queue_url),
    )
    delivery_handlers = providers.Callable(
        _delivery_handler_factory,
        uow_factory,
        registry,
        clock,
        retry_policy,
        publisher,
        settings.provided.public_base_url.call(),
        send_limiter,
        send_rate,
    )
    delivery_queue = _work_queue(queue_kind, delivery_handlers, "delivery", settings)

    recover_deliveries = providers.Factory(
        RecoverPendingDeliveries, uow_factory, clock, delivery_queue
    )
    requeue_overdue_deliveries = providers.Factory(
        RequeueOverdueDeliveries, uow_factory, clock, delivery_queue
    )

    media_store = providers.Singleton(SqlAlchemyMediaStore, engine)
    media_links = providers.Singleton(MediaLinks, credentials.provided.secret_key, clock)
    serve_media = providers.Factory(ServeMedia, media_links, media_store)
    media_handlers = providers.Callable(
        _media_handler_factory, uow_factory, registry, media_store, clock, retry_policy
    )
    media_queue = _work_queue(queue_kind, media_handlers, "media", settings)
    recover_media = providers.Factory(RecoverPendingMedia, uow_factory, media_queue)
    provider_task_handlers = providers.Callable(
        _provider_tasks_factory,
        registry,
        uow_factory,
        clock,
        retry_policy,
        settings.provided.public_base_url.call(),
    )
    provider_tasks = _work_queue(queue_kind, provider_task_handlers, "provider-tasks", settings)
    mark_conversation_read = providers.Factory(
        MarkConversationRead,
        uow_factory,
        registry,
        providers.Factory(KindQueue, provider_tasks, "receipt"),
    )

    authenticate = providers.Factory(Authenticate, reader_factory, credentials.provided.admin_token)
    create_account = providers.Factory(CreateAccount, uow_factory, clock)
    inbox_lookup = providers.Singleton(InboxLookup, reader_factory, clock)
    manage_inboxes = providers.Factory(
        ManageInboxes,
        uow_factory,
        registry,
        clock,
        on_change=providers.Callable(
            _inbox_changed, inbox_lookup, providers.Factory(KindQueue, provider_tasks, "webhook")
        ),
    )
    queries = providers.Factory(Queries, reader_factory, registry, clock)
    send_message = providers.Factory(
        SendMessage, uow_factory, registry, clock, delivery_queue, publisher
    )
    start_conversation = providers.Factory(
        StartConversation, uow_factory, registry, clock, delivery_queue, publisher
    )
    change_conversation_status = providers.Factory(ChangeConversationStatus, uow_factory, publisher)
    # SQLite takes one writer at a time: concurrent webhooks share its transactions (one group
    # for the whole process). PostgreSQL runs transactions side by side: each keeps its own.
    group_commit = providers.Singleton(_commit_runner, engine, uow_factory)
    receive_webhook = providers.Factory(
        ReceiveWebhook,
        uow_factory,
        registry,
        clock,
        publisher,
        inboxes=inbox_lookup,
        media_queue=media_queue,
        follow_up_queue=providers.Factory(KindQueue, provider_tasks, "follow_up"),
        group=group_commit,
    )
    answer_handshake = providers.Factory(AnswerHandshake, inbox_lookup, registry)
    replay_raw_events = providers.Factory(ReplayRawEvents, uow_factory, registry, clock, publisher)
    purge_raw_events = providers.Factory(
        PurgeRawEvents, uow_factory, clock, settings.provided.raw_event_retention_days
    )
