"""Webhook ingest throughput: channelhub's full `api` path vs a bare Flask endpoint.

One server process (waitress) serves both; a load generator on loopback sends signed `api`
webhooks, each a new message, and the same bodies to the bare endpoint. Prints requests/s for
both and the ratio, measured in the same run. Usage: python bench/ingest.py [--requests N]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import requests

from bootstrap.cli import DEFAULT_THREADS

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise SystemExit("the server process died on start")
        try:
            if requests.get(f"{base}/healthz", timeout=1).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def setup_inbox(base: str, admin: str) -> tuple[str, str]:
    account = requests.post(
        f"{base}/api/v1/accounts",
        json={"name": "bench"},
        headers={"Authorization": f"Bearer {admin}"},
        timeout=10,
    ).json()
    inbox = requests.post(
        f"{base}/api/v1/accounts/{account['id']}/inboxes",
        json={"name": "bench", "channel": {"type": "api", "callback_url": "http://127.0.0.1:9/x"}},
        headers={"Authorization": f"Bearer {account['api_token']}"},
        timeout=10,
    ).json()
    return inbox["webhook_url"], inbox["channel"]["hmac_secret"]


def signed_bodies(secret: str, count: int, tag: str) -> list[tuple[bytes, str]]:
    bodies = []
    for i in range(count):
        body = json.dumps(
            {
                "event": "message",
                "message": {"id": f"{tag}-{i}", "content": f"hello number {i}"},
                "sender": {"id": f"contact-{i % 200}", "name": f"Contact {i % 200}"},
            }
        ).encode()
        digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        bodies.append((body, f"sha256={digest}"))
    return bodies


def cpu_seconds(pid: int) -> float | None:
    """The process's user + system CPU time so far (Linux), else None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured(
    server: subprocess.Popen[bytes], url: str, bodies: list[tuple[bytes, str]], concurrency: int
) -> tuple[float, float | None]:
    """Requests/s, and the server's CPU milliseconds per request when the OS says."""
    before = cpu_seconds(server.pid)
    rate = asyncio.run(load(url, bodies, concurrency))
    after = cpu_seconds(server.pid)
    cpu = None if before is None or after is None else (after - before) * 1000 / len(bodies)
    return rate, cpu


async def load(url: str, bodies: list[tuple[bytes, str]], concurrency: int) -> float:
    queue: asyncio.Queue[tuple[bytes, str]] = asyncio.Queue()
    for item in bodies:
        queue.put_nowait(item)
    failures = 0

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal failures
        while not queue.empty():
            body, signature = queue.get_nowait()
            headers = {"Content-Type": "application/json", "X-Channelhub-Signature": signature}
            async with session.post(url, data=body, headers=headers) as answer:
                await answer.read()
                failures += answer.status != 200

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{failures} requests to {url} did not answer 200")
    return len(bodies) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS, help="default: serve's")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument(
        "--skip-storage",
        action="store_true",
        help="an experiment, not a figure to quote: webhooks are verified and parsed, and nothing "
        "is stored (the ceiling for any work on the storage side)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "CHANNELHUB_DATABASE_URL": args.database_url or f"sqlite:///{tmp}/bench.db",
            "CHANNELHUB_ADMIN_TOKEN": "bench-admin-token",
            "CHANNELHUB_STATE_DIR": tmp,
            "CHANNELHUB_LOG_LEVEL": "WARNING",
        }
        server = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "bench" / "server.py"),
                "--port",
                str(port),
                "--threads",
                str(args.threads),
                *(["--skip-storage"] if args.skip_storage else []),
            ],
            env=env,
            cwd=tmp,
        )
        try:
            wait_until_up(base, server)
            webhook_url, secret = setup_inbox(base, "bench-admin-token")
            warm = signed_bodies(secret, 200, "warm")
            asyncio.run(load(webhook_url, warm, args.concurrency))
            asyncio.run(load(f"{base}/bare/hook", warm, args.concurrency))
            bodies = signed_bodies(secret, args.requests, "run")
            bare, bare_cpu = measured(server, f"{base}/bare/hook", bodies, args.concurrency)
            ingest, ingest_cpu = measured(server, webhook_url, bodies, args.concurrency)
        finally:
            server.terminate()
            server.wait(timeout=30)
    database = "PostgreSQL" if args.database_url else "SQLite"
    if args.skip_storage:
        database += ", storage skipped: an experiment"
    print(f"bare Flask endpoint : {bare:8.0f} requests/s{per_request(bare_cpu)}")
    print(f"api webhook ingest  : {ingest:8.0f} requests/s{per_request(ingest_cpu)} ({database})")
    print(f"ratio ingest / bare : {ingest / bare:8.2f}")


def per_request(cpu_ms: float | None) -> str:
    return "" if cpu_ms is None else f", server CPU {cpu_ms:.2f} ms/request"


if __name__ == "__main__":
    main()
