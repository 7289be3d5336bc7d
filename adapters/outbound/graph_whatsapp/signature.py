"""Meta's webhook signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`.

Meta signs the bytes it sends, in which non-ASCII characters are `\\uXXXX` escapes, so the HMAC is
always taken over the raw body, never over re-serialised JSON.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Hub-Signature-256"
_PREFIX = "sha256="


def sign(body: bytes, app_secret: str) -> str:
    return _PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def is_valid(body: bytes, app_secret: str, signature: str | None) -> bool:
    """Constant-time check; an empty secret never validates anything."""
    if not app_secret or not signature:
        return False
    signature = signature.strip()
    if signature[: len(_PREFIX)].lower() != _PREFIX:
        return False
    provided = signature[len(_PREFIX) :].lower().encode("ascii", "replace")
    expected = sign(body, app_secret)[len(_PREFIX) :].encode()
    return hmac.compare_digest(provided, expected)
