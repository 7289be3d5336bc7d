"""Ids: unique, time-ordered, and a forked child does not repeat its parent's."""

from __future__ import annotations

import os
import re
import threading
import time

import pytest

from domain.ids import new_id

CROCKFORD = re.compile(r"^[0-9abcdefghjkmnpqrstvwxyz]{26}$")


def test_ids_are_unique_sorted_and_crockford_base32() -> None:
    # More than one block of random bytes, so the refill is crossed several times.
    ids = [new_id() for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert all(CROCKFORD.match(i) for i in ids)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")
def test_a_forked_child_draws_its_own_random_bits() -> None:
    new_id()  # the parent holds unread random bytes now
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report ten ids and leave at once
        os.close(read)
        os.write(write, ",".join(new_id() for _ in range(10)).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        child = pipe.read().split(",")
    os.waitpid(pid, 0)
    parent = [new_id() for _ in range(10)]
    # Same milliseconds are likely; the random parts must differ all the same.
    assert not {i[10:] for i in child} & {i[10:] for i in parent}
    assert len(child) == 10


def test_ids_made_in_many_threads_at_once_are_all_different() -> None:
    made: list[list[str]] = [[] for _ in range(8)]
    start = threading.Barrier(8)

    def make(into: list[str]) -> None:
        start.wait()
        into.extend(new_id() for _ in range(5000))

    threads = [threading.Thread(target=make, args=(m,)) for m in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    everything = [i for m in made for i in m]
    assert len(everything) == 40_000 == len(set(everything))
    assert all(m == sorted(m) for m in made)  # each thread's own ids in the order it made them


def test_ids_stay_in_order_when_the_clock_steps_back(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [time.time_ns()]
    monkeypatch.setattr(time, "time_ns", lambda: now[0])
    first = new_id()
    now[0] -= 5_000_000_000  # five seconds back
    assert new_id() > first
