"""Health probes, and an OpenAPI document that cannot drift from the real routes."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from adapters.inbound.http import HttpHandlers, create_http_app
from tests.http.fakes import Readiness
from tests.http.session import PUBLIC_URL, assert_problem

AUTOMATIC_METHODS = {"HEAD", "OPTIONS"}


def test_healthz_answers_ok(client: FlaskClient) -> None:
    answer = client.get("/healthz")

    assert (answer.status_code, answer.get_json()) == (200, {"status": "ok"})


def test_readyz_follows_the_readiness_probe(client: FlaskClient, readiness: Readiness) -> None:
    assert client.get("/readyz").get_json() == {"status": "ready"}

    readiness.answer = False

    assert_problem(client.get("/readyz"), 503)


def test_a_probe_that_raises_means_not_ready(handlers: HttpHandlers) -> None:
    def database_down() -> bool:
        raise ConnectionError("database unreachable")

    app = create_http_app(dataclasses.replace(handlers, ready=database_down), public_url=PUBLIC_URL)

    assert_problem(app.test_client().get("/readyz"), 503)


def _document(client: FlaskClient) -> dict[str, Any]:
    answer = client.get("/openapi.json")
    assert answer.status_code == 200
    return answer.get_json()  # type: ignore[no-any-return]


def _routes(app: Flask) -> dict[tuple[str, str], str]:
    routes = {}
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in (rule.methods or set()) - AUTOMATIC_METHODS:
            routes[(path, method.lower())] = rule.endpoint
    return routes


def test_the_document_describes_exactly_the_apps_routes(app: Flask, client: FlaskClient) -> None:
    document = _document(client)

    documented = {
        (path, method): operation["operationId"]
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    routes = _routes(app)
    assert set(documented) == set(routes)
    # Operation ids are the endpoint names, so an operation cannot describe another route.
    assert documented == {key: endpoint.split(".")[-1] for key, endpoint in routes.items()}


def test_the_document_is_openapi_3_1_with_bearer_auth_and_problems(client: FlaskClient) -> None:
    document = _document(client)

    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": PUBLIC_URL}]
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "The admin token, or an account's api_token",
    }
    schemas = document["components"]["schemas"]
    assert {"Inbox", "Conversation", "Message", "Contact", "Attachment", "Problem"} <= set(schemas)
    assert set(schemas["Problem"]["required"]) == {"type", "title", "status", "detail"}
    webhook = document["paths"]["/webhooks/{channel_type}/{inbox_key}"]
    assert webhook["post"]["security"] == webhook["get"]["security"] == []
    for path, item in document["paths"].items():
        for operation in item.values():
            codes = set(operation["responses"])
            assert any(c.startswith("2") for c in codes), path
            if path.startswith("/api/"):
                assert "401" in codes, path


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_every_reference_in_the_document_resolves(client: FlaskClient) -> None:
    document = _document(client)

    refs = _refs(document)

    assert refs
    for ref in refs:
        node: Any = document
        for part in ref.removeprefix("#/").split("/"):
            assert part in node, ref
            node = node[part]
