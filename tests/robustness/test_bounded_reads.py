"""Issue 14, item 4: no read fills memory or waits forever, and no message echoes a whole input."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import threading
from pathlib import Path

import pytest

from ..conftest import TINY
from .conftest import WHYACHE

#: Address space allowed to each CLI run below; the unbounded reads used to need gigabytes.
LIMIT = 1024 * 1024 * 1024


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def run_limited(
    *args: str, stdin: object = None, timeout: float = 30
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*WHYACHE, *args],
        stdin=stdin,
        capture_output=True,
        timeout=timeout,
        preexec_fn=_limited,
        env={**os.environ, "WHYACHE_NO_CACHE": "1"},
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize(
    "args",
    [
        ["run", "--case", "/dev/zero"],
        ["consult", "--answers", "/dev/zero"],
        ["check", "/dev/zero"],
        ["batch", "/dev/zero", "--input-format", "jsonl"],
    ],
    ids=lambda a: a[0],
)
def test_a_device_is_refused_not_read(args: list[str]):
    done = run_limited(*args, "--kb", str(TINY), stdin=subprocess.DEVNULL)
    assert done.returncode == 2, done.stderr
    assert b"not a regular file" in done.stderr
    assert done.stderr.count(b"\n") == 1


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--case", "FIFO"],
        ["consult", "--answers", "FIFO"],
        ["check", "FIFO"],
        ["batch", "FIFO", "--input-format", "jsonl"],
    ],
    ids=lambda a: a[0],
)
def test_a_fifo_never_blocks(tmp_path: Path, args: list[str]):
    fifo = tmp_path / "case.yaml"
    os.mkfifo(fifo)  # no writer will ever open it
    args = [str(fifo) if a == "FIFO" else a for a in args]
    done = run_limited(*args, "--kb", str(TINY), stdin=subprocess.DEVNULL, timeout=20)
    assert done.returncode == 2, done.stderr
    assert b"not a regular file" in done.stderr


def test_a_500_mb_batch_line_stays_within_the_memory_limit():
    size = 500 * 1024 * 1024
    process = subprocess.Popen(
        [*WHYACHE, "batch", "-", "--input-format", "jsonl", "--kb", str(TINY), "-q"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_limited,
    )

    def feed() -> None:
        assert process.stdin is not None
        try:
            process.stdin.write(b'{"id": "a", "sun": true}\n{"id": "big", "sun": "')
            block = b"x" * (1 << 20)
            for _ in range(size // len(block)):
                process.stdin.write(block)
            process.stdin.write(b'"}\n{"id": "c", "sun": true}\n')
        finally:
            process.stdin.close()

    writer = threading.Thread(target=feed)
    writer.start()
    assert process.stdout is not None and process.stderr is not None
    stdout = process.stdout.read()  # a few records: stderr (one line) cannot fill its pipe
    stderr = process.stderr.read()
    writer.join()
    process.wait(timeout=60)
    assert process.returncode == 1, stderr
    records = [json.loads(line) for line in stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3]
    assert records[1] == {"id": 2, "line": 2, "error": "line longer than 1048576 characters"}
    assert "error" not in records[0] and "error" not in records[2]


def test_a_huge_value_is_echoed_at_most_about_100_characters(tmp_path: Path):
    source = tmp_path / "cases.jsonl"
    source.write_text(
        json.dumps({"id": "big", "x" * 500_000: True})
        + "\n"
        + json.dumps({"id": "v", "sun": "y" * 500_000})
        + "\n"
    )
    done = run_limited("batch", str(source), "--kb", str(TINY), "-q")
    assert done.returncode == 1
    for line in done.stdout.splitlines():
        assert len(line) < 300, line[:300]
    fact = run_limited("run", "--kb", str(TINY), "-f", "z" * 100_000)
    assert fact.returncode == 2 and len(fact.stderr) < 300
    value = run_limited("run", "--kb", str(TINY), "-f", "hours=" + "1" * 100_000)
    assert value.returncode == 2 and len(value.stderr) < 300


def test_a_case_of_1000_unknown_names_gets_a_short_message(tmp_path: Path):
    case = tmp_path / "case.yaml"
    case.write_text("[" + ", ".join(f"x{n}" for n in range(1000)) + "]")
    done = run_limited("run", "--kb", str(TINY), "--case", str(case))
    assert done.returncode == 2
    assert len(done.stderr) < 400, len(done.stderr)
