"""Attachment bytes in the database, so every process and host serves the same files."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import sqlalchemy as sa

from adapters.outbound.persistence.tables import media_blobs
from domain.ports.media import FetchedMedia


class SqlAlchemyMediaStore:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def put(self, attachment_id: str, media: FetchedMedia) -> None:
        values = {
            "attachment_id": attachment_id,
            "content": media.content,
            "mime_type": media.mime_type,
            "file_name": media.file_name,
            "stored_at": datetime.now(UTC),
        }
        # Replace, in one transaction: a retried fetch stores the same bytes again. Two
        # processes fetching one attachment at once store the same bytes: the loser may go.
        with contextlib.suppress(sa.exc.IntegrityError), self._engine.begin() as connection:
            connection.execute(
                media_blobs.delete().where(media_blobs.c.attachment_id == attachment_id)
            )
            connection.execute(media_blobs.insert(), values)

    def get(self, attachment_id: str) -> FetchedMedia | None:
        with self._engine.connect() as connection:
            row = connection.execute(
                sa.select(media_blobs).where(media_blobs.c.attachment_id == attachment_id)
            ).first()
        if row is None:
            return None
        return FetchedMedia(row.content, row.mime_type, row.file_name)
