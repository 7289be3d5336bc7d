"""Contract of the delivery side of `MessageRepository`: claims, leases and due deliveries."""

from __future__ import annotations

from datetime import datetime, timedelta

from adapters.contracts.fixtures import Scene, StoreContract, add_messages, at, set_scene
from application.ports import UnitOfWorkFactory
from domain.messages import Message, MessageStatus

LEASE = timedelta(minutes=2)


def claim(uow_factory: UnitOfWorkFactory, message_id: str, now: datetime) -> bool:
    with uow_factory() as uow:
        claimed = uow.messages.claim_for_delivery(message_id, now, now + LEASE)
        uow.commit()
    return claimed


def attempts(uow_factory: UnitOfWorkFactory, scene: Scene, message_id: str) -> int:
    with uow_factory() as uow:
        message = uow.messages.get(scene.account.id, message_id)
    assert message is not None
    return message.delivery_attempts


def pending(scene: Scene, created: datetime, next_attempt_at: datetime | None) -> Message:
    return scene.outgoing(created, next_attempt_at=next_attempt_at)


class DeliveryClaimContract(StoreContract):
    """Delivery claims of `MessageRepository`; see `RepositoryContract` for how to use it."""

    def test_a_due_pending_outgoing_message_is_claimed_once(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)
        message = pending(scene, at(0), at(0))
        add_messages(uow_factory, message)

        assert claim(uow_factory, message.id, at(1)) is True
        assert claim(uow_factory, message.id, at(2)) is False

    def test_a_claim_counts_the_attempt(self, uow_factory: UnitOfWorkFactory) -> None:
        scene = set_scene(uow_factory)
        message = pending(scene, at(0), None)
        add_messages(uow_factory, message)

        claim(uow_factory, message.id, at(1))
        claim(uow_factory, message.id, at(2))  # refused: does not count

        assert attempts(uow_factory, scene, message.id) == 1

    def test_an_expired_lease_may_be_claimed_again(self, uow_factory: UnitOfWorkFactory) -> None:
        scene = set_scene(uow_factory)
        message = pending(scene, at(0), at(0))
        add_messages(uow_factory, message)
        claim(uow_factory, message.id, at(1))

        assert claim(uow_factory, message.id, at(1) + LEASE) is False  # the lease's last moment
        assert claim(uow_factory, message.id, at(2) + LEASE) is True
        assert attempts(uow_factory, scene, message.id) == 2

    def test_a_released_claim_may_be_claimed_at_once(self, uow_factory: UnitOfWorkFactory) -> None:
        scene = set_scene(uow_factory)
        message = pending(scene, at(0), at(0))
        add_messages(uow_factory, message)
        claim(uow_factory, message.id, at(1))
        with uow_factory() as uow:
            uow.messages.release_claim(message.id)
            uow.commit()

        assert claim(uow_factory, message.id, at(2)) is True

    def test_a_rolled_back_claim_leaves_no_trace(self, uow_factory: UnitOfWorkFactory) -> None:
        scene = set_scene(uow_factory)
        message = pending(scene, at(0), at(0))
        add_messages(uow_factory, message)
        with uow_factory() as uow:
            assert uow.messages.claim_for_delivery(message.id, at(1), at(1) + LEASE)

        assert attempts(uow_factory, scene, message.id) == 0
        assert claim(uow_factory, message.id, at(2)) is True

    def test_a_message_not_yet_due_is_not_claimed(self, uow_factory: UnitOfWorkFactory) -> None:
        scene = set_scene(uow_factory)
        message = pending(scene, at(0), at(30))
        add_messages(uow_factory, message)

        assert claim(uow_factory, message.id, at(29)) is False
        assert claim(uow_factory, message.id, at(30)) is True

    def test_only_pending_outgoing_messages_are_claimed(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)
        incoming = scene.incoming("wamid.1", at(0))
        sent = pending(scene, at(0), None)
        sent.mark_sent("provider-1")
        failed = pending(scene, at(0), None)
        failed.mark_failed("rejected")
        add_messages(uow_factory, incoming, sent, failed)

        for message in (incoming, sent, failed):
            assert claim(uow_factory, message.id, at(1)) is False, message.status
        assert claim(uow_factory, "no-such-message", at(1)) is False

    def test_an_explicit_retry_makes_a_failed_message_claimable(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)
        message = pending(scene, at(0), None)
        message.mark_failed("rejected")
        add_messages(uow_factory, message)
        message.retry(at(5))
        with uow_factory() as uow:
            uow.messages.update(message)
            uow.commit()

        assert claim(uow_factory, message.id, at(5)) is True
        assert attempts(uow_factory, scene, message.id) == 1

    def test_due_deliveries_are_pending_outgoing_messages_without_a_live_claim(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)
        waiting = pending(scene, at(0), at(0))
        later = pending(scene, at(0), at(500))  # listed too: the caller queues it for later
        claimed = pending(scene, at(0), at(0))
        expired = pending(scene, at(0), at(0))
        sent = pending(scene, at(0), None)
        sent.mark_sent("provider-1")
        add_messages(uow_factory, waiting, later, claimed, expired, sent, scene.incoming("in-1"))
        with uow_factory() as uow:
            uow.messages.claim_for_delivery(claimed.id, at(10), at(10) + LEASE)
            uow.messages.claim_for_delivery(expired.id, at(10), at(11))
            uow.commit()

        with uow_factory() as uow:
            due = uow.messages.due_deliveries(at(20), 100)

        assert sorted(due) == sorted(
            [(waiting.id, at(0)), (later.id, at(500)), (expired.id, at(0))]
        )

    def test_a_message_without_next_attempt_is_due_when_created(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)
        message = pending(scene, at(7), None)
        add_messages(uow_factory, message)

        with uow_factory() as uow:
            assert uow.messages.due_deliveries(at(8), 10) == [(message.id, at(7))]

    def test_due_deliveries_come_soonest_first_up_to_the_limit(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        scene = set_scene(uow_factory)
        messages = [pending(scene, at(0), at(s)) for s in (40, 10, 30, 20)]
        add_messages(uow_factory, *messages)

        with uow_factory() as uow:
            due = uow.messages.due_deliveries(at(100), 3)

        assert due == [(messages[i].id, at(s)) for i, s in ((1, 10), (3, 20), (2, 30))]

    def test_racing_claims_grant_exactly_one(self, uow_factory: UnitOfWorkFactory) -> None:
        scene = set_scene(uow_factory)
        message = pending(scene, at(0), at(0))
        add_messages(uow_factory, message)

        results = self.race(lambda: claim(uow_factory, message.id, at(1)))

        assert results.count(True) == 1
        assert attempts(uow_factory, scene, message.id) == 1

    def test_a_claimed_message_keeps_its_status(self, uow_factory: UnitOfWorkFactory) -> None:
        scene = set_scene(uow_factory)
        message = pending(scene, at(0), at(0))
        add_messages(uow_factory, message)
        claim(uow_factory, message.id, at(1))

        with uow_factory() as uow:
            loaded = uow.messages.get_for_update(message.id)
        assert loaded is not None and loaded.status is MessageStatus.PENDING
