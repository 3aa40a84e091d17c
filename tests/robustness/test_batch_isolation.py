"""Issue 14, item 2: one bad case never stops a batch, and a dead worker never hangs it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from ..conftest import TINY
from .conftest import WHYACHE, run_cli

GOOD = '{"id": "good", "sun": true, "water": false}'
HOSTILE_JSONL = [
    GOOD,
    '{"id": "d401", "hours": ' + "9" * 401 + "}",  # float() overflows
    '{"id": "d5001", "hours": ' + "9" * 5001 + "}",  # beyond Python's int digit limit
    '{"id": 1' + "0" * 5001 + ', "sun": true}',
    '{"id": "s401", "hours": "' + "9" * 401 + '"}',
    GOOD.replace("good", "last"),
]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_hostile_jsonl_lines_become_their_own_error_records(tmp_path: Path, workers: str):
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join(HOSTILE_JSONL) + "\n")
    out = run_cli("batch", str(source), "--kb", str(TINY), "--workers", workers, "-q")
    assert out.returncode == 1, out.stderr
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4, 5, 6]
    assert [("error" in r) for r in records] == [False, True, True, True, True, False]
    assert records[1]["error"] == "'hours' = <a number of about 401 digits> is too large a number"
    assert records[2]["error"] == "invalid JSON: a number with too many digits"
    assert records[4]["error"].startswith("'hours' needs a finite number")
    assert all(len(r.get("error", "")) < 200 for r in records)
    assert out.stderr.endswith(b"4 case(s) failed; see the error records\n")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_csv_cell_over_128_kib(tmp_path: Path, workers: str):
    source = tmp_path / "cases.csv"
    source.write_text("id,sun,hours\na,yes,3\nb,yes," + "7" * (200 * 1024) + "\nc,yes,4\n")
    out = run_cli("batch", str(source), "--kb", str(TINY), "--workers", workers, "-q")
    assert out.returncode == 1, out.stderr
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["id"] for r in records] == ["a", "b", "c"]
    assert "error" in records[1] and "error" not in records[0] and "error" not in records[2]
    assert len(records[1]["error"]) < 200


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_a_worker_killed_by_sigkill_never_hangs_the_batch(tmp_path: Path):
    source = tmp_path / "cases.jsonl"
    lines = [json.dumps({"id": n, "sun": True, "water": n % 2 == 0}) for n in range(30_000)]
    source.write_text("\n".join(lines) + "\n")
    output = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [
            *WHYACHE,
            "batch",
            str(source),
            "--kb",
            str(TINY),
            "--workers",
            "2",
            # experta, and many cases: on a quiet machine the reference engine finished the
            # whole batch before the kill could land (the worker was already gone)
            "--engine",
            "experta",
            "-q",
            "-o",
            str(output),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "WHYACHE_NO_CACHE": "1"},
    )
    try:
        deadline = time.monotonic() + 30
        while len(_children(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = _children(process.pid)
        assert workers, "the workers never started"
        time.sleep(0.2)
        os.kill(workers[-1], signal.SIGKILL)
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 1, stderr
    records = [json.loads(line) for line in output.read_text().splitlines()]
    assert [r["line"] for r in records] == list(range(1, 30_001))  # none lost, in order
    lost = [r for r in records if "error" in r]
    assert lost and all("worker process" in r["error"] for r in lost)
    assert [r["id"] for r in lost] == [r["line"] - 1 for r in lost]  # ids kept
