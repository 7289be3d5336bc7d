"""The Flask HTTP adapter: REST API, provider webhooks, health and the OpenAPI document."""

from adapters.inbound.http.app import HttpHandlers, create_http_app

__all__ = ["HttpHandlers", "create_http_app"]
