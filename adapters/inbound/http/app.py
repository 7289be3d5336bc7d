"""The Flask application: blueprints, problem answers, body limit and access log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from adapters.inbound.http.access_log import AccessLogMiddleware
from adapters.inbound.http.api import create_api_blueprint
from adapters.inbound.http.auth import Authenticator
from adapters.inbound.http.health import create_health_blueprint
from adapters.inbound.http.media import ServeMedia, create_media_blueprint, media_url_builder
from adapters.inbound.http.openapi import create_openapi_blueprint
from adapters.inbound.http.problem import register_problem_handlers
from adapters.inbound.http.webhooks import (
    AnswerHandshakeHandler,
    ReceiveWebhookHandler,
    create_webhooks_blueprint,
)
from application.management import CreatedAccount, ManageInboxes
from application.media import MediaLink
from application.queries import Queries
from application.receipts import ReadReceiptQueued
from domain.conversations import Conversation
from domain.errors import NotFound
from domain.messages import Message
from domain.ports.media import FetchedMedia

MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class HttpHandlers:
    """The application-layer callables the HTTP adapter drives; the composition root builds them."""

    authenticate: Authenticator
    create_account: Callable[[object], CreatedAccount]
    manage_inboxes: ManageInboxes
    queries: Queries
    send_message: Callable[[str, str, object], Message]
    start_conversation: Callable[[str, object], Conversation]
    change_conversation_status: Callable[[str, str, object], Conversation]
    receive_webhook: ReceiveWebhookHandler
    answer_handshake: AnswerHandshakeHandler
    ready: Callable[[], bool]
    # Attachment links; without them fetched attachments answer with a null url.
    sign_media: Callable[[str], MediaLink] | None = None
    serve_media: ServeMedia | None = None
    mark_conversation_read: Callable[[str, str], ReadReceiptQueued] | None = None


def create_http_app(handlers: HttpHandlers, *, public_url: str) -> Flask:
    # No static folder: every route is one the OpenAPI document describes.
    app = Flask("channelhub", static_folder=None)
    media_url = media_url_builder(public_url, handlers.sign_media) if handlers.sign_media else None
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json.sort_keys = False  # type: ignore[attr-defined]
    register_problem_handlers(app)
    app.register_blueprint(
        create_api_blueprint(
            authenticate=handlers.authenticate,
            create_account=handlers.create_account,
            manage_inboxes=handlers.manage_inboxes,
            queries=handlers.queries,
            send_message=handlers.send_message,
            start_conversation=handlers.start_conversation,
            change_conversation_status=handlers.change_conversation_status,
            public_url=public_url,
            media_url=media_url,
            mark_conversation_read=handlers.mark_conversation_read,
        )
    )
    app.register_blueprint(create_media_blueprint(serve_media=handlers.serve_media or _no_media))
    app.register_blueprint(
        create_webhooks_blueprint(
            receive_webhook=handlers.receive_webhook,
            answer_handshake=handlers.answer_handshake,
            public_url=public_url,
        )
    )
    app.register_blueprint(create_health_blueprint(ready=handlers.ready))
    app.register_blueprint(create_openapi_blueprint(public_url=public_url))
    app.wsgi_app = AccessLogMiddleware(app.wsgi_app)  # type: ignore[method-assign]
    return app


def _no_media(attachment_id: str, expires: str, signature: str) -> FetchedMedia:
    raise NotFound("this server keeps no media")
