"""The contracts every repository adapter keeps, one class per repository.

Use them by subclassing in a test module and providing one fixture::

    from adapters.contracts.repositories import RepositoryContract

    class TestMyRepositories(RepositoryContract):
        @pytest.fixture
        def uow_factory(self):
            store = make_empty_store()          # fresh and empty for every test
            return lambda: MyUnitOfWork(store)

`uow_factory` is a zero-argument callable returning a new `UnitOfWork` whose repositories are the
ones under test; it may also come from a conftest.py. `RepositoryContract` runs every suite; pick
single ones (`MessageRepositoryContract`, ...) to check one repository. Set
`concurrent_units_of_work = False` on the subclass to skip the tests that race units of work
from many threads (for adapters that are single-threaded by design), and `race_threads` to
change how many threads race.
"""

from adapters.contracts.repositories.accounts import (
    AccountRepositoryContract,
    InboxRepositoryContract,
)
from adapters.contracts.repositories.contacts import ContactRepositoryContract
from adapters.contracts.repositories.conversations import ConversationRepositoryContract
from adapters.contracts.repositories.deliveries import DeliveryClaimContract
from adapters.contracts.repositories.messages import MessageRepositoryContract
from adapters.contracts.repositories.raw_events import RawEventRepositoryContract


class RepositoryContract(
    AccountRepositoryContract,
    InboxRepositoryContract,
    ContactRepositoryContract,
    ConversationRepositoryContract,
    MessageRepositoryContract,
    DeliveryClaimContract,
    RawEventRepositoryContract,
):
    """Every repository port at once. Subclass it and provide the `uow_factory` fixture.

    `uow_factory` returns a new `UnitOfWork` on each call, over a store that is fresh and empty
    for each test. Set `concurrent_units_of_work = False` to skip the thread races.
    """


__all__ = [
    "AccountRepositoryContract",
    "ContactRepositoryContract",
    "ConversationRepositoryContract",
    "DeliveryClaimContract",
    "InboxRepositoryContract",
    "MessageRepositoryContract",
    "RawEventRepositoryContract",
    "RepositoryContract",
]
