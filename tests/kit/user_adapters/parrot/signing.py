"""How parrot signs its webhooks: base64 HMAC-SHA256 over `<timestamp>.<body>`."""

from __future__ import annotations

import base64
import hashlib
import hmac

SIGNATURE_HEADER = "x-parrot-signature"
TIMESTAMP_HEADER = "x-parrot-timestamp"


def signature(signing_key: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(signing_key.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return base64.b64encode(digest.digest()).decode("ascii")
