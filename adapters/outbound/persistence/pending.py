"""Writes a SQLite transaction holds back and sends together, one driver call per statement.

A webhook's transaction writes three rows that nothing in it reads back: the conversation's new
times, the message and the raw event. Under group commit (application/group_commit.py) several
webhooks share a transaction, so those rows can go out together, each statement once with all its
rows (`executemany`), instead of one driver call per row.

Holding an insert back is only safe when it cannot conflict. On SQLite every transaction holds
the database's write lock from its first statement (`BEGIN IMMEDIATE`, engine.py): no other
connection writes between our reads and our writes. So a message whose (inbox, source id) this
transaction has just looked for, and not found, can be inserted later without conflict. Any
other insert goes at once. PostgreSQL has no such lock, so there nothing is held back.

The repositories keep what they hold consistent with what they read: a message looked up by a
held source id, the conversations of a contact inbox with a held update, and every other
statement on the three tables send what is held first (`flush`). Commit
flushes; leaving the unit of work without commit discards.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from adapters.outbound.persistence.prepared import PreparedStatement

MessageKey = tuple[str, str]  # (inbox_id, source_id)


class PendingWrites:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        # (statement, columns) -> rows, in the order they were held; dicts keep insertion order.
        self._rows: dict[tuple[PreparedStatement, tuple[str, ...]], list[Mapping[str, Any]]] = {}
        self._absent: set[MessageKey] = set()
        self._messages: set[MessageKey] = set()
        self.updated_contact_inboxes: set[str] = set()

    def hold(self, statement: PreparedStatement, values: Mapping[str, Any]) -> None:
        self._rows.setdefault((statement, tuple(values)), []).append(values)

    def note_absent(self, key: MessageKey) -> None:
        """The database had no message for `key` when this transaction asked."""
        self._absent.add(key)

    def may_hold_message(self, key: MessageKey) -> bool:
        return key in self._absent and key not in self._messages

    def hold_message(
        self, key: MessageKey, statement: PreparedStatement, values: Mapping[str, Any]
    ) -> None:
        self.hold(statement, values)
        self._messages.add(key)

    def holds_message(self, key: MessageKey) -> bool:
        return key in self._messages

    def flush(self) -> None:
        """Send every held row, statement by statement, in the order they were first held."""
        rows, self._rows = self._rows, {}
        self._messages.clear()
        self._absent.clear()  # what we write next may differ from what the database said then
        self.updated_contact_inboxes.clear()
        for (statement, _), values in rows.items():
            statement.execute_many(self._connection, values)

    def discard(self) -> None:
        self._rows.clear()
        self._messages.clear()
        self._absent.clear()
        self.updated_contact_inboxes.clear()


class HoldingRepository:
    """Base of the repositories whose writes may be held: messages, conversations, raw events."""

    def __init__(self, connection: sa.Connection, pending: PendingWrites | None = None) -> None:
        self._db = connection
        self._pending = pending

    @property
    def _connection(self) -> sa.Connection:
        """The connection, once what is held back has been written: for every other statement."""
        if self._pending is not None:
            self._pending.flush()
        return self._db
