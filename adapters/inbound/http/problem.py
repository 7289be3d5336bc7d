"""Problem details (RFC 9457): every error answer of the HTTP adapter is one of these.

Domain errors, werkzeug's HTTP errors and the adapter's own refusals all end here, so a client
handles one error shape; an unexpected exception answers a 500 problem that names no internals.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from domain.errors import (
    CapabilityMissing,
    ContactUnreachable,
    DomainError,
    InvalidInput,
    MalformedWebhook,
    MessagingWindowClosed,
    NotFound,
    Unauthorized,
    WebhookRejected,
)

PROBLEM_MIMETYPE = "application/problem+json"
# Problem types are URNs: stable names a client can match on, without pretending to be pages.
TYPE_PREFIX = "urn:channelhub:problem:"

log = logging.getLogger("channelhub.http")


def problem_type(slug: str) -> str:
    return TYPE_PREFIX + slug


class Problem(Exception):
    """A refusal the HTTP adapter makes itself (credentials, content type, JSON syntax...)."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        *,
        headers: Mapping[str, str] | None = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.type = problem_type(slug)
        self.title = title
        self.detail = detail
        self.headers = dict(headers or {})
        self.extensions = dict(extensions or {})


def problem_response(
    status: int,
    type_: str,
    title: str,
    detail: str,
    *,
    extensions: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    document = {"type": type_, "title": title, "status": status, "detail": detail}
    document.update(extensions or {})
    response = Response(json.dumps(document), status=status, mimetype=PROBLEM_MIMETYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _field_errors(exc: InvalidInput) -> dict[str, Any]:
    return {"errors": [{"field": e.field, "message": e.message} for e in exc.errors]}


# (status, slug, title) per domain error.
_DOMAIN_PROBLEMS: dict[type[DomainError], tuple[int, str, str]] = {
    CapabilityMissing: (422, "capability-missing", "The channel cannot carry this message"),
    InvalidInput: (422, "invalid-input", "The request is not valid"),
    MessagingWindowClosed: (422, "messaging-window-closed", "The messaging window is closed"),
    ContactUnreachable: (422, "contact-unreachable", "The contact cannot be reached"),
    NotFound: (404, "not-found", "Not found"),
    Unauthorized: (401, "unauthorized", "Unauthorized"),
    WebhookRejected: (401, "webhook-rejected", "The webhook failed verification"),
    MalformedWebhook: (400, "malformed-webhook", "The webhook payload is malformed"),
    DomainError: (400, "bad-request", "Bad request"),
}


def _domain_problem(exc: DomainError) -> Response:
    # The most specific entry wins; DomainError itself is in the table, so one always matches.
    status, slug, title = next(
        _DOMAIN_PROBLEMS[kind] for kind in type(exc).__mro__ if kind in _DOMAIN_PROBLEMS
    )
    detail = str(exc)
    extensions: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if isinstance(exc, InvalidInput):
        detail = exc.detail
        extensions = _field_errors(exc)
    elif isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = "Bearer"
    elif isinstance(exc, WebhookRejected):
        # A parser's reason may describe the expected signature: never echo it to the caller.
        detail = "the request failed the provider's verification"
    return problem_response(
        status, problem_type(slug), title, detail, extensions=extensions, headers=headers
    )


def _adapter_problem(exc: Problem) -> Response:
    return problem_response(
        exc.status,
        exc.type,
        exc.title,
        exc.detail,
        extensions=exc.extensions,
        headers=exc.headers,
    )


def _http_problem(exc: HTTPException) -> Response | HTTPException:
    if exc.code is None or exc.code < 400:
        return exc
    # Keep what werkzeug adds (Allow on a 405), but the body is ours.
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    return problem_response(
        exc.code,
        "about:blank",
        exc.name,
        exc.description or exc.name,
        headers=headers,
    )


def _unexpected_problem(exc: Exception) -> Response:
    # The traceback goes to the operator's log; the caller learns nothing about internals.
    log.error("unhandled error on %s %s", request.method, request.path, exc_info=exc)
    return problem_response(
        500, problem_type("internal-error"), "Internal server error", "an unexpected error occurred"
    )


def register_problem_handlers(app: Flask) -> None:
    app.register_error_handler(Problem, _adapter_problem)
    app.register_error_handler(DomainError, _domain_problem)
    app.register_error_handler(HTTPException, _http_problem)
    app.register_error_handler(Exception, _unexpected_problem)
