"""Several kinds of background job on one queue: ids are tagged with their kind."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

from application.delivery import DeliveryOutcome
from application.ports import DeliveryQueue

Job = Callable[[str], Awaitable[DeliveryOutcome]]


class KindQueue:
    """A `DeliveryQueue` view that tags each id with a job kind (`receipt:<message id>`)."""

    def __init__(self, queue: DeliveryQueue, kind: str) -> None:
        self.queue = queue
        self.kind = kind

    def enqueue(self, item_id: str, not_before: datetime | None = None) -> None:
        self.queue.enqueue(f"{self.kind}:{item_id}", not_before)


class JobRouter:
    """Runs a tagged id with the job of its kind; unknown kinds are skipped."""

    def __init__(self, jobs: Mapping[str, Job]) -> None:
        self.jobs = dict(jobs)

    async def __call__(self, tagged_id: str) -> DeliveryOutcome:
        kind, _, item_id = tagged_id.partition(":")
        job = self.jobs.get(kind)
        if job is None or not item_id:
            return DeliveryOutcome("skipped")
        return await job(item_id)
