"""The process lifecycle without any web framework: what `serve`, `worker` and embedders share."""

from __future__ import annotations

import logging

from bootstrap.container import Container
from bootstrap.settings import Settings

log = logging.getLogger("channelhub")


def build_container(settings: Settings | None = None) -> Container:
    container = Container(settings=settings or Settings())
    container.init_resources()
    return container


def start_delivery(container: Container) -> None:
    """Start the background workers (sending, media fetching) and queue what a crash left."""
    container.delivery_queue().start()
    container.media_queue().start()
    container.provider_tasks().start()
    recovered = container.recover_deliveries()()
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
