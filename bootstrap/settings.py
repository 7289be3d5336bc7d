"""Settings from the environment (CONTRACT.md section 1); a `.env` file is read too."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from domain.channels import SendRate

DEFAULT_DATABASE_URL = "sqlite:///var/channelhub.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CHANNELHUB_", env_file=".env", extra="ignore", hide_input_in_errors=True
    )

    database_url: str = DEFAULT_DATABASE_URL
    admin_token: SecretStr | None = None
    secret_key: SecretStr | None = None
    public_url: str | None = None
    queue_url: str | None = None
    state_dir: Path | None = None
    retry_base_seconds: float = 1.0
    max_attempts: int = 8
    delivery_concurrency: int = 8
    raw_event_retention_days: int = 30
    log_level: str = "INFO"
    # Per channel type, in place of the provider's documented rate (docs/worker.md, "Send rates").
    send_rates: str | None = None

    @field_validator("send_rates")
    @classmethod
    def _send_rates_parse(cls, value: str | None) -> str | None:
        parse_send_rates(value or "")
        return value

    def send_rate_overrides(self) -> dict[str, SendRate | None]:
        return parse_send_rates(self.send_rates or "")

    def public_base_url(self) -> str:
        """Where providers reach this deployment; `serve` fills it from its host and port."""
        return (self.public_url or "http://127.0.0.1:8000").rstrip("/")

    def state_directory(self) -> Path:
        """Where generated credentials live: beside a SQLite file, else ./var."""
        if self.state_dir is not None:
            return self.state_dir
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            return Path(url.database).resolve().parent
        return Path("var").resolve()


def parse_send_rates(text: str) -> dict[str, SendRate | None]:
    """`whatsapp_cloud=1000, telegram=off, twilio=1/2`: per channel type, N sends a second,
    N sends per S seconds, or `off` (no limit kept)."""
    rates: dict[str, SendRate | None] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        slug, _, value = (piece.strip() for piece in item.partition("="))
        if not slug or not value:
            raise ValueError(
                f"{item!r}: write channel_type=N, channel_type=N/S or channel_type=off"
            )
        if value.lower() == "off":
            rates[slug] = None
            continue
        sends, _, seconds = value.partition("/")
        try:
            rates[slug] = SendRate(int(sends), float(seconds) if seconds else 1.0)
        except ValueError:
            raise ValueError(
                f"{item!r}: the rate is N sends a second or N/S (N sends per S seconds), "
                "N a whole number from 1, S above 0; or off"
            ) from None
    return rates


def _stored_secret(directory: Path, name: str, make: Callable[[], str]) -> tuple[str, bool]:
    """Read a generated credential, or make it (mode 0600). Returns it and whether it is new."""
    path = directory / name
    if path.exists():
        return path.read_text().strip(), False
    directory.mkdir(parents=True, exist_ok=True)
    value = make()
    # O_EXCL: two processes starting at once must not both write (and print) a different token.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip(), False
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value, True


class Credentials:
    """The admin token and the secret key: from settings, else generated once and stored."""

    def __init__(self, settings: Settings) -> None:
        from adapters.outbound.crypto import SecretBox

        directory = settings.state_directory()
        self.new_admin_token = False
        if settings.admin_token is not None:
            self.admin_token = settings.admin_token.get_secret_value()
        else:
            self.admin_token, self.new_admin_token = _stored_secret(
                directory, "admin_token", lambda: "cha_" + secrets.token_urlsafe(32)
            )
        if settings.secret_key is not None:
            self.secret_key = settings.secret_key.get_secret_value()
        else:
            self.secret_key, _ = _stored_secret(directory, "secret_key", SecretBox.generate_key)

    def __repr__(self) -> str:
        return "Credentials(<hidden>)"
