"""Identifiers: time-ordered, so that sorting by id follows creation order."""

from __future__ import annotations

import os
import secrets
import threading
import time

_lock = threading.Lock()
_last = 0


def new_id() -> str:
    """A 26-character id: 48 bits of milliseconds then 80 random bits, Crockford base32.

    Monotonic within a process (ULID-style): ids made in the same millisecond still sort in the
    order they were made, so rows created in one request list in arrival order.
    """
    global _last
    with _lock:
        value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
        if value <= _last:
            value = _last + 1
        _last = value
    alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
    chars = []
    for _ in range(26):
        chars.append(alphabet[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_key(nbytes: int = 24) -> str:
    """An unguessable URL-safe string (inbox keys, generated secrets, tokens)."""
    return secrets.token_urlsafe(nbytes)
