"""`make bench` keeps working: the benchmark runs end to end (its figures are not checked)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
BENCH = Path(__file__).resolve().parents[2] / "bench" / "ingest.py"
STORAGE_BENCH = BENCH.with_name("storage.py")
FIGURES = re.compile(
    r"bare Flask endpoint : +\d+ requests/s.*\n"
    r"api webhook ingest  : +\d+ requests/s.*\((?P<database>[^)]*)\)\n"
    r"ratio ingest / bare : +\d+\.\d\d\n"
)


@pytest.mark.parametrize("extra", [[], ["--skip-storage"]])
def test_the_benchmark_runs_and_prints_both_rates_and_their_ratio(
    extra: list[str], tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--requests", "50", "--concurrency", "4", *extra],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    figures = FIGURES.search(done.stdout)
    assert figures is not None, done.stdout
    skipped = "storage skipped" in figures["database"]
    assert skipped == bool(extra)


def test_the_storage_benchmark_prints_each_batch_size_against_a_bare_request(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, str(STORAGE_BENCH), "--webhooks", "40", "--batches", "1,8"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"bare Flask request \(in process\) : +\d+ µs CPU\n", done.stdout), done.stdout
    sizes = re.findall(
        r"storage, batches of (\d+) +: +\d+ µs CPU per webhook \(\d+\.\d\d bare requests\)",
        done.stdout,
    )
    assert sizes == ["1", "8"], done.stdout
