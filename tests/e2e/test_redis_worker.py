"""The distributed engine as a user runs it: `channelhub serve` and `channelhub worker` processes
sharing a database and a Redis queue (CHANNELHUB_QUEUE_URL=redis://...)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from aiohttp import web

from adapters.outbound.channels.api.simulator import ApiSimulator
from tests.e2e.conftest import CHANNELHUB, wait_for
from tests.e2e.test_service import (
    SECRET,
    incoming,
    message_of,
    post_webhook,
    settled_reply,
    setup_inbox,
)
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.slow


@pytest.fixture
def queue_env(server_env: dict[str, str], redis_queue_url: str) -> dict[str, str]:
    return {**server_env, "CHANNELHUB_QUEUE_URL": redis_queue_url}


@pytest.fixture
def waiting_in_redis(redis_queue_url: str) -> Iterator[Callable[[str], int]]:
    """How many jobs of a queue are in Redis, waiting or running (delayed ones included)."""
    client = redis.Redis.from_url(redis_queue_url.split("?")[0])
    namespace = redis_queue_url.split("namespace=")[1]

    def count(queue: str) -> int:
        return sum(client.hlen(f"{namespace}:{name}.msgs") for name in (queue, f"{queue}.DQ"))

    yield count
    client.close()


@pytest.fixture
def start_worker(tmp_path: Path, queue_env: dict[str, str]) -> Iterator[Callable[[], None]]:
    started: list[subprocess.Popen[str]] = []

    def start() -> None:
        started.append(
            subprocess.Popen(
                [CHANNELHUB, "worker", "--poll-interval", "0.2"],
                cwd=tmp_path,
                env=queue_env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )

    yield start
    for worker in started:
        worker.terminate()  # SIGTERM: the worker finishes what is due, then exits cleanly
        output = worker.communicate(timeout=30)[0]
        assert worker.returncode == 0, output


def counting(app: web.Application) -> list[int]:
    """The status of every answer the app gave, in order."""
    answers: list[int] = []

    @web.middleware
    async def record(request: web.Request, handler):  # type: ignore[no-untyped-def]
        answer = await handler(request)
        answers.append(answer.status)
        return answer

    app.middlewares.append(record)
    return answers


def test_serve_only_enqueues_and_a_worker_process_sends_the_reply_and_fetches_media(
    serve, queue_env, start_worker, waiting_in_redis
):
    image = bytes(range(256)) * 8

    async def cat(request: web.Request) -> web.Response:
        return web.Response(body=image, content_type="image/png")

    files = web.Application()
    files.router.add_get("/cat.png", cat)
    simulator = ApiSimulator(hmac_secret=SECRET)
    with LoopbackServer(simulator.app()) as backend, LoopbackServer(files) as host:
        server = serve(**{"CHANNELHUB_QUEUE_URL": queue_env["CHANNELHUB_QUEUE_URL"]})
        client, base, inbox = setup_inbox(server, backend.base_url)
        payload = incoming("m-1", "a cat")
        payload["message"]["attachments"] = [
            {"url": f"{host.base_url}/cat.png", "file_type": "image"}
        ]
        assert post_webhook(inbox["webhook_url"], payload).status_code == 200
        [conversation] = client.call("GET", f"{base}/conversations", 200)["data"]
        reply = client.call(
            "POST",
            f"{base}/conversations/{conversation['id']}/messages",
            201,
            json={"content": "Nice cat!"},
        )

        time.sleep(1.0)  # long enough for an in-process delivery to have happened
        assert message_of(client, base, conversation["id"], reply["id"])["status"] == "pending"
        assert simulator.received == []
        assert (waiting_in_redis("delivery"), waiting_in_redis("media")) == (1, 1)
        assert waiting_in_redis("provider-tasks") == 1  # the inbox's webhook registration

        start_worker()
        wait_for(
            lambda: message_of(client, base, conversation["id"], reply["id"])["status"] == "sent",
            "the worker to send the reply",
        )
        [received] = simulator.received
        assert (received.text, received.payload["message"]["id"]) == ("Nice cat!", reply["id"])
        path = f"{base}/conversations/{conversation['id']}/messages"
        wait_for(
            lambda: client.call("GET", path, 200)["data"][0]["attachments"][0]["status"] == "ready",
            "the worker to fetch the image",
        )
        wait_for(lambda: waiting_in_redis("provider-tasks") == 0, "the provider task to run")
        assert waiting_in_redis("delivery") == waiting_in_redis("media") == 0


def test_a_callback_that_answers_500_then_200_is_sent_exactly_once(
    serve, queue_env, start_worker, waiting_in_redis
):
    simulator = ApiSimulator(hmac_secret=SECRET)
    simulator.fail_next(500)
    app = simulator.app()
    answers = counting(app)
    with LoopbackServer(app) as backend:
        server = serve(**{"CHANNELHUB_QUEUE_URL": queue_env["CHANNELHUB_QUEUE_URL"]})
        start_worker()
        client, base, inbox = setup_inbox(server, backend.base_url)
        post_webhook(inbox["webhook_url"], incoming("m-1"))
        after = settled_reply(client, base)
        assert (after["status"], after["source_id"], after["external_error"]) == (
            "sent",
            "sim-1",
            None,
        )
        wait_for(lambda: waiting_in_redis("delivery") == 0, "the delivery queue to empty")
        time.sleep(0.5)  # a stray copy would be sent by now
        assert answers == [500, 200]
        assert [r.payload["message"]["id"] for r in simulator.received] == [after["id"]]
