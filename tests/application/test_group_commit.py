"""Group commit: concurrent jobs share transactions; each answers only after its commit."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from adapters.contracts.fixtures import Scene, set_scene
from application.group_commit import GroupCommit, OwnTransactions
from application.ports import UnitOfWork, UnitOfWorkFactory


class CountingFactory:
    """Counts the units of work (transactions) the group opens."""

    def __init__(self, inner: UnitOfWorkFactory) -> None:
        self.inner = inner
        self.opened = 0

    def __call__(self) -> UnitOfWork:
        self.opened += 1
        return self.inner()


def store(scene: Scene, source_id: str) -> Callable[[UnitOfWork], str]:
    def job(uow: UnitOfWork) -> str:
        message = scene.incoming(source_id)
        assert uow.messages.add(message)
        return message.id

    return job


def stored(uow_factory: UnitOfWorkFactory, scene: Scene, source_id: str) -> bool:
    with uow_factory() as uow:
        return uow.messages.by_source_id(scene.inbox.id, source_id) is not None


def test_a_lone_job_runs_in_its_own_committed_transaction(uow_factory: UnitOfWorkFactory) -> None:
    scene = set_scene(uow_factory)
    counting = CountingFactory(uow_factory)
    group = GroupCommit(counting)
    message_id = group.run(store(scene, "m1"))
    assert message_id
    assert stored(uow_factory, scene, "m1")  # visible to others once run() returned
    assert counting.opened == 1


def run_while_first_job_waits(
    group: GroupCommit, first: Callable[[UnitOfWork], object], others: list[Callable[..., object]]
) -> tuple[list[object], list[BaseException]]:
    """Start `first`, queue every other job behind it while it runs, then let it finish."""
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def call(job: Callable[[UnitOfWork], object]) -> None:
        try:
            outcome = group.run(job)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        else:
            with lock:
                results.append(outcome)

    leader = threading.Thread(target=call, args=(first,))
    leader.start()
    followers = [threading.Thread(target=call, args=(job,)) for job in others]
    for thread in followers:
        thread.start()
    return_when_all_wait(group, len(others))
    for thread in [leader, *followers]:
        thread.join(10)
    return results, errors


def return_when_all_wait(group: GroupCommit, count: int) -> None:
    for _ in range(2000):
        if group.waiting() >= count:
            return
        threading.Event().wait(0.005)
    raise AssertionError("the jobs never queued")


def test_jobs_that_arrive_together_share_one_transaction(uow_factory: UnitOfWorkFactory) -> None:
    scene = set_scene(uow_factory)
    counting = CountingFactory(uow_factory)
    group = GroupCommit(counting)
    release = threading.Event()

    def slow_first(uow: UnitOfWork) -> str:
        release.wait(10)
        return store(scene, "first")(uow)

    threading.Timer(0.2, release.set).start()
    others = [store(scene, f"m{i}") for i in range(5)]
    results, errors = run_while_first_job_waits(group, slow_first, others)
    assert not errors
    assert len(results) == 6 and len(set(results)) == 6
    assert counting.opened == 2  # the first job's, then one for the five that queued behind it
    assert all(stored(uow_factory, scene, f"m{i}") for i in range(5))


def test_a_failing_job_costs_only_itself(uow_factory: UnitOfWorkFactory) -> None:
    scene = set_scene(uow_factory)
    group = GroupCommit(uow_factory)
    release = threading.Event()

    def slow_first(uow: UnitOfWork) -> str:
        release.wait(10)
        return store(scene, "first")(uow)

    def failing(uow: UnitOfWork) -> str:
        store(scene, "doomed")(uow)
        raise ValueError("this job fails after writing")

    threading.Timer(0.2, release.set).start()
    others = [store(scene, "a"), failing, store(scene, "b")]
    results, errors = run_while_first_job_waits(group, slow_first, others)
    assert [type(e) for e in errors] == [ValueError]
    assert len(results) == 3
    assert stored(uow_factory, scene, "a") and stored(uow_factory, scene, "b")
    assert not stored(uow_factory, scene, "doomed")


def test_an_interrupted_batch_reports_no_success(uow_factory: UnitOfWorkFactory) -> None:
    scene = set_scene(uow_factory)
    group = GroupCommit(uow_factory)
    release = threading.Event()

    def interrupted(uow: UnitOfWork) -> str:
        release.wait(10)
        raise KeyboardInterrupt

    threading.Timer(0.2, release.set).start()
    # The interruption hits the leader's lone batch; the follower leads its own next.
    results, errors = run_while_first_job_waits(group, interrupted, [store(scene, "after")])
    assert [type(e) for e in errors] == [KeyboardInterrupt]
    assert len(results) == 1 and stored(uow_factory, scene, "after")


@pytest.mark.parametrize("callers", [16])
def test_many_concurrent_callers_each_get_their_own_result(
    uow_factory: UnitOfWorkFactory, callers: int
) -> None:
    scene = set_scene(uow_factory)
    group = GroupCommit(uow_factory, max_batch=4)
    results: dict[int, str] = {}
    start = threading.Barrier(callers)

    def call(i: int) -> None:
        start.wait()
        results[i] = group.run(store(scene, f"m{i}"))

    threads = [threading.Thread(target=call, args=(i,)) for i in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(set(results.values())) == callers
    with uow_factory() as uow:
        for i, message_id in results.items():
            found = uow.messages.by_source_id(scene.inbox.id, f"m{i}")
            assert found is not None and found.id == message_id


def test_own_transactions_commit_each_job_alone(uow_factory: UnitOfWorkFactory) -> None:
    scene = set_scene(uow_factory)
    counting = CountingFactory(uow_factory)
    runner = OwnTransactions(counting)
    assert runner.run(store(scene, "m1"))

    def failing(uow: UnitOfWork) -> str:
        store(scene, "doomed")(uow)
        raise ValueError("fails after writing")

    with pytest.raises(ValueError):
        runner.run(failing)
    assert stored(uow_factory, scene, "m1") and not stored(uow_factory, scene, "doomed")
    assert counting.opened == 2
