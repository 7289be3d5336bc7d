from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import stat
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from bootstrap.cli import main
from bootstrap.runtime import build_container
from bootstrap.settings import Credentials, Settings
from domain.errors import MalformedWebhook
from domain.ports.webhooks import InboundRequest


@pytest.fixture
def env(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "ADMIN_TOKEN", "SECRET_KEY", "QUEUE_URL", "STATE_DIR"):
        monkeypatch.delenv(f"CHANNELHUB_{name}", raising=False)
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path}/var/ch.db"
    monkeypatch.setenv("CHANNELHUB_DATABASE_URL", url)
    return url


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["serve"],
        ["worker"],
        ["db"],
        ["db", "upgrade"],
        ["events"],
        ["events", "replay"],
        ["events", "purge"],
        ["simulate"],
    ],
)
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output


def test_db_upgrade_creates_the_schema(env):
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    tables = sa.inspect(sa.create_engine(env)).get_table_names()
    assert {"accounts", "inboxes", "messages", "raw_events"} <= set(tables)


def test_generated_credentials_are_stored_once_with_mode_0600(env, tmp_path):
    first = Credentials(Settings())
    again = Credentials(Settings())
    assert first.new_admin_token and not again.new_admin_token
    assert (first.admin_token, first.secret_key) == (again.admin_token, again.secret_key)
    for name in ("admin_token", "secret_key"):
        assert stat.S_IMODE((tmp_path / "var" / name).stat().st_mode) == 0o600
    assert first.admin_token not in repr(first)


def test_configured_credentials_win_over_generated_ones(env, monkeypatch):
    monkeypatch.setenv("CHANNELHUB_ADMIN_TOKEN", "from-env")
    credentials = Credentials(Settings())
    assert credentials.admin_token == "from-env" and not credentials.new_admin_token
    assert "from-env" not in repr(Settings())


def test_a_redis_queue_url_puts_every_kind_of_work_on_its_own_dramatiq_queue(env, monkeypatch):
    from adapters.outbound.queue.dramatiq_redis import DramatiqDeliveryQueue
    from bootstrap.runtime import start_delivery, stop_delivery

    monkeypatch.setenv("CHANNELHUB_QUEUE_URL", "redis://127.0.0.1:6379/0?namespace=unused")
    container = build_container(Settings())
    queues = [container.delivery_queue(), container.media_queue(), container.provider_tasks()]
    assert all(isinstance(queue, DramatiqDeliveryQueue) for queue in queues)
    assert [queue.name for queue in queues] == ["delivery", "media", "provider-tasks"]
    assert queues[0].broker.namespace == "unused"
    start_delivery(container)  # as `serve` does: it only enqueues, workers deliver
    assert all(queue._worker is None for queue in queues)
    stop_delivery(container)


def test_a_queue_url_that_is_not_redis_is_refused_clearly(env, monkeypatch):
    monkeypatch.setenv("CHANNELHUB_QUEUE_URL", "amqp://guest:secret@127.0.0.1:5672/")
    container = build_container(Settings())
    with pytest.raises(RuntimeError, match="use a redis:// URL") as refused:
        container.delivery_queue()
    assert "secret" not in str(refused.value)
    container.shutdown_resources()


def test_a_worker_that_cannot_reach_redis_says_so_and_exits(env, monkeypatch):
    from adapters.outbound.persistence import upgrade_database

    upgrade_database(env)
    monkeypatch.setenv("CHANNELHUB_QUEUE_URL", "redis://127.0.0.1:9/0")
    result = CliRunner().invoke(main, ["worker"])
    assert result.exit_code == 1
    assert "cannot reach Redis" in result.output


def _store_raw_events(env):
    """An api inbox with one good webhook, one the parser refused, and one old event."""
    from adapters.outbound.persistence import upgrade_database

    upgrade_database(env)
    container = build_container(Settings())
    account = container.create_account()({"name": "Acme"}).account
    inbox = (
        container.manage_inboxes()
        .create(
            account.id,
            {
                "name": "B",
                "channel": {
                    "type": "api",
                    "callback_url": "http://127.0.0.1:9/cb",
                    "hmac_secret": "s",
                },
            },
        )
        .inbox
    )

    def post(payload: bytes):
        signature = "sha256=" + hmac.new(b"s", payload, hashlib.sha256).hexdigest()
        request = InboundRequest.build(
            "POST", "http://x/", {"X-Channelhub-Signature": signature}, payload
        )
        with contextlib.suppress(MalformedWebhook):  # the second one is meant to be refused
            container.receive_webhook()("api", inbox.inbox_key, request)

    post(
        json.dumps(
            {"event": "message", "message": {"id": "m1", "content": "hi"}, "sender": {"id": "u1"}}
        ).encode()
    )
    post(b'{"event": "message", "message": {"id": "m2"}}')
    with container.engine().begin() as connection:  # age the first event past the retention
        first = connection.execute(sa.text("SELECT min(id) FROM raw_events")).scalar_one()
        connection.execute(
            sa.text("UPDATE raw_events SET received_at = :at WHERE id = :id"),
            {"at": datetime.now(UTC) - timedelta(days=45), "id": first},
        )
    container.shutdown_resources()
    return account.id


def test_events_replay_reprocesses_and_is_safe_to_repeat(env):
    account_id = _store_raw_events(env)
    for _ in range(2):
        result = CliRunner().invoke(main, ["events", "replay"])
        assert result.exit_code == 0, result.output
        assert "replayed 1 events, 1 still fail to parse" in result.output
    container = build_container(Settings())
    [view] = container.queries().conversations(account_id).items
    assert len(container.queries().messages(account_id, view.conversation.id).items) == 1
    container.shutdown_resources()


def test_events_purge_drops_what_is_past_the_retention(env):
    _store_raw_events(env)
    result = CliRunner().invoke(main, ["events", "purge"])
    assert result.exit_code == 0, result.output
    assert "deleted 1 raw events" in result.output


def test_api_tokens_are_stored_only_as_hashes(env):
    from adapters.outbound.persistence import upgrade_database

    upgrade_database(env)
    container = build_container(Settings())
    created = container.create_account()({"name": "Acme"})
    with container.engine().connect() as connection:
        stored = connection.execute(sa.text("SELECT * FROM accounts")).mappings().one()
    assert container.authenticate()(created.api_token).account_id == created.account.id
    container.shutdown_resources()
    assert created.api_token not in json.dumps({k: str(v) for k, v in stored.items()})
    assert stored["token_hash"] == hashlib.sha256(created.api_token.encode()).hexdigest()


def test_register_webhooks_says_when_no_inbox_needs_it(env):
    from adapters.outbound.persistence import upgrade_database

    upgrade_database(env)
    result = CliRunner().invoke(main, ["inboxes", "register-webhooks"])
    assert result.exit_code == 0, result.output
    assert "no inbox needs a webhook registration" in result.output
