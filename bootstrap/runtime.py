"""The process lifecycle without any web framework: what `serve`, `worker` and embedders share."""

from __future__ import annotations

import logging

from bootstrap.container import Container
from bootstrap.settings import Settings

log = logging.getLogger("channelhub")


def build_container(settings: Settings | None = None) -> Container:
    container = Container(settings=settings or Settings())
    container.init_resources()
    container.send_rate()  # a CHANNELHUB_SEND_RATES naming no channel type stops the start
    return container


def uses_shared_queue(container: Container) -> bool:
    """Whether outbound work goes to Redis (`CHANNELHUB_QUEUE_URL`) for `channelhub worker`s."""
    return bool(container.settings().queue_url)


def start_delivery(container: Container) -> None:
    """Deliver from this process, as `serve` and embedders do: the in-process workers, unless
    a shared queue is configured; then this process only enqueues and workers deliver."""
    if uses_shared_queue(container):
        log.info("outbound work goes to CHANNELHUB_QUEUE_URL; `channelhub worker` delivers it")
        return
    start_workers(container)


def start_workers(container: Container) -> None:
    """Consume every background queue here (sending, media, provider tasks) and queue what a
    crash left. Pending messages on a shared queue are in Redis already: queueing them all
    again at every worker start would only add copies, so `RequeueOverdueDeliveries` finds the
    few that it lost."""
    container.delivery_queue().start()
    container.media_queue().start()
    container.provider_tasks().start()
    recovered = 0 if uses_shared_queue(container) else container.recover_deliveries()()
    if recovered:
        log.info("re-queued %d pending outgoing messages", recovered)
    fetching = container.recover_media()()
    if fetching:
        log.info("re-queued %d messages whose media is not fetched yet", fetching)


def stop_delivery(container: Container, timeout: float = 10.0) -> None:
    container.delivery_queue().stop(timeout)
    container.media_queue().stop(timeout)
    container.provider_tasks().stop(timeout)
    container.shutdown_resources()
