"""Channel credentials are encrypted at rest and only the right key reads them back."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from adapters.contracts.fixtures import a_channel, an_account, an_inbox
from adapters.outbound.crypto import SecretBox, SecretsUnreadable
from adapters.outbound.persistence import SqlAlchemyUnitOfWork
from adapters.outbound.persistence.tables import inboxes
from domain.accounts import Inbox

SECRET = "hmac-5f1c9a-very-secret-value"


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest) -> sa.Engine:
    name = "sqlite_engine" if request.param == "sqlite" else "postgres_engine"
    engine: sa.Engine = request.getfixturevalue(name)
    return engine


def store_inbox(engine: sa.Engine, box: SecretBox) -> Inbox:
    account = an_account()
    inbox = an_inbox(account.id, channel=a_channel(hmac_secret=SECRET))
    with SqlAlchemyUnitOfWork(engine, box) as uow:
        uow.accounts.add(account)
        uow.inboxes.add(inbox)
        uow.commit()
    return inbox


def test_a_box_decrypts_what_it_encrypted() -> None:
    box = SecretBox(SecretBox.generate_key())

    token = box.encrypt({"api_key": "k", "nested": {"n": 1}})

    assert box.decrypt(token) == {"api_key": "k", "nested": {"n": 1}}
    assert "api_key" not in token


def test_a_box_never_shows_its_key() -> None:
    key = SecretBox.generate_key()
    box = SecretBox(key)

    assert key not in repr(box)
    assert key not in str(box)


def test_a_malformed_key_is_refused_without_being_echoed() -> None:
    with pytest.raises(ValueError, match="not a valid Fernet key") as failure:
        SecretBox("not-a-real-key-but-still-secret")

    assert "not-a-real-key-but-still-secret" not in str(failure.value)


def test_a_wrong_key_fails_clearly() -> None:
    token = SecretBox(SecretBox.generate_key()).encrypt({"api_key": "k"})

    with pytest.raises(SecretsUnreadable, match="CHANNELHUB_SECRET_KEY"):
        SecretBox(SecretBox.generate_key()).decrypt(token)


def test_keys_rotate_new_key_first_old_key_after() -> None:
    old, new = SecretBox.generate_key(), SecretBox.generate_key()
    old_token = SecretBox(old).encrypt({"api_key": "k"})
    rotating = SecretBox(f"{new},{old}")

    assert rotating.decrypt(old_token) == {"api_key": "k"}
    assert SecretBox(new).decrypt(rotating.encrypt({"x": 1})) == {"x": 1}


def test_inbox_secrets_are_not_stored_in_plaintext(
    engine: sa.Engine, secret_box: SecretBox
) -> None:
    inbox = store_inbox(engine, secret_box)

    with engine.connect() as connection:
        row = connection.execute(sa.select(inboxes).where(inboxes.c.id == inbox.id)).one()
    assert "hmac_secret" not in row.config
    assert row.config["callback_url"] == "https://example.com/callback"
    assert SECRET not in repr(tuple(row))
    assert secret_box.decrypt(row.secrets) == {"hmac_secret": SECRET}


def test_no_plaintext_secret_anywhere_in_the_sqlite_files(
    sqlite_engine: sa.Engine, secret_box: SecretBox
) -> None:
    store_inbox(sqlite_engine, secret_box)
    database = Path(sqlite_engine.url.database or "")

    files = [p for p in database.parent.iterdir() if p.name.startswith(database.name)]

    assert database in files
    assert all(SECRET.encode() not in p.read_bytes() for p in files)


def test_stored_secrets_come_back_with_the_channel(
    engine: sa.Engine, secret_box: SecretBox
) -> None:
    inbox = store_inbox(engine, secret_box)

    with SqlAlchemyUnitOfWork(engine, secret_box) as uow:
        loaded = uow.inboxes.by_key(inbox.inbox_key)

    assert loaded is not None
    assert loaded.channel.get("hmac_secret") == SECRET
    assert loaded.channel.secret_fields == frozenset({"hmac_secret"})


def test_reading_inboxes_with_another_key_fails_clearly(
    engine: sa.Engine, secret_box: SecretBox
) -> None:
    inbox = store_inbox(engine, secret_box)
    other_box = SecretBox(SecretBox.generate_key())

    with (
        SqlAlchemyUnitOfWork(engine, other_box) as uow,
        pytest.raises(SecretsUnreadable, match="secret key"),
    ):
        uow.inboxes.by_key(inbox.inbox_key)
