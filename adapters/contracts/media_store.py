"""The `MediaStore` contract: where fetched attachment bytes are kept.

Subclass it in a test module and give the fixture a fresh, empty store:

    class TestMyMediaStore(MediaStoreContract):
        @pytest.fixture
        def media_store(self) -> MediaStore:
            return MyMediaStore(...)
"""

from __future__ import annotations

import threading

import pytest

from domain.ports.media import FetchedMedia, MediaStore


class MediaStoreContract:
    @pytest.fixture
    def media_store(self) -> MediaStore:
        raise NotImplementedError("override the media_store fixture with a fresh, empty store")

    def test_stored_bytes_come_back_exactly(self, media_store: MediaStore) -> None:
        every_byte = bytes(range(256)) * 64
        media_store.put("att-1", FetchedMedia(every_byte, "image/jpeg", "photo.jpg"))
        assert media_store.get("att-1") == FetchedMedia(every_byte, "image/jpeg", "photo.jpg")

    def test_an_unknown_attachment_is_none(self, media_store: MediaStore) -> None:
        assert media_store.get("never-stored") is None

    def test_put_replaces_what_was_stored(self, media_store: MediaStore) -> None:
        media_store.put("att-1", FetchedMedia(b"old", "text/plain"))
        media_store.put("att-1", FetchedMedia(b"new", None))
        assert media_store.get("att-1") == FetchedMedia(b"new", None)

    def test_attachments_are_kept_apart(self, media_store: MediaStore) -> None:
        media_store.put("a", FetchedMedia(b"A", "text/plain"))
        media_store.put("b", FetchedMedia(b"B", "text/plain"))
        assert (media_store.get("a"), media_store.get("b")) == (
            FetchedMedia(b"A", "text/plain"),
            FetchedMedia(b"B", "text/plain"),
        )

    def test_racing_puts_of_one_attachment_leave_it_stored(self, media_store: MediaStore) -> None:
        start = threading.Barrier(8)
        errors: list[BaseException] = []

        def put() -> None:
            start.wait()
            try:
                media_store.put("same", FetchedMedia(b"bytes", "image/png"))
            except BaseException as exc:  # collected: a race must not raise
                errors.append(exc)

        threads = [threading.Thread(target=put) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert media_store.get("same") == FetchedMedia(b"bytes", "image/png")
