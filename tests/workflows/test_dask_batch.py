"""Batch on a Dask cluster: the same records as a local batch, in order; lost work never hangs.

The clusters are real (``LocalCluster``, worker processes, bound to 127.0.0.1).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from whyache.cli import main
from whyache.engine import Engine
from whyache.knowledge_base.cache import load_cached
from whyache.workflows import dask_batch
from whyache.workflows.batch import Item, run_batch

from ..cli.test_batch import JSONL
from ..conftest import TINY

distributed = pytest.importorskip("distributed")

# Enough cases for several partitions of three, with error records among them.
MANY = (
    "".join(
        json.dumps({"id": f"n{i}", "facts": {"sun": True, "water": i % 3 == 0, "hours": i % 50}})
        + "\n"
        for i in range(40)
    )
    + JSONL
)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
        processes=True,
    ) as local:
        yield local


def items(text: str) -> list[Item]:
    return [Item(n, line) for n, line in enumerate(text.splitlines(True), start=1) if line.strip()]


def local_records(text: str) -> list[tuple[bool, str]]:
    kb = load_cached(TINY)
    return list(run_batch(kb, Engine(kb), items(text)))


def test_cli_output_is_the_local_output(cluster, tmp_path: Path):
    source = tmp_path / "cases.jsonl"
    source.write_text(JSONL)
    runner = CliRunner()
    local = runner.invoke(main, ["batch", "--kb", str(TINY), str(source), "--workers", "1"])
    on_dask = runner.invoke(
        main, ["batch", "--kb", str(TINY), str(source), "--dask", cluster.scheduler_address]
    )
    assert on_dask.exit_code == local.exit_code == 1  # two cases fail, in both
    assert on_dask.stdout == local.stdout
    assert "2 case(s) failed" in on_dask.stderr


def test_many_partitions_come_back_in_input_order(cluster):
    kb = load_cached(TINY)
    found = list(
        dask_batch.run_batch_dask(
            kb, items(MANY), address=cluster.scheduler_address, partition=3, explain=True
        )
    )
    assert found == list(run_batch(kb, Engine(kb), items(MANY), explain=True))


def test_a_killed_worker_costs_a_retry_not_the_batch(cluster):
    kb = load_cached(TINY)
    client = distributed.Client(cluster)
    try:
        results = dask_batch.run_batch_dask(
            kb, items(MANY), address=cluster.scheduler_address, partition=3
        )
        first = next(results)
        pids = client.run(os.getpid)
        os.kill(next(iter(pids.values())), signal.SIGKILL)
        found = [first, *results]
    finally:
        client.close()
    assert found == local_records(MANY)


def test_no_worker_means_error_records_after_the_timeout():
    kb = load_cached(TINY)
    with distributed.LocalCluster(
        n_workers=0, host="127.0.0.1", dashboard_address=None, processes=True
    ) as empty:
        found = list(
            dask_batch.run_batch_dask(
                kb, items(JSONL), address=empty.scheduler_address, timeout=1, partition=2
            )
        )
    reason = "no Dask worker took the knowledge base within 1 s"
    assert found == [
        (True, f'{{"id": "a", "line": 1, "error": "{reason}"}}'),
        (True, f'{{"id": 3, "line": 3, "error": "{reason}"}}'),
        (True, f'{{"id": 4, "line": 4, "error": "{reason}"}}'),
        (True, f'{{"id": "x", "line": 5, "error": "{reason}"}}'),
        (True, f'{{"id": 7, "line": 6, "error": "{reason}"}}'),
    ]


def test_unreachable_scheduler_is_one_clear_line(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(dask_batch, "CONNECT_TIMEOUT", 1.0)
    source = tmp_path / "cases.jsonl"
    source.write_text(JSONL)
    result = CliRunner().invoke(
        main, ["batch", "--kb", str(TINY), str(source), "--dask", "tcp://127.0.0.1:9"]
    )
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr


def test_without_the_extra_the_option_says_what_to_install(monkeypatch, tmp_path: Path):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails, as if not installed
    source = tmp_path / "cases.jsonl"
    source.write_text(JSONL)
    result = CliRunner().invoke(main, ["batch", "--kb", str(TINY), str(source), "--dask", "local"])
    assert result.exit_code == 2
    assert "--dask needs dask.distributed, which is not installed" in result.stderr
    assert "pip install 'whyache[dask]'" in result.stderr


def test_the_batch_module_does_not_import_dask():
    import subprocess

    code = (
        "import sys, whyache.cli.batch, whyache.workflows.batch;"
        "print('distributed' in sys.modules or 'dask' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


class _Task:
    """A stand-in for a Dask future whose result never comes, or fails."""

    def __init__(self, error: BaseException) -> None:
        self.error = error
        self.cancelled = False

    def result(self, timeout: float) -> list[tuple[bool, str]]:
        raise self.error

    def cancel(self) -> None:
        self.cancelled = True


def test_a_partition_without_result_in_time_becomes_error_records():
    task = _Task(TimeoutError())
    found = dask_batch._collect(distributed, items('{"id": "q"}\n{}\n'), task, 2.5)
    reason = "no result from the Dask cluster within 2.5 s"
    assert found == [
        (True, f'{{"id": "q", "line": 1, "error": "{reason}"}}'),
        (True, f'{{"id": 2, "line": 2, "error": "{reason}"}}'),
    ]
    assert task.cancelled


def test_a_failed_partition_becomes_error_records_naming_the_failure():
    found = dask_batch._collect(distributed, items("{}\n"), _Task(MemoryError("full")), 1)
    assert found == [
        (True, '{"id": 1, "line": 1, "error": "the Dask task failed: MemoryError: full"}')
    ]
