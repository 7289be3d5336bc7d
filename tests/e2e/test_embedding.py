"""docs/examples/embedded_reply.py, the embedding guide's example, runs as documented."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from adapters.outbound.channels.api.simulator import ApiSimulator
from domain.messages import MessageStatus
from tests.support.loopback import LoopbackServer

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "embedded_reply.py"


def load_example():
    spec = importlib.util.spec_from_file_location("embedded_reply", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_embedding_example_receives_and_replies_without_flask(tmp_path):
    simulator = ApiSimulator(hmac_secret="demo-secret")
    example = load_example()
    with LoopbackServer(simulator.app()) as backend:
        sent = example.run(
            f"sqlite:///{tmp_path}/e.db", str(tmp_path), backend.base_url + "/callback"
        )
    assert (sent.status, sent.source_id) == (MessageStatus.SENT, "sim-1")
    [received] = simulator.received
    assert (received.recipient_id, received.text) == ("user-42", "Today!")


def test_the_embedding_path_does_not_need_flask(tmp_path):
    # Flask made unimportable: the example's whole path must still load.
    code = (
        "import sys; sys.modules['flask'] = None; sys.modules['werkzeug'] = None\n"
        "import importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('example', {str(EXAMPLE)!r})\n"
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
        "import bootstrap.runtime, adapters.outbound.persistence\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
