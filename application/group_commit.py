"""Group commit: the writes of concurrent requests share one transaction and one commit.

Each webhook's writes are small (a handful of rows) while the transaction around them is not:
taking the write lock (SQLite's `BEGIN IMMEDIATE`), checking out a connection and committing
cost more than the rows themselves, and concurrent writers on SQLite wait for each other in its
busy handler. Here a request hands its writes over as a job; whichever request finds no batch
running becomes the leader, takes every job waiting, runs them one after the other in one unit of
work and commits once. Each caller gets its own job's result only after that commit, so a
webhook is still acknowledged only once what it produced is durable.

One job's failure must not cost the others theirs: when a batch fails, it is rolled back and each
of its jobs runs again on its own, in its own transaction, and gets its own result or error. Jobs
must therefore do all their work through the unit of work they are given (a rolled-back batch
leaves nothing behind), must not commit, and must not call `run` themselves (the leader would wait
for its own batch).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from application.ports import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

T = TypeVar("T")

Job = Callable[[UnitOfWork], T]


class CommitRunner(Protocol):
    """Runs `job(uow)` in a transaction and commits; the result once committed."""

    def run(self, job: Job[T]) -> T: ...


class OwnTransactions:
    """Each job in a transaction of its own: for databases whose concurrent transactions overlap
    (PostgreSQL, where several connections' round trips and commits proceed side by side)."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def run(self, job: Job[T]) -> T:
        with self._uow_factory() as uow:
            result = job(uow)
            uow.commit()
        return result


class _Ticket(Generic[T]):
    """One caller's job; its `wake` lock is held until the caller may go on."""

    __slots__ = ("error", "job", "lead", "result", "wake")

    def __init__(self, job: Job[T]) -> None:
        self.job = job
        self.lead = False  # woken to lead the next batch rather than with a result
        self.result: T | None = None
        self.error: BaseException | None = None
        self.wake = threading.Lock()
        self.wake.acquire()

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]


class GroupCommit:
    """`group.run(job)` runs `job(uow)` in a transaction shared with concurrent callers'."""

    def __init__(self, uow_factory: UnitOfWorkFactory, max_batch: int = 64) -> None:
        self._uow_factory = uow_factory
        self._max_batch = max_batch
        self._waiting: deque[_Ticket[Any]] = deque()
        self._leading = False
        self._mutex = threading.Lock()

    def run(self, job: Job[T]) -> T:
        """Run `job` and commit; its result once committed, or the exception it raised."""
        ticket: _Ticket[T] = _Ticket(job)
        with self._mutex:
            if self._leading:
                self._waiting.append(ticket)
            else:
                self._leading = ticket.lead = True
        if not ticket.lead:
            ticket.wake.acquire()  # a leader wakes us: done, or our turn to lead
        if ticket.lead:
            self._lead(ticket)
        return ticket.outcome()

    def waiting(self) -> int:
        """How many jobs wait for the batch after the running one."""
        with self._mutex:
            return len(self._waiting)

    def _lead(self, own: _Ticket[Any]) -> None:
        with self._mutex:
            batch = [own]
            while self._waiting and len(batch) < self._max_batch:
                batch.append(self._waiting.popleft())
        try:
            self._run_batch(batch)
        except BaseException as exc:  # interrupted: no job of the batch may report success
            for ticket in batch:
                ticket.error = exc
            raise
        finally:
            with self._mutex:
                following = self._waiting.popleft() if self._waiting else None
                self._leading = following is not None
            for ticket in batch[1:]:
                ticket.wake.release()
            if following is not None:
                following.lead = True
                following.wake.release()

    def _run_batch(self, batch: list[_Ticket[Any]]) -> None:
        if len(batch) > 1:
            try:
                with self._uow_factory() as uow:
                    results = [ticket.job(uow) for ticket in batch]
                    uow.commit()
            except Exception:
                log.debug("a batch of %d failed; its jobs run again one by one", len(batch))
            else:
                for ticket, result in zip(batch, results, strict=True):
                    ticket.result = result
                return
        for ticket in batch:
            try:
                with self._uow_factory() as uow:
                    ticket.result = ticket.job(uow)
                    uow.commit()
            except BaseException as exc:
                ticket.error = exc  # raised again in the job's own caller
