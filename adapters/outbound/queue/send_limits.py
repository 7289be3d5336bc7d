"""Per-inbox send rates: a place in line for every send, in this process or shared through Redis.

`SendRateLimiter` (application/ports.py) as the generic cell rate algorithm: each inbox has a
theoretical arrival time (TAT) that every send moves on by `per_seconds / sends`; a send may go
while the TAT is less than one span ahead, so a quiet inbox can send `sends` messages at once and
a busy one sends them evenly spaced. A send that may not go yet is given the time its place comes
and keeps that place under its ticket (the message id): coming back then, it goes through without
queueing again.

Why not Dramatiq's rate limiters, which DESIGN.md first named: they answer only yes or no. A send
refused by them has no place to keep, so every held-back send of a burst asks again at the next
window and most are refused again: a burst of n sends cost about n * n / (2 * sends) refusals (5 000
WhatsApp messages: about 150 000, each a database round trip), where here each held-back send
is refused once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import redis

from adapters.outbound.queue.dramatiq_redis import split_namespace
from domain.channels import SendRate

# A send that comes back this close to its place goes: the clocks of the database, the worker
# and Redis need not agree to the millisecond.
EARLY_SECONDS = 0.05
# A place its send never came back for (the message was deleted, say) is forgotten after this.
FORGET_PLACES_AFTER = 3600.0


def _spacing(rate: SendRate) -> tuple[float, float]:
    """(seconds between evenly spaced sends, how far ahead the TAT may run: the burst)."""
    interval = rate.per_seconds / rate.sends
    return interval, rate.per_seconds - interval


class InProcessSendLimiter:
    """For one process: `serve` delivering in-process, or a database-polling worker."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._tat: dict[str, float] = {}
        self._places: dict[str, float] = {}

    def reserve(self, key: str, rate: SendRate, ticket: str) -> float:
        with self._lock:
            now = self._clock()
            place = self._places.get(ticket)
            if place is not None:
                if place - now > EARLY_SECONDS:
                    return place - now
                del self._places[ticket]
                return 0.0
            interval, burst = _spacing(rate)
            tat = max(self._tat.get(key, now), now)
            self._tat[key] = tat + interval
            may_go_at = tat - burst
            if may_go_at <= now:
                return 0.0
            self._forget_stale_places(now)
            self._places[ticket] = may_go_at
            return may_go_at - now

    def _forget_stale_places(self, now: float) -> None:
        if len(self._places) > 10_000:
            cutoff = now - FORGET_PLACES_AFTER
            self._places = {t: at for t, at in self._places.items() if at > cutoff}


# Atomic in Redis, on Redis's clock (workers' clocks may disagree). Numbers travel as strings:
# a Lua number returned to Redis becomes an integer.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local place = redis.call('GET', KEYS[2])
if place then
  local wait = tonumber(place) - now
  if wait > tonumber(ARGV[3]) then return tostring(wait) end
  redis.call('DEL', KEYS[2])
  return '0'
end
local interval, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local ttl = math.ceil((tat + interval - now + burst) * 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.6f', tat + interval), 'PX', ttl)
local may_go_at = tat - burst
if may_go_at <= now then return '0' end
local keep = math.ceil((may_go_at - now + tonumber(ARGV[4])) * 1000)
redis.call('SET', KEYS[2], string.format('%.6f', may_go_at), 'PX', keep)
return tostring(may_go_at - now)
"""


class RedisSendLimiter:
    """Shared by every process with the same Redis URL and namespace: one line per inbox."""

    def __init__(self, url: str) -> None:
        plain, self._namespace = split_namespace(url)
        self._redis = redis.Redis.from_url(plain)
        self._script = self._redis.register_script(_RESERVE)

    def reserve(self, key: str, rate: SendRate, ticket: str) -> float:
        interval, burst = _spacing(rate)
        keys = [f"{self._namespace}:send-rate:{key}", f"{self._namespace}:send-place:{ticket}"]
        args = [repr(interval), repr(burst), repr(EARLY_SECONDS), repr(FORGET_PLACES_AFTER)]
        return float(self._script(keys=keys, args=args))
