"""Bearer tokens and the account boundary of /api/v1.

The admin token creates accounts and nothing else; an account token reaches its own account
only, and another account's id answers 404 exactly like an id that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from flask import request

from adapters.inbound.http.problem import Problem
from application.management import Principal
from domain.errors import NotFound

Authenticator = Callable[[str | None], Principal]


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def _forbidden(detail: str) -> Problem:
    return Problem(403, "forbidden", "Forbidden", detail)


def create_authorizer(
    authenticate: Authenticator, admin_endpoints: Collection[str]
) -> Callable[[], None]:
    """A before-request hook: raises Unauthorized (401), a 403 problem or NotFound (404)."""

    def authorize() -> None:
        principal = authenticate(bearer_token())
        admin_route = request.endpoint in admin_endpoints
        if principal.is_admin and not admin_route:
            raise _forbidden("the admin token may only create accounts")
        if admin_route and not principal.is_admin:
            raise _forbidden("only the admin token may create accounts")
        account_id = (request.view_args or {}).get("account_id")
        if account_id is not None and account_id != principal.account_id:
            raise NotFound("no such account")

    return authorize
