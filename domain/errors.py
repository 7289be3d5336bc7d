"""Errors the core raises. Each maps to one HTTP answer in the inbound adapter."""

from __future__ import annotations

from dataclasses import dataclass, field


class DomainError(Exception):
    """Base of every error channelhub's core raises on purpose."""


class NotFound(DomainError):
    """The thing does not exist, or belongs to another account (no existence leak)."""


@dataclass
class FieldError:
    field: str
    message: str


class InvalidInput(DomainError):
    """Input that breaks a rule; `errors` names the fields."""

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class Unauthorized(DomainError):
    """No valid credentials for this request."""


class CapabilityMissing(InvalidInput):
    """The channel cannot carry a part of the outgoing message."""

    def __init__(self, part: str, detail: str) -> None:
        super().__init__(detail, [FieldError(part, detail)])
        self.part = part


class MessagingWindowClosed(DomainError):
    """Outside the channel's messaging window only a template may be sent."""


class WebhookRejected(DomainError):
    """The webhook request failed the provider's verification (signature, secret, auth)."""


class MalformedWebhook(DomainError):
    """A verified webhook request whose payload cannot be understood."""


@dataclass
class ChannelRejected(DomainError):
    """The provider refused the message for good (bad recipient, invalid template...)."""

    reason: str
    code: str | None = None

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}" if self.code else self.reason


class ChannelCredentialsInvalid(ChannelRejected):
    """The provider refused the inbox's credentials (e.g. an expired token): fix the inbox."""


class RecipientUnreachable(ChannelRejected):
    """The contact cannot be reached on this inbox any more (opted out, blocked the bot).

    The message fails, and later sends to the same contact are refused before queueing.
    """


class ContactUnreachable(DomainError):
    """A send to a contact the provider said cannot be reached (see `RecipientUnreachable`)."""


@dataclass
class ChannelUnavailable(DomainError):
    """The provider could not take the message now (5xx, 429, network); safe to retry."""

    reason: str
    retry_after: float | None = None
    details: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.reason


@dataclass
class RecipientMoved(ChannelUnavailable):
    """The provider moved the chat to a new id (Telegram's `migrate_to_chat_id`): the core
    re-addresses the contact and sends again."""

    new_recipient_id: str = ""
