"""The README's walk-through, run as written against a real server and simulator."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from adapters.outbound.channels.api.simulator import ApiSimulator
from tests.support.loopback import LoopbackServer, free_port

pytestmark = pytest.mark.slow
README = Path(__file__).resolve().parents[2] / "README.md"


def walkthrough() -> str:
    text = README.read_text()
    section = text.split("<!-- walkthrough:start -->")[1].split("<!-- walkthrough:end -->")[0]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


def test_the_readme_walkthrough_works_as_written(serve, tmp_path):
    simulator = ApiSimulator(hmac_secret="demo-secret")
    port = free_port()
    with LoopbackServer(simulator.app(), port=port):
        server = serve()
        script = (
            walkthrough()
            .replace("http://127.0.0.1:8000", server.base_url)
            .replace("127.0.0.1:9000", f"127.0.0.1:{port}")
        )
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert json.loads(lines[0]) == {"status": "ok"}
    [conversation] = json.loads(lines[1])["data"]
    assert conversation["contact"]["name"] == "Ann"
    assert json.loads(lines[2])["status"] == "pending"
    messages = json.loads(lines[3])["data"]
    assert [m["status"] for m in messages] == ["delivered", "sent"]
    assert messages[1]["source_id"] == "sim-1"
    [received] = simulator.received
    assert received.text == "It ships today!"
    assert simulator.bad_signatures == 0
