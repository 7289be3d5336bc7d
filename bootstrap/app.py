"""`create_app`: the Flask application with everything wired, and the process lifecycle."""

from __future__ import annotations

import atexit

from flask import Flask

from adapters.inbound.http import HttpHandlers, create_http_app
from adapters.outbound.persistence import database_ready, upgrade_database
from bootstrap.runtime import build_container, start_delivery, stop_delivery
from bootstrap.settings import Settings


def create_app(
    settings: Settings | None = None,
    *,
    public_url: str | None = None,
    migrate: bool = True,
    deliver: bool = True,
) -> Flask:
    settings = settings or Settings()
    if migrate:
        upgrade_database(settings.database_url)
    if public_url and not settings.public_url:
        settings.public_url = public_url  # before anything is built: senders use it too
    container = build_container(settings)
    engine = container.engine()
    handlers = HttpHandlers(
        authenticate=container.authenticate(),
        create_account=container.create_account(),
        manage_inboxes=container.manage_inboxes(),
        queries=container.queries(),
        send_message=container.send_message(),
        start_conversation=container.start_conversation(),
        change_conversation_status=container.change_conversation_status(),
        receive_webhook=container.receive_webhook(),
        answer_handshake=container.answer_handshake(),
        ready=lambda: database_ready(engine),
        sign_media=container.media_links().sign,
        serve_media=container.serve_media(),
        mark_conversation_read=container.mark_conversation_read(),
    )
    app = create_http_app(handlers, public_url=settings.public_base_url())
    app.extensions["channelhub.container"] = container
    if deliver:
        start_delivery(container)
        atexit.register(stop_delivery, container)
    return app
