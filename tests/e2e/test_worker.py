"""`channelhub worker`: a delivery process with no HTTP sends what others queued."""

from __future__ import annotations

import subprocess

import pytest

from adapters.outbound.channels.api.simulator import ApiSimulator
from adapters.outbound.persistence import upgrade_database
from bootstrap.runtime import build_container
from bootstrap.settings import Settings
from domain.messages import MessageStatus
from domain.ports.webhooks import InboundRequest
from tests.e2e.conftest import CHANNELHUB, wait_for
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.slow


def test_the_worker_delivers_messages_queued_by_another_process(tmp_path, server_env):
    simulator = ApiSimulator(hmac_secret="w-secret")
    url = server_env["CHANNELHUB_DATABASE_URL"]
    upgrade_database(url)
    settings = Settings(database_url=url, state_dir=str(tmp_path / "var"))
    with LoopbackServer(simulator.app()) as backend:
        container = build_container(settings)  # no delivery started here: only stores
        account = container.create_account()({"name": "Acme"}).account
        inbox = (
            container.manage_inboxes()
            .create(
                account.id,
                {
                    "name": "B",
                    "channel": {
                        "type": "api",
                        "callback_url": f"{backend.base_url}/callback",
                        "hmac_secret": "w-secret",
                    },
                },
            )
            .inbox
        )
        request = simulator.incoming_message(
            inbox.channel, source_id="m1", sender_id="u1", text="hi"
        )
        container.receive_webhook()(
            "api",
            inbox.inbox_key,
            InboundRequest.build("POST", request.url, dict(request.headers), request.body),
        )
        conversation = container.queries().conversations(account.id).items[0].conversation
        container.delivery_queue.override(_Discard())
        send = container.send_message()
        replies = [send(account.id, conversation.id, {"content": f"r{i}"}) for i in range(3)]

        worker = subprocess.Popen(
            [CHANNELHUB, "worker", "--poll-interval", "0.2"],
            cwd=tmp_path,
            env=server_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            wait_for(lambda: len(simulator.received) == 3, "the worker to send the replies")
            wait_for(
                lambda: all(
                    container.queries().message(account.id, r.id).status is MessageStatus.SENT
                    for r in replies
                ),
                "sent to be recorded",
            )
        finally:
            worker.terminate()
            output = worker.communicate(timeout=20)[0]
        assert worker.returncode == 0, output
        assert sorted(r.text for r in simulator.received) == ["r0", "r1", "r2"]
        container.shutdown_resources()


class _Discard:
    """This process only queues in the database; the worker process does the sending."""

    def enqueue(self, message_id, not_before=None):
        return None
