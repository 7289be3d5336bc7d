"""Conversations over SQLAlchemy Core; a partial unique index keeps one active per contact inbox."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from adapters.outbound.persistence.dialects import insert_ignoring_conflict
from adapters.outbound.persistence.keyset import page_of, paginate
from adapters.outbound.persistence.pending import HoldingRepository
from adapters.outbound.persistence.prepared import PreparedStatement
from adapters.outbound.persistence.tables import NOT_RESOLVED, conversations
from domain.conversations import Conversation, ConversationStatus
from domain.pagination import Page

_ACTIVE = conversations.c.status != ConversationStatus.RESOLVED.value

# Every webhook runs these (see prepared.py). The partial index's own predicate, as a literal:
# compared with a bound value, SQLite prepares the statement again on every run to decide
# whether that index applies.
_ACTIVE_FOR = PreparedStatement(
    sa.select(conversations).where(
        (conversations.c.contact_inbox_id == sa.bindparam("contact_inbox_id")) & NOT_RESOLVED
    )
)
_LATEST_FOR = PreparedStatement(
    sa.select(conversations)
    .where(conversations.c.contact_inbox_id == sa.bindparam("contact_inbox_id"))
    .order_by(conversations.c.created_at.desc(), conversations.c.id.desc())
    .limit(1)
)
# The SET clause comes from the parameters' column names; the row is picked by `conversation_id`.
_UPDATE = PreparedStatement(
    conversations.update().where(conversations.c.id == sa.bindparam("conversation_id"))
)


class SqlAlchemyConversationRepository(HoldingRepository):
    """`pending` (SQLite only): hold back updates until commit or a read (see pending.py)."""

    def active_for(self, contact_inbox_id: str) -> Conversation | None:
        row = _ACTIVE_FOR.first(self._for(contact_inbox_id), {"contact_inbox_id": contact_inbox_id})
        return None if row is None else _conversation(row)

    def latest_for(self, contact_inbox_id: str) -> Conversation | None:
        row = _LATEST_FOR.first(self._for(contact_inbox_id), {"contact_inbox_id": contact_inbox_id})
        return None if row is None else _conversation(row)

    def _for(self, contact_inbox_id: str) -> sa.Connection:
        """The connection for reading one contact inbox's conversations: held updates of other
        contact inboxes' conversations cannot change the answer."""
        if self._pending is not None and contact_inbox_id in self._pending.updated_contact_inboxes:
            return self._connection
        return self._db

    def add_unless_active(self, conversation: Conversation) -> Conversation:
        values = _values(conversation)
        if conversation.status is ConversationStatus.RESOLVED:
            # A resolved conversation is outside the partial index: nothing to decide.
            self._connection.execute(conversations.insert().values(values))
        elif not insert_ignoring_conflict(
            self._connection, conversations, values, ("contact_inbox_id",), where=NOT_RESOLVED
        ):
            active = self.active_for(conversation.contact_inbox_id)
            if active is None:  # pragma: no cover - the conflicting row was committed
                raise RuntimeError("active conversation conflicted but is missing")
            return active
        return conversation

    def update(self, conversation: Conversation) -> None:
        values = {
            "conversation_id": conversation.id,
            "status": conversation.status.value,
            "last_incoming_at": conversation.last_incoming_at,
            "last_activity_at": conversation.last_activity_at,
        }
        if self._pending is None:
            _UPDATE.execute(self._db, values)
        else:
            self._pending.hold(_UPDATE, values)
            self._pending.updated_contact_inboxes.add(conversation.contact_inbox_id)

    def get(self, account_id: str, conversation_id: str) -> Conversation | None:
        return self._first(
            sa.select(conversations).where(
                (conversations.c.id == conversation_id) & (conversations.c.account_id == account_id)
            )
        )

    def list(
        self,
        account_id: str,
        *,
        inbox_id: str | None,
        status: str | None,
        cursor: str | None,
        limit: int,
    ) -> Page[Conversation]:
        statement = sa.select(conversations).where(conversations.c.account_id == account_id)
        if inbox_id is not None:
            statement = statement.where(conversations.c.inbox_id == inbox_id)
        if status is not None:
            statement = statement.where(conversations.c.status == status)
        statement = paginate(
            statement,
            conversations.c.last_activity_at,
            conversations.c.id,
            descending=True,
            cursor=cursor,
        )
        rows = self._connection.execute(statement.limit(limit + 1)).all()
        return page_of(
            [_conversation(row) for row in rows], limit, lambda c: (c.last_activity_at, c.id)
        )

    def _first(self, statement: sa.Select[Any]) -> Conversation | None:
        row = self._connection.execute(statement).first()
        return None if row is None else _conversation(row)


def _values(conversation: Conversation) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "account_id": conversation.account_id,
        "inbox_id": conversation.inbox_id,
        "contact_id": conversation.contact_id,
        "contact_inbox_id": conversation.contact_inbox_id,
        "status": conversation.status.value,
        "last_incoming_at": conversation.last_incoming_at,
        "last_activity_at": conversation.last_activity_at,
        "created_at": conversation.created_at,
    }


def _conversation(row: sa.Row[Any]) -> Conversation:
    return Conversation(
        id=row.id,
        account_id=row.account_id,
        inbox_id=row.inbox_id,
        contact_id=row.contact_id,
        contact_inbox_id=row.contact_inbox_id,
        status=ConversationStatus(row.status),
        last_incoming_at=row.last_incoming_at,
        last_activity_at=row.last_activity_at,
        created_at=row.created_at,
    )
