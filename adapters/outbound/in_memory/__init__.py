"""In-memory adapters: the same contracts as the SQL ones, for tests and for trying things out."""

from adapters.outbound.in_memory.media import InMemoryMediaStore
from adapters.outbound.in_memory.messages import (
    InMemoryMessageRepository,
    InMemoryRawEventRepository,
)
from adapters.outbound.in_memory.repositories import (
    InMemoryAccountRepository,
    InMemoryContactRepository,
    InMemoryConversationRepository,
    InMemoryInboxRepository,
)
from adapters.outbound.in_memory.store import InMemoryStore
from adapters.outbound.in_memory.unit_of_work import InMemoryUnitOfWork

__all__ = [
    "InMemoryAccountRepository",
    "InMemoryContactRepository",
    "InMemoryConversationRepository",
    "InMemoryInboxRepository",
    "InMemoryMediaStore",
    "InMemoryMessageRepository",
    "InMemoryRawEventRepository",
    "InMemoryStore",
    "InMemoryUnitOfWork",
]
