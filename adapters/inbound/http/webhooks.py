"""Provider webhooks: translate the Flask request into a transport-neutral InboundRequest.

Everything provider-specific (signatures, handshakes, success answers) is the channel plugin's;
this view only moves bytes in and a reply out.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, request

from adapters.inbound.http.problem import Problem
from application.webhooks import WebhookOutcome
from domain.errors import WebhookRejected
from domain.ports.webhooks import HttpReply, InboundRequest

ReceiveWebhookHandler = Callable[[str, str | None, InboundRequest], WebhookOutcome]
AnswerHandshakeHandler = Callable[[str, str | None, InboundRequest], HttpReply | None]

WEBHOOK_PATH = "/webhooks/<channel_type>/<inbox_key>"
# One URL for a whole provider app (Meta calls one callback for all of an app's numbers):
# routed by the payload, for channel types whose plugin names a route field.
PROVIDER_WEBHOOK_PATH = "/webhooks/<channel_type>"


def inbound_request(public_url: str) -> InboundRequest:
    """The request as the provider made it; `url` is the public one (Twilio signs it)."""
    url = public_url.rstrip("/") + request.path
    if request.query_string:
        # latin-1 maps every byte to one character, so the signed query survives unchanged.
        url += "?" + request.query_string.decode("latin-1")
    return InboundRequest.build(
        method=request.method,
        url=url,
        headers=dict(request.headers.items()),
        body=request.get_data(cache=True),
        query=request.args.to_dict(),
    )


def reply_response(reply: HttpReply) -> Response:
    return Response(reply.body, status=reply.status, content_type=reply.content_type)


def create_webhooks_blueprint(
    *,
    receive_webhook: ReceiveWebhookHandler,
    answer_handshake: AnswerHandshakeHandler,
    public_url: str,
) -> Blueprint:
    webhooks = Blueprint("webhooks", __name__)

    @webhooks.post(WEBHOOK_PATH, endpoint="receive_webhook")
    @webhooks.post(
        PROVIDER_WEBHOOK_PATH, endpoint="receive_provider_webhook", defaults={"inbox_key": None}
    )
    def receive(channel_type: str, inbox_key: str | None) -> Response | tuple[dict[str, str], int]:
        # WebhookRejected -> 401, MalformedWebhook -> 400, NotFound -> 404 (problem handlers).
        outcome = receive_webhook(channel_type, inbox_key, inbound_request(public_url))
        if outcome.reply is not None:
            return reply_response(outcome.reply)
        return {"status": "ok"}, 200

    @webhooks.get(WEBHOOK_PATH, endpoint="answer_handshake")
    @webhooks.get(
        PROVIDER_WEBHOOK_PATH, endpoint="answer_provider_handshake", defaults={"inbox_key": None}
    )
    def handshake(channel_type: str, inbox_key: str | None) -> Response:
        try:
            reply = answer_handshake(channel_type, inbox_key, inbound_request(public_url))
        except WebhookRejected:
            # A failed handshake is refused the way Meta expects: 403, not 401.
            raise Problem(
                403,
                "handshake-rejected",
                "The handshake failed verification",
                "the handshake did not match this inbox's configuration",
            ) from None
        if reply is None:
            raise Problem(
                405,
                "no-handshake",
                "Method not allowed",
                f"the {channel_type} channel has no GET handshake; providers POST here",
                headers={"Allow": "POST"},
            )
        return reply_response(reply)

    return webhooks
