"""Encryption at rest for channel credentials (Fernet: AES-128-CBC plus HMAC-SHA256)."""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class SecretsUnreadable(RuntimeError):
    """Stored secrets cannot be decrypted: the key is not the one they were encrypted with."""


class SecretBox:
    """Encrypts small JSON documents with a Fernet key.

    `key` may list several comma-separated keys to rotate: the first encrypts, all decrypt.
    """

    def __init__(self, key: str) -> None:
        keys = [part.strip() for part in key.split(",") if part.strip()]
        if not keys:
            raise ValueError("the secret key is empty")
        try:
            fernets = [Fernet(part.encode()) for part in keys]
        except (ValueError, TypeError):
            # Not echoing the key: a malformed key is still a secret.
            raise ValueError(
                "the secret key is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes; see SecretBox.generate_key())"
            ) from None
        self._fernet = MultiFernet(fernets)

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode()

    def encrypt(self, data: dict[str, Any]) -> str:
        return self._fernet.encrypt(json.dumps(data, separators=(",", ":")).encode()).decode()

    def decrypt(self, token: str) -> dict[str, Any]:
        try:
            raw = self._fernet.decrypt(token.encode())
        except InvalidToken:
            raise SecretsUnreadable(
                "stored channel secrets cannot be decrypted with this secret key; "
                "was CHANNELHUB_SECRET_KEY changed? (list the old key after the new one "
                "to rotate)"
            ) from None
        value = json.loads(raw)
        if not isinstance(value, dict):
            raise SecretsUnreadable("stored channel secrets are not a JSON object")
        return value

    def __repr__(self) -> str:
        return "SecretBox(key=<hidden>)"

    __str__ = __repr__
