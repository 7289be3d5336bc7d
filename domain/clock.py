from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    """The real clock; tests pass a fixed one that satisfies `ports.Clock`."""

    def now(self) -> datetime:
        return datetime.now(UTC)
