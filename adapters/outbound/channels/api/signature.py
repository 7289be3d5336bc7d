"""The api channel's signature: `sha256=<hex HMAC-SHA256 of the raw body>`, both directions."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Channelhub-Signature"
_PREFIX = "sha256="


def sign(body: bytes, secret: str) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return _PREFIX + digest


def is_valid(body: bytes, secret: str, signature: str | None) -> bool:
    """Constant-time check; an empty secret never validates anything."""
    if not secret or not signature or not signature.startswith(_PREFIX):
        return False
    provided = signature[len(_PREFIX) :].strip().lower()
    return hmac.compare_digest(provided.encode(), sign(body, secret)[len(_PREFIX) :].encode())
