"""Identifiers: time-ordered, so that sorting by id follows creation order."""

from __future__ import annotations

import itertools
import os
import random
import secrets
import time

# Ids are names, not secrets (keys and tokens come from `new_key`): their random bits keep ids
# from different processes apart. A generator seeded from the OS, because reading the OS's
# random bytes is a system call per id, and each one gave up the GIL in a busy threaded server.
_random = random.Random(os.urandom(32))
# A process-wide sequence orders the ids of one millisecond. `next()` on it is atomic, so no lock
# is taken: a lock here, held by a thread the interpreter switched away from, queued every other
# request thread behind it (docs/performance.md).
_sequence = itertools.count()
_latest_ms = 0
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def _after_fork() -> None:
    """A forked child draws its own random bits: the same ids as its parent's are otherwise
    possible in the same millisecond."""
    _random.seed(os.urandom(32))


os.register_at_fork(after_in_child=_after_fork)


def new_id() -> str:
    """A 26-character id, Crockford base32: 48 bits of milliseconds, 32 bits of the process's
    sequence, 48 random bits.

    Ids made later in a process sort after earlier ones, also within one millisecond, so rows
    created in one request list in arrival order. If the clock steps back, the last millisecond
    seen is used.
    """
    global _latest_ms
    ms = time.time_ns() // 1_000_000
    if ms < _latest_ms:
        ms = _latest_ms
    else:
        _latest_ms = ms
    value = (ms << 80) | ((next(_sequence) & 0xFFFF_FFFF) << 48) | _random.getrandbits(48)
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_key(nbytes: int = 24) -> str:
    """An unguessable URL-safe string (inbox keys, generated secrets, tokens)."""
    return secrets.token_urlsafe(nbytes)
