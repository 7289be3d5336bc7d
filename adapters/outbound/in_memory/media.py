"""Attachment bytes in a dict: for tests and for trying channelhub without a database."""

from __future__ import annotations

import threading

from domain.ports.media import FetchedMedia


class InMemoryMediaStore:
    def __init__(self) -> None:
        self._blobs: dict[str, FetchedMedia] = {}
        self._lock = threading.Lock()

    def put(self, attachment_id: str, media: FetchedMedia) -> None:
        with self._lock:
            self._blobs[attachment_id] = media

    def get(self, attachment_id: str) -> FetchedMedia | None:
        with self._lock:
            return self._blobs.get(attachment_id)
