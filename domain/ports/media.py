from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.channels import Channel


@dataclass(frozen=True)
class FetchedMedia:
    content: bytes
    mime_type: str | None
    file_name: str | None = None


class MediaFetcher(Protocol):
    async def fetch(self, provider_ref: str, channel: Channel) -> FetchedMedia:
        """Turn a provider's media reference (an id or a URL) into bytes.

        Raises `ChannelUnavailable` when worth retrying, `ChannelRejected` when not.
        """
        ...


class MediaStore(Protocol):
    """Where fetched attachment bytes are kept, by attachment id; `put` replaces."""

    def put(self, attachment_id: str, media: FetchedMedia) -> None: ...

    def get(self, attachment_id: str) -> FetchedMedia | None: ...
