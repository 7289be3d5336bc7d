"""A delivery queue on one background event loop: `concurrency` worker tasks share it.

Callers on any thread hand ids over with `call_soon_threadsafe`; the count of work that is due
now (queued or running) lives under a `threading.Condition`, so `wait_idle` can block on it.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import aiohttp

from application.delivery import DeliveryOutcome

log = logging.getLogger(__name__)

Handle = Callable[[str], Awaitable[DeliveryOutcome]]
MakeHandler = Callable[[Any], Handle]


class LoopDeliveryQueue:
    def __init__(self, make_handler: MakeHandler, *, concurrency: int = 4) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._make_handler = make_handler
        self._concurrency = concurrency
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="loop-delivery-queue", daemon=True)
        self._ready: asyncio.Queue[str | None] = asyncio.Queue()
        self._timers: set[asyncio.TimerHandle] = set()
        self._state = threading.Condition()
        self._due_or_running = 0
        self._closed = False
        self._started = False

    # -- the interface ---------------------------------------------------------------------

    def start(self) -> None:
        with self._state:
            if self._started:
                return
            self._started = True
        self._thread.start()

    def enqueue(self, message_id: str, not_before: datetime | None = None) -> None:
        with self._state:
            if not self._closed:
                self._admit(message_id, not_before)

    def wait_idle(self, timeout: float | None = None) -> bool:
        with self._state:
            return self._state.wait_for(lambda: self._due_or_running == 0, timeout)

    def stop(self, timeout: float = 30.0) -> None:
        with self._state:
            first_call = not self._closed
            self._closed = True
            started = self._started
        if not started:
            if first_call:
                self._loop.close()
            return
        if first_call:
            # Queued after every id admitted so far, so those still run before the workers end.
            self._loop.call_soon_threadsafe(self._shut_down)
        self._thread.join(timeout)

    # -- inside -----------------------------------------------------------------------------

    def _admit(self, message_id: str, not_before: datetime | None) -> None:
        """Called with `_state` held and the queue open."""
        if not_before is not None and not_before > datetime.now(UTC):
            self._loop.call_soon_threadsafe(self._later, message_id, not_before)
            return
        self._due_or_running += 1
        self._loop.call_soon_threadsafe(self._ready.put_nowait, message_id)

    def _later(self, message_id: str, not_before: datetime) -> None:
        delay = max(0.0, (not_before - datetime.now(UTC)).total_seconds())
        handle: asyncio.TimerHandle | None = None

        def fire() -> None:
            if handle is not None:
                self._timers.discard(handle)
            self.enqueue(message_id)

        handle = self._loop.call_later(delay, fire)
        self._timers.add(handle)

    def _shut_down(self) -> None:
        for timer in self._timers:
            timer.cancel()  # future work stays in the database until recovery
        self._timers.clear()
        for _ in range(self._concurrency):
            self._ready.put_nowait(None)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        finally:
            self._loop.close()

    async def _serve(self) -> None:
        async with aiohttp.ClientSession() as session:
            handle = self._make_handler(session)
            workers = [asyncio.create_task(self._work(handle)) for _ in range(self._concurrency)]
            await asyncio.gather(*workers)

    async def _work(self, handle: Handle) -> None:
        while (message_id := await self._ready.get()) is not None:
            outcome: DeliveryOutcome | None = None
            try:
                outcome = await handle(message_id)
            except Exception:
                log.exception("the handler raised for %s; not retried", message_id)
            with self._state:
                if outcome is not None and outcome.status == "retry" and not self._closed:
                    self._admit(message_id, outcome.retry_at)
                self._due_or_running -= 1
                self._state.notify_all()
