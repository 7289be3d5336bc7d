"""Which way webhooks commit: grouped on SQLite, side by side on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from application.group_commit import GroupCommit, OwnTransactions
from bootstrap.runtime import build_container
from bootstrap.settings import Settings


def test_sqlite_webhooks_share_transactions(sqlite_url: str, tmp_path: Path) -> None:
    container = build_container(Settings(database_url=sqlite_url, state_dir=tmp_path))
    try:
        runner = container.receive_webhook().group
        assert isinstance(runner, GroupCommit)
        assert container.receive_webhook().group is runner  # one group for the process
    finally:
        container.shutdown_resources()


def test_postgresql_webhooks_keep_their_own_transactions(
    fresh_postgres_url: str, tmp_path: Path
) -> None:
    container = build_container(Settings(database_url=fresh_postgres_url, state_dir=tmp_path))
    try:
        assert isinstance(container.receive_webhook().group, OwnTransactions)
    finally:
        container.shutdown_resources()
