"""Fakes for the ports the HTTP tests do not exercise for real."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


class MovableClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@dataclass
class RecordingQueue:
    enqueued: list[str] = field(default_factory=list)

    def enqueue(self, message_id: str, not_before: datetime | None = None) -> None:
        self.enqueued.append(message_id)


@dataclass
class Readiness:
    answer: bool = True

    def __call__(self) -> bool:
        return self.answer
