"""Identifiers: time-ordered, so that sorting by id follows creation order."""

from __future__ import annotations

import os
import secrets
import threading
import time

_lock = threading.Lock()
_last = 0
# Random bytes are read from the OS in blocks: a read is a system call, which gives up the GIL,
# and in a threaded server each such release can hand the interpreter to another thread. One
# read per id made the webhook path measurably slower (docs/performance.md).
_BLOCK = 4000
_pool = b""
_used = 0


def _after_fork() -> None:
    """A forked child must not reuse its parent's unread bytes (the same ids in the same
    millisecond), nor inherit the lock held by a parent's thread that does not exist here."""
    global _lock, _pool, _used
    _lock = threading.Lock()
    _pool, _used = b"", 0


os.register_at_fork(after_in_child=_after_fork)


def _random_80_bits() -> int:
    """80 random bits from the OS's generator; call with `_lock` held."""
    global _pool, _used
    if _used + 10 > len(_pool):
        _pool, _used = os.urandom(_BLOCK), 0
    chunk = _pool[_used : _used + 10]
    _used += 10
    return int.from_bytes(chunk, "big")


def new_id() -> str:
    """A 26-character id: 48 bits of milliseconds then 80 random bits, Crockford base32.

    Monotonic within a process (ULID-style): ids made in the same millisecond still sort in the
    order they were made, so rows created in one request list in arrival order.
    """
    global _last
    with _lock:
        value = (int(time.time() * 1000) << 80) | _random_80_bits()
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
