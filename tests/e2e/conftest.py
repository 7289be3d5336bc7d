"""A real `channelhub serve` process on loopback, with its own SQLite database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.support.loopback import free_port

CHANNELHUB = str(Path(sys.executable).with_name("channelhub"))


@dataclass
class ServerProcess:
    workdir: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None
    output: str = ""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerProcess:
        log = open(self.workdir / f"serve-{self.port}.log", "a+")  # noqa: SIM115
        self.process = subprocess.Popen(
            [CHANNELHUB, "serve", "--port", str(self.port)],
            cwd=self.workdir,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._log = log
        wait_for(lambda: self._healthy(), f"the server on {self.port} to start")
        log.seek(0)
        self.output = log.read()
        return self

    def _healthy(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            self._log.seek(0)
            raise AssertionError(f"serve exited: {self._log.read()}")
        try:
            return requests.get(f"{self.base_url}/healthz", timeout=1).ok
        except requests.ConnectionError:
            return False

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as in a crash."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


def wait_for(condition: Callable[[], object], what: str, seconds: float = 30.0) -> None:
    """Polls a condition: a deadline for a test that would otherwise hang, not a speed check."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def server_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANNELHUB_")}
    env.update(
        {
            "CHANNELHUB_DATABASE_URL": f"sqlite:///{tmp_path}/var/channelhub.db",
            "CHANNELHUB_RETRY_BASE_SECONDS": "0.05",
            "CHANNELHUB_LOG_LEVEL": "INFO",
        }
    )
    return env


@pytest.fixture
def serve(tmp_path: Path, server_env: dict[str, str]) -> Iterator[Callable[..., ServerProcess]]:
    started: list[ServerProcess] = []

    def start(port: int | None = None, **env: str) -> ServerProcess:
        server = ServerProcess(tmp_path, {**server_env, **env})
        if port:
            server.port = port
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.stop()
