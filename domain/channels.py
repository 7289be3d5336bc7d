"""Channels: a type, its config (secrets marked), what it can carry and its messaging window."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from domain.errors import FieldError, InvalidInput
from domain.ids import new_key

SECRET = {"secret": True}
GENERATED_SECRET = {"secret": True, "generated": True}


def secret(*, generated: bool = False) -> Any:
    """A config dataclass field that holds a secret; `generated` ones are made when absent."""
    return field(default="", repr=False, metadata=GENERATED_SECRET if generated else SECRET)


def is_http_url(value: object) -> bool:
    """An absolute http(s) URL with a host (and a valid port): what config URL fields need."""
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value)
        port = parts.port  # raises for a port that is not a number in range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and port != 0


@dataclass(frozen=True)
class Channel:
    """A channel as stored on an inbox: its type slug and its config (secret fields included)."""

    type: str
    config: Mapping[str, Any]
    secret_fields: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        # Configs hold credentials; a repr ends up in logs and tracebacks.
        return f"Channel(type={self.type!r}, config={self.public_config()!r}, secrets=<hidden>)"

    def public_config(self) -> dict[str, Any]:
        return {k: v for k, v in self.config.items() if k not in self.secret_fields}

    def secrets(self) -> dict[str, Any]:
        return {k: v for k, v in self.config.items() if k in self.secret_fields}

    def get(self, name: str, default: Any = None) -> Any:
        return self.config.get(name, default)


def config_fields(config_type: type) -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(config_type)


def secret_field_names(config_type: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(config_type) if f.metadata.get("secret"))


_TYPES: dict[Any, tuple[type, ...]] = {
    str: (str,),
    "str": (str,),
    int: (int,),
    "int": (int,),
    bool: (bool,),
    "bool": (bool,),
    "str | None": (str, type(None)),
    "int | None": (int, type(None)),
    "bool | None": (bool, type(None)),
    "dict[str, Any]": (dict,),
    "list[str]": (list,),
}


def build_config(
    config_type: type, raw: Mapping[str, Any], previous: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Validate `raw` against a config dataclass, merged over `previous` (a PATCH).

    Returns the full config and the secrets that were generated here, which the caller shows once.
    Unknown fields, wrong types and missing required fields raise `InvalidInput`.
    """
    fields = {f.name: f for f in dataclasses.fields(config_type)}
    errors: list[FieldError] = []
    for name in raw:
        if name != "type" and name not in fields:
            errors.append(FieldError(f"channel.{name}", "unknown field for this channel type"))
    merged: dict[str, Any] = dict(previous or {})
    for name, value in raw.items():
        if name in fields:
            merged[name] = value
    generated: dict[str, Any] = {}
    for name, f in fields.items():
        if merged.get(name) in (None, "") and f.metadata.get("generated"):
            merged[name] = generated[name] = new_key(32)
        if name not in merged:
            if f.default is not dataclasses.MISSING:
                merged[name] = f.default
            elif f.default_factory is not dataclasses.MISSING:
                merged[name] = f.default_factory()
            else:
                errors.append(FieldError(f"channel.{name}", "is required"))
                continue
        expected = _TYPES.get(f.type)
        value = merged[name]
        if (expected and not isinstance(value, expected)) or (
            isinstance(value, bool) and expected and bool not in expected
        ):
            errors.append(FieldError(f"channel.{name}", f"must be of type {f.type}"))
    if not errors:
        try:
            config_type(**merged)
        except (TypeError, ValueError) as exc:
            errors.append(FieldError("channel", str(exc)))
    if errors:
        raise InvalidInput("the channel config is not valid", errors)
    return merged, generated


@dataclass(frozen=True)
class MessagingWindow:
    """How long after the contact's last message a free-form reply may be sent (None: always)."""

    hours: float | None = None

    def is_open(self, last_incoming_at: datetime | None, now: datetime) -> bool:
        if self.hours is None:
            return True
        if last_incoming_at is None:
            return False
        return now - last_incoming_at < timedelta(hours=self.hours)


ALL_ATTACHMENT_TYPES = frozenset(
    {"image", "audio", "video", "file", "location", "contact", "sticker"}
)


@dataclass(frozen=True)
class SendRate:
    """How many messages a provider takes from one inbox per `per_seconds` before it throttles."""

    sends: int
    per_seconds: float = 1.0

    def __post_init__(self) -> None:
        if self.sends < 1 or not (0 < self.per_seconds < math.inf):
            raise ValueError(f"a send rate needs sends >= 1 and a positive span: {self!r}")


@dataclass(frozen=True)
class ChannelCapabilities:
    """What a channel can carry; `SendMessage` refuses the rest before anything is stored."""

    attachment_types: frozenset[str] = frozenset()
    templates: bool = False
    buttons: bool = False
    reply_to: bool = False
    max_text_length: int | None = None
    max_attachments: int | None = None
    read_receipts: bool = False
    window: MessagingWindow = MessagingWindow()
