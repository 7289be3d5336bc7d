"""The webhook's database work alone: one thread, no server, against a bare Flask request.

`bench/ingest.py` measures the whole path inside a threaded server. This one takes the part that
the 0.6 target leaves the least room for (docs/performance.md, "Round three") and measures it
with nothing else running: the `api` webhook's transactions (duplicate check, contact,
conversation, message, raw event, commit) on a fresh SQLite file, run in batches as group commit
runs them, and, as the baseline of the same run, the bench's bare Flask endpoint called in
process. Prints microseconds of CPU per webhook for each batch size and the ratio to one bare
request. Usage: python bench/storage.py [--webhooks N] [--batches 1,8,16,32]
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
import time
from collections.abc import Callable
from typing import Any

from ingest import signed_bodies
from server import bare_app

from application.webhooks import _Stored
from bootstrap.app import create_app
from domain.ports.webhooks import InboundRequest

Job = Callable[[Any], Any]


class Collect:
    """Stands in for the commit runner: keeps each webhook's transaction instead of running it."""

    def __init__(self) -> None:
        self.jobs: list[Job] = []

    def run(self, job: Job) -> _Stored:
        self.jobs.append(job)
        return _Stored()


def bare_request_cpu(bodies: list[tuple[bytes, str]]) -> float:
    """CPU seconds per request of the bare endpoint, called as a WSGI server would call it."""
    app = bare_app()
    started = time.process_time()
    statuses: list[str] = []
    for body, _ in bodies:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/hook",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
        }
        b"".join(app(environ, lambda status, headers, *_: statuses.append(status)))
        if not statuses[-1].startswith("200"):
            raise SystemExit(f"the bare endpoint answered {statuses[-1]}")
    return (time.process_time() - started) / len(bodies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--webhooks", type=int, default=4000, help="per batch size")
    parser.add_argument("--batches", default="1,8,16,32", help="batch sizes, comma-separated")
    args = parser.parse_args()
    sizes = [int(size) for size in args.batches.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(
            CHANNELHUB_DATABASE_URL=f"sqlite:///{tmp}/bench.db",
            CHANNELHUB_ADMIN_TOKEN="bench-admin-token",
            CHANNELHUB_STATE_DIR=tmp,
            CHANNELHUB_LOG_LEVEL="WARNING",
        )
        app = create_app(public_url="http://127.0.0.1:8000", deliver=False)
        client = app.test_client()
        admin = {"Authorization": "Bearer bench-admin-token"}
        account = client.post("/api/v1/accounts", json={"name": "bench"}, headers=admin).json
        assert account is not None
        inbox = client.post(
            f"/api/v1/accounts/{account['id']}/inboxes",
            json={"name": "bench", "channel": {"type": "api", "callback_url": "http://x.test/"}},
            headers={"Authorization": f"Bearer {account['api_token']}"},
        ).json
        assert inbox is not None
        url, secret = inbox["webhook_url"], inbox["channel"]["hmac_secret"]
        key = url.rsplit("/", 1)[1]
        container = app.extensions["channelhub.container"]
        receive = container.receive_webhook()
        collect = receive.group = Collect()
        uow_factory = container.uow_factory()

        def transactions(tag: str, count: int) -> list[Job]:
            """Each webhook verified and parsed, its transaction kept to be run later."""
            collect.jobs = []
            for body, signature in signed_bodies(secret, count, tag):
                headers = {"content-type": "application/json", "x-channelhub-signature": signature}
                receive("api", key, InboundRequest.build("POST", url, headers, body))
            return collect.jobs

        def run(jobs: list[Job], size: int) -> float:
            started = time.process_time()
            for first in range(0, len(jobs), size):
                with uow_factory() as uow:
                    for job in jobs[first : first + size]:
                        job(uow)
                    uow.commit()
            return (time.process_time() - started) / len(jobs)

        # The first messages create the senders' contacts and conversations; later ones find them.
        run(transactions("warm", 400), 8)
        bare = bare_request_cpu(signed_bodies(secret, args.webhooks, "bare"))
        print(f"bare Flask request (in process) : {bare * 1e6:7.0f} µs CPU")
        for size in sizes:
            cost = run(transactions(f"run-{size}", args.webhooks), size)
            print(
                f"storage, batches of {size:<3}        : {cost * 1e6:7.0f} µs CPU per webhook"
                f" ({cost / bare:.2f} bare requests)"
            )


if __name__ == "__main__":
    main()
