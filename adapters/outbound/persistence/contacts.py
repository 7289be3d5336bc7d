"""Contacts and their per-inbox identities over SQLAlchemy Core."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.outbound.persistence.dialects import insert_ignoring_conflict
from adapters.outbound.persistence.keyset import page_of, paginate
from adapters.outbound.persistence.prepared import PreparedStatement
from adapters.outbound.persistence.tables import contact_inboxes, contacts
from domain.contacts import Contact, ContactInbox, ContactProfile
from domain.ids import new_id
from domain.pagination import Page

# Every webhook looks its sender up (see prepared.py).
_PAIR = PreparedStatement(
    sa.select(
        contacts,
        contact_inboxes.c.id.label("ci_id"),
        contact_inboxes.c.created_at.label("ci_created_at"),
        contact_inboxes.c.unreachable_reason.label("ci_unreachable_reason"),
    )
    .join(contact_inboxes, contact_inboxes.c.contact_id == contacts.c.id)
    .where(
        (contact_inboxes.c.inbox_id == sa.bindparam("inbox_id"))
        & (contact_inboxes.c.source_id == sa.bindparam("source_id"))
    )
)
_INSERT_CONTACT = PreparedStatement(contacts.insert())


class SqlAlchemyContactRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def get_or_create(
        self,
        *,
        account_id: str,
        inbox_id: str,
        source_id: str,
        profile: ContactProfile,
        now: datetime,
    ) -> tuple[Contact, ContactInbox]:
        found = self._pair(inbox_id, source_id)
        if found is not None:
            return found
        contact = Contact(
            id=new_id(),
            account_id=account_id,
            name=profile.name,
            phone_number=profile.phone_number,
            email=profile.email,
            identifier=profile.identifier,
            created_at=now,
        )
        contact_inbox = ContactInbox(
            id=new_id(),
            contact_id=contact.id,
            inbox_id=inbox_id,
            source_id=source_id,
            created_at=now,
        )
        _INSERT_CONTACT.execute(self._connection, _contact_values(contact))
        inserted = insert_ignoring_conflict(
            self._connection,
            contact_inboxes,
            {
                "id": contact_inbox.id,
                "contact_id": contact.id,
                "inbox_id": inbox_id,
                "source_id": source_id,
                "created_at": now,
            },
            conflict_on=("inbox_id", "source_id"),
        )
        if inserted:
            return contact, contact_inbox
        # Someone else created the pair since we looked: theirs stands, ours goes.
        self._connection.execute(contacts.delete().where(contacts.c.id == contact.id))
        winner = self._pair(inbox_id, source_id)
        if winner is None:  # pragma: no cover - the conflicting row was committed
            raise RuntimeError(f"contact inbox {inbox_id}/{source_id} conflicted but is missing")
        return winner

    def get(self, account_id: str, contact_id: str) -> Contact | None:
        row = self._connection.execute(
            sa.select(contacts).where(
                (contacts.c.id == contact_id) & (contacts.c.account_id == account_id)
            )
        ).first()
        return None if row is None else _contact(row)

    def update(self, contact: Contact) -> None:
        values = _contact_values(contact)
        for fixed in ("id", "account_id", "created_at"):
            values.pop(fixed)
        self._connection.execute(
            contacts.update().where(contacts.c.id == contact.id).values(**values)
        )

    def get_contact_inbox(self, contact_inbox_id: str) -> ContactInbox | None:
        row = self._connection.execute(
            sa.select(contact_inboxes).where(contact_inboxes.c.id == contact_inbox_id)
        ).first()
        return None if row is None else _contact_inbox(row)

    def list(
        self, account_id: str, *, q: str | None, cursor: str | None, limit: int
    ) -> Page[Contact]:
        statement = sa.select(contacts).where(contacts.c.account_id == account_id)
        if q:
            statement = statement.where(
                sa.or_(
                    *(
                        column.icontains(q, autoescape=True)
                        for column in (
                            contacts.c.name,
                            contacts.c.email,
                            contacts.c.phone_number,
                            contacts.c.identifier,
                        )
                    )
                )
            )
        statement = paginate(
            statement, contacts.c.created_at, contacts.c.id, descending=True, cursor=cursor
        )
        rows = self._connection.execute(statement.limit(limit + 1)).all()
        return page_of([_contact(row) for row in rows], limit, lambda c: (c.created_at, c.id))

    def readdress(self, contact_inbox_id: str, source_id: str) -> bool:
        current = self.get_contact_inbox(contact_inbox_id)
        if current is None or self._pair(current.inbox_id, source_id) is not None:
            return False
        self._connection.execute(
            contact_inboxes.update()
            .where(contact_inboxes.c.id == contact_inbox_id)
            .values(source_id=source_id)
        )
        return True

    def set_unreachable(self, contact_inbox_id: str, reason: str | None) -> None:
        self._connection.execute(
            contact_inboxes.update()
            .where(contact_inboxes.c.id == contact_inbox_id)
            .values(unreachable_reason=reason)
        )

    def _pair(self, inbox_id: str, source_id: str) -> tuple[Contact, ContactInbox] | None:
        row = _PAIR.first(self._connection, {"inbox_id": inbox_id, "source_id": source_id})
        if row is None:
            return None
        contact_inbox = ContactInbox(
            id=row.ci_id,
            contact_id=row.id,
            inbox_id=inbox_id,
            source_id=source_id,
            created_at=row.ci_created_at,
            unreachable_reason=row.ci_unreachable_reason,
        )
        return _contact(row), contact_inbox


def _contact_values(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.id,
        "account_id": contact.account_id,
        "name": contact.name,
        "phone_number": contact.phone_number,
        "email": contact.email,
        "identifier": contact.identifier,
        "created_at": contact.created_at,
    }


def _contact(row: sa.Row[Any]) -> Contact:
    return Contact(
        id=row.id,
        account_id=row.account_id,
        name=row.name,
        phone_number=row.phone_number,
        email=row.email,
        identifier=row.identifier,
        created_at=row.created_at,
    )


def _contact_inbox(row: sa.Row[Any]) -> ContactInbox:
    return ContactInbox(
        id=row.id,
        contact_id=row.contact_id,
        inbox_id=row.inbox_id,
        source_id=row.source_id,
        created_at=row.created_at,
        unreachable_reason=row.unreachable_reason,
    )
