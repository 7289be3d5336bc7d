"""The `channelhub` command."""

from __future__ import annotations

import logging
import re
import signal
import sys
import threading
from collections.abc import Callable
from datetime import datetime
from types import FrameType

import click

from bootstrap.settings import Credentials, Settings

log = logging.getLogger("channelhub")


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


# A webhook's thread mostly waits for its batch's commit (group commit), so threads are cheap and
# more of them make bigger batches; with fewer threads than concurrent connections, waitress's
# queueing made each webhook cost several times the CPU (docs/performance.md).
DEFAULT_THREADS = 16


@click.group(help="channelhub: provider webhooks in, conversations stored, replies out.")
def main() -> None:
    pass


@main.command(help="Migrate the database and serve the webhooks and the REST API.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to bind.")
@click.option(
    "--threads",
    default=DEFAULT_THREADS,
    show_default=True,
    type=int,
    help="Request threads; at least as many as the provider connections you expect at once.",
)
def serve(host: str, port: int, threads: int) -> None:
    import waitress

    from adapters.outbound.persistence import upgrade_database
    from bootstrap.app import create_app
    from bootstrap.runtime import stop_delivery

    settings = Settings()
    _configure_logging(settings)
    credentials = Credentials(settings)
    upgrade_database(settings.database_url)
    public_url = f"http://{host}:{port}"
    app = create_app(settings, public_url=public_url, migrate=False)
    container = app.extensions["channelhub.container"]
    container.purge_raw_events()()
    if credentials.new_admin_token:
        click.echo(
            "Generated the admin token (shown this once; stored in "
            f"{settings.state_directory() / 'admin_token'}):\n  {credentials.admin_token}"
        )
    click.echo(f"channelhub serving on http://{host}:{port} (Ctrl-C to stop)", err=False)
    sys.stdout.flush()
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        waitress.serve(app, host=host, port=port, threads=threads, ident="channelhub", _quiet=True)
    except KeyboardInterrupt:
        pass
    finally:
        stop_delivery(container)


@main.command(
    help="Run a worker without HTTP: sends due outgoing messages, fetches media, runs provider "
    "tasks. With CHANNELHUB_QUEUE_URL=redis://... it consumes the Dramatiq queues that `serve` "
    "fills; run as many as you like, on as many machines."
)
@click.option(
    "--poll-interval",
    default=5.0,
    show_default=True,
    type=float,
    help="Seconds between looks in the database for due messages (with Redis: for overdue "
    "ones the queue lost).",
)
def worker(poll_interval: float) -> None:
    from bootstrap.runtime import build_container, start_workers, stop_delivery, uses_shared_queue

    settings = Settings()
    _configure_logging(settings)
    container = build_container(settings)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        start_workers(container)
    except RuntimeError as exc:  # e.g. Redis unreachable: say so and exit non-zero
        stop_delivery(container)
        raise click.ClickException(str(exc)) from exc
    look_again: Callable[[], int]
    if uses_shared_queue(container):
        # Redis keeps the work; the database is only looked at for what the queue lost.
        look_again = container.requeue_overdue_deliveries()
        look_again()
        click.echo("channelhub worker consuming the Redis queues (Ctrl-C to stop)")
    else:
        look_again = container.recover_deliveries()
        click.echo("channelhub worker running (Ctrl-C to stop)")
    try:
        while not stop.wait(poll_interval):
            look_again()
    except KeyboardInterrupt:
        pass
    finally:
        stop_delivery(container)


@main.group(help="Database commands.")
def db() -> None:
    pass


@db.command(help="Apply every pending migration.")
def upgrade() -> None:
    from adapters.outbound.persistence import upgrade_database

    settings = Settings()
    _configure_logging(settings)
    upgrade_database(settings.database_url)
    click.echo("database is up to date")


@main.group(help="Stored raw webhook events.")
def events() -> None:
    pass


@events.command(help="Process stored raw events again (safe to repeat: ingestion is idempotent).")
@click.option("--inbox-id", default=None, help="Only this inbox's events.")
@click.option("--since", default=None, type=click.DateTime(), help="Only events received since.")
@click.option("--only-failed", is_flag=True, help="Only events that failed to parse.")
def replay(inbox_id: str | None, since: datetime | None, only_failed: bool) -> None:
    from bootstrap.runtime import build_container

    settings = Settings()
    _configure_logging(settings)
    container = build_container(settings)
    if since is not None and since.tzinfo is None:
        from datetime import UTC

        since = since.replace(tzinfo=UTC)
    report = container.replay_raw_events()(inbox_id=inbox_id, since=since, only_failed=only_failed)
    container.shutdown_resources()
    click.echo(f"replayed {report.replayed} events, {report.failed} still fail to parse")


@events.command(
    help="Delete raw events older than the retention (CHANNELHUB_RAW_EVENT_RETENTION_DAYS)."
)
def purge() -> None:
    from bootstrap.runtime import build_container

    settings = Settings()
    _configure_logging(settings)
    container = build_container(settings)
    count = container.purge_raw_events()()
    container.shutdown_resources()
    click.echo(f"deleted {count} raw events")


@main.command(help="Serve a provider simulator on loopback: a stand-in provider for trying things.")
@click.argument("channel_type")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=9000, show_default=True, type=int)
@click.option(
    "--option",
    "options",
    multiple=True,
    metavar="KEY=VALUE",
    help="Passed to the simulator, e.g. --option hmac_secret=... for `api`.",
)
def simulate(channel_type: str, host: str, port: int, options: tuple[str, ...]) -> None:
    from aiohttp import web

    from adapters.outbound.channels import PLUGINS
    from application.channels import ChannelRegistry

    registry = ChannelRegistry(PLUGINS)
    if channel_type not in registry or registry.get(channel_type).create_simulator is None:
        raise click.BadParameter(f"no simulator for {channel_type!r}", param_hint="CHANNEL_TYPE")
    kwargs = dict(option.split("=", 1) for option in options if "=" in option)
    make = registry.get(channel_type).create_simulator
    assert make is not None
    simulator = make(**kwargs)

    @web.middleware
    async def echo(request: web.Request, handler):  # type: ignore[no-untyped-def]
        body = await request.read()
        answer = await handler(request)
        # Some providers put the credential in the path (Telegram's /bot<token>/...).
        path = re.sub(r"/bot[^/]+/", "/bot<token>/", request.path)
        click.echo(
            f"{request.method} {path} -> {answer.status}: {body.decode(errors='replace')[:500]}"
        )
        return answer

    app = simulator.app()
    app.middlewares.append(echo)
    click.echo(f"{channel_type} simulator on http://{host}:{port}")
    web.run_app(app, host=host, port=port, print=None)


@main.group(help="Inbox commands.")
def inboxes() -> None:
    pass


@inboxes.command(
    "register-webhooks",
    help="Tell providers that need it (Telegram) each inbox's webhook URL again.",
)
@click.option("--inbox-id", default=None, help="Only this inbox.")
def register_webhooks(inbox_id: str | None) -> None:
    import asyncio

    from adapters.outbound.http_client import create_client_session
    from application.channels import WebhookRegistrar
    from application.delivery import RetryPolicy
    from application.setup import RegisterWebhook
    from bootstrap.runtime import build_container

    settings = Settings()
    _configure_logging(settings)
    container = build_container(settings)
    registry = container.registry()
    uow_factory = container.uow_factory()
    slugs = [p.slug for p in registry if p.create_webhook_registrar is not None]
    with uow_factory() as uow:
        targets = [i for slug in slugs for i in uow.inboxes.with_type(slug)]
    targets = [i for i in targets if inbox_id in (None, i.id)]

    async def run() -> list[tuple[str, str | None]]:
        async with create_client_session() as session:

            def registrar(slug: str) -> WebhookRegistrar | None:
                create = registry.get(slug).create_webhook_registrar
                return create(session) if create else None

            # No retries here: the command reports, the operator decides.
            register = RegisterWebhook(
                uow_factory,
                registrar,
                settings.public_base_url(),
                container.clock(),
                RetryPolicy(max_attempts=1),
            )
            return [(i.id, (await register(i.id)).error) for i in targets]

    results = asyncio.run(run())
    container.shutdown_resources()
    for target, error in results:
        click.echo(f"{target}: {'registered' if error is None else 'failed: ' + error}")
    if not results:
        click.echo("no inbox needs a webhook registration")
    if any(error for _, error in results):
        raise SystemExit(1)
