"""Validated inputs of the use cases, parsed from plain JSON-like values (any transport's)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.channels import ALL_ATTACHMENT_TYPES
from domain.errors import FieldError, InvalidInput


class _Reader:
    """Collects every field error of one body, so the answer names them all at once."""

    def __init__(self, body: object, prefix: str = "") -> None:
        self.errors: list[FieldError] = []
        self.prefix = prefix
        if not isinstance(body, Mapping):
            self.errors.append(FieldError(prefix.rstrip(".") or "body", "must be an object"))
            body = {}
        self.body: Mapping[str, Any] = body

    def fail(self, name: str, message: str) -> None:
        self.errors.append(FieldError(self.prefix + name, message))

    def known(self, *names: str) -> None:
        for name in self.body:
            if name not in names:
                self.fail(name, "is not a known field")

    def text(self, name: str, *, required: bool = False, max_len: int | None = None) -> str | None:
        value = self.body.get(name)
        if value is None:
            if required:
                self.fail(name, "is required")
            return None
        if not isinstance(value, str):
            self.fail(name, "must be a string")
            return None
        if required and not value.strip():
            self.fail(name, "must not be empty")
        if max_len is not None and len(value) > max_len:
            self.fail(name, f"must be at most {max_len} characters")
        return value

    def array(self, name: str) -> list[Any]:
        value = self.body.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(name, "must be an array")
            return []
        return value

    def obj(self, name: str) -> Mapping[str, Any] | None:
        value = self.body.get(name)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.fail(name, "must be an object")
            return None
        return value

    def done(self, detail: str = "the request is not valid") -> None:
        if self.errors:
            raise InvalidInput(detail, self.errors)


@dataclass(frozen=True)
class AttachmentInput:
    url: str
    file_type: str
    file_name: str | None = None


@dataclass(frozen=True)
class TemplateInput:
    name: str
    language: str
    parameters: tuple[str, ...] = ()
    provider_params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ButtonInput:
    id: str
    title: str


@dataclass(frozen=True)
class OutgoingMessageInput:
    content: str | None = None
    attachments: tuple[AttachmentInput, ...] = ()
    template: TemplateInput | None = None
    in_reply_to: str | None = None
    buttons: tuple[ButtonInput, ...] = ()

    @classmethod
    def parse(cls, body: object, prefix: str = "") -> OutgoingMessageInput:
        r = _Reader(body, prefix)
        r.known("content", "attachments", "template", "content_attributes")
        content = r.text("content")
        attachments = []
        for i, item in enumerate(r.array("attachments")):
            a = _Reader(item, f"{prefix}attachments[{i}].")
            a.known("url", "file_type", "file_name")
            url, file_type = a.text("url", required=True), a.text("file_type", required=True)
            if file_type and file_type not in ALL_ATTACHMENT_TYPES:
                a.fail("file_type", f"must be one of {sorted(ALL_ATTACHMENT_TYPES)}")
            if url and not url.startswith(("http://", "https://")):
                a.fail("url", "must be an http(s) URL")
            r.errors += a.errors
            if not a.errors and url and file_type:
                attachments.append(AttachmentInput(url, file_type, a.text("file_name")))
        template = None
        if (raw_template := r.obj("template")) is not None:
            t = _Reader(raw_template, f"{prefix}template.")
            t.known("name", "language", "parameters", "provider_params")
            name, language = t.text("name", required=True), t.text("language", required=True)
            params = t.array("parameters")
            if any(not isinstance(p, str) for p in params):
                t.fail("parameters", "must be an array of strings")
            provider_params = t.obj("provider_params") or {}
            r.errors += t.errors
            if not t.errors and name and language:
                template = TemplateInput(name, language, tuple(params), dict(provider_params))
        in_reply_to, buttons = None, []
        if (raw_attrs := r.obj("content_attributes")) is not None:
            c = _Reader(raw_attrs, f"{prefix}content_attributes.")
            c.known("in_reply_to", "buttons")
            in_reply_to = c.text("in_reply_to")
            for i, item in enumerate(c.array("buttons")):
                b = _Reader(item, f"{prefix}content_attributes.buttons[{i}].")
                b.known("id", "title")
                bid, title = b.text("id", required=True), b.text("title", required=True)
                c.errors += b.errors
                if bid and title:
                    buttons.append(ButtonInput(bid, title))
            r.errors += c.errors
        if not r.errors and not (content and content.strip()) and not attachments and not template:
            r.fail("content", "a message needs content, attachments or a template")
        r.done()
        return cls(content, tuple(attachments), template, in_reply_to, tuple(buttons))


@dataclass(frozen=True)
class ContactInput:
    source_id: str | None = None
    phone_number: str | None = None
    email: str | None = None
    name: str | None = None

    @classmethod
    def parse(cls, body: object) -> ContactInput:
        r = _Reader(body, "contact.")
        r.known("source_id", "phone_number", "email", "name")
        value = cls(r.text("source_id"), r.text("phone_number"), r.text("email"), r.text("name"))
        if not r.errors and not (value.source_id or value.phone_number or value.email):
            r.fail("source_id", "one of source_id, phone_number or email is required")
        r.done()
        return value

    @property
    def address(self) -> str:
        """The provider id to write to: explicit source_id, else phone number, else email."""
        return self.source_id or self.phone_number or self.email or ""


def read_name(body: object, *, required: bool) -> tuple[_Reader, str | None]:
    r = _Reader(body)
    return r, r.text("name", required=required, max_len=255)
