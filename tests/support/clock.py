"""A clock the tests set and move; it satisfies `domain.ports.clock.Clock`."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

DEFAULT_START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


class FixedClock:
    """Stands still until told otherwise; safe to read from worker threads."""

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        self._lock = threading.Lock()
        self._now = self._checked(start)

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, at: datetime) -> None:
        with self._lock:
            self._now = self._checked(at)

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        """Move forward by `delta` or by `timedelta(**parts)`; returns the new time."""
        step = delta if delta is not None else timedelta(**parts)
        with self._lock:
            self._now += step
            return self._now

    @staticmethod
    def _checked(at: datetime) -> datetime:
        if at.tzinfo is None:
            raise ValueError("FixedClock wants an aware datetime")
        return at
