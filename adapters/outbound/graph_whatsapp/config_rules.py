"""Checks the WhatsApp channel configs share: they raise ValueError, which `build_config` turns
into a 422 naming the channel."""

from __future__ import annotations

import re

from domain.channels import is_http_url

_HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")


def require_text(name: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise ValueError(f"{name} must be a non-empty string without surrounding spaces")


def require_http_url(name: str, value: object) -> None:
    if not is_http_url(value):
        raise ValueError(f"{name} must be an absolute http(s) URL")


def require_header_name(name: str, value: object) -> None:
    if not isinstance(value, str) or not _HEADER_NAME.fullmatch(value):
        raise ValueError(f"{name} must be an HTTP header name")
