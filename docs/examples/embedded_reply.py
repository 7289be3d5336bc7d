"""channelhub as a library: receive a webhook and send a reply with no Flask at all.

Your own transport (FastAPI, Django, a Lambda, a queue consumer) builds an `InboundRequest` from
what it received and calls the use cases; channelhub does the rest. Run it with:

    python docs/examples/embedded_reply.py http://127.0.0.1:9000/callback

where something (e.g. `channelhub simulate api --port 9000 --option hmac_secret=demo-secret`)
answers the reply's callback.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import tempfile

from bootstrap.runtime import build_container, start_delivery, stop_delivery
from bootstrap.settings import Settings
from domain.messages import Message
from domain.ports.webhooks import InboundRequest

HMAC_SECRET = "demo-secret"


def run(database_url: str, state_dir: str, callback_url: str) -> Message:
    from adapters.outbound.persistence import upgrade_database

    upgrade_database(database_url)
    container = build_container(Settings(database_url=database_url, state_dir=state_dir))

    # Set up once: an account and an `api` inbox (what the REST API does for the service).
    account = container.create_account()({"name": "Acme"}).account
    inbox = (
        container.manage_inboxes()
        .create(
            account.id,
            {
                "name": "Backend",
                "channel": {
                    "type": "api",
                    "callback_url": callback_url,
                    "hmac_secret": HMAC_SECRET,
                },
            },
        )
        .inbox
    )

    # 1. Your transport received a provider's request: hand it over as an InboundRequest.
    body = json.dumps(
        {
            "event": "message",
            "message": {"id": "msg-1", "content": "Hi, where is my order?"},
            "sender": {"id": "user-42", "name": "Ann"},
        }
    ).encode()
    signature = "sha256=" + hmac.new(HMAC_SECRET.encode(), body, hashlib.sha256).hexdigest()
    request = InboundRequest.build(
        "POST",
        f"https://hooks.example.com/api/{inbox.inbox_key}",
        {"Content-Type": "application/json", "X-Channelhub-Signature": signature},
        body,
    )
    container.receive_webhook()("api", inbox.inbox_key, request)  # verified, parsed, committed

    # 2. Read what it stored, and reply.
    conversation = container.queries().conversations(account.id).items[0].conversation
    start_delivery(container)  # the worker thread that sends queued messages
    try:
        reply = container.send_message()(account.id, conversation.id, {"content": "Today!"})
        container.delivery_queue().wait_idle(timeout=30)
        return container.queries().message(account.id, reply.id)
    finally:
        stop_delivery(container)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        sent = run(f"sqlite:///{tmp}/embedded.db", tmp, sys.argv[1])
        print(f"reply {sent.id}: {sent.status.value}, provider id {sent.source_id}")
