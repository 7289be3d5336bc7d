"""Attachment bytes behind signed, expiring links: no token, so a dashboard can show them."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from flask import Blueprint, Response, request

from application.media import MediaLink
from domain.ports.media import FetchedMedia

MEDIA_PATH = "/media/<attachment_id>"

ServeMedia = Callable[[str, str, str], FetchedMedia]


def media_url_builder(public_url: str, sign: Callable[[str], MediaLink]) -> Callable[[str], str]:
    """A fresh link on every read: `{public_url}/media/{id}?expires=...&signature=...`."""

    def media_url(attachment_id: str) -> str:
        link = sign(attachment_id)
        query = urlencode({"expires": link.expires, "signature": link.signature})
        return f"{public_url}/media/{attachment_id}?{query}"

    return media_url


def create_media_blueprint(*, serve_media: ServeMedia) -> Blueprint:
    media = Blueprint("media", __name__)

    @media.get(MEDIA_PATH, endpoint="get_media")
    def get_media(attachment_id: str) -> Response:
        # A bad, expired or unknown link is a NotFound: the problem handler answers 404.
        found = serve_media(
            attachment_id, request.args.get("expires", ""), request.args.get("signature", "")
        )
        answer = Response(found.content, mimetype=found.mime_type or "application/octet-stream")
        if found.file_name:
            answer.headers.set("Content-Disposition", "inline", filename=found.file_name)
        # The link expires; caches must not outlive it, nor share it.
        answer.headers["Cache-Control"] = "private, max-age=300"
        answer.headers["X-Content-Type-Options"] = "nosniff"
        return answer

    return media
