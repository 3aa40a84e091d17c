"""Batch throughput on experta and on the reference evaluator, through the whole record path.

Part of ``make bench`` (``benchmarks/run.py`` calls :func:`reference_figures`); on its own::

    .venv/bin/python benchmarks/reference_batch.py [--cases 2000] [--runs 5]

The record path is what ``whyache batch`` does per case: read a JSON line, build and validate
the case, run it, build the result record and encode it. In process (CPU time), both engines
go through ``whyache.workflows.batch.run_batch`` over the same lines, interleaved round by
round, and the ratio quoted is the median of per-round ratios; whole processes (wall time,
start-up and compiling included) run ``whyache batch --workers 1 --engine NAME``. Both
engines must write byte-identical output, or the benchmark stops.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from whyache.engine import Case, KnowledgeBase
from whyache.engine.runtime.engines import ENGINES, make_engine
from whyache.workflows.batch import read_items, run_batch


class _Rows(Protocol):
    def row(self, section: str, what: str, figure: str, goal: str = "") -> None: ...


def _lines(cases: list[Case]) -> str:
    return "".join(
        json.dumps({"id": number, "facts": case.to_mapping()}) + "\n"
        for number, case in enumerate(cases, start=1)
    )


def _record_path(kb: KnowledgeBase, engine: Any, text: str, explain: bool) -> Callable[[], str]:
    def run() -> str:
        items = read_items(io.StringIO(text), "jsonl", "<bench>")
        out = io.StringIO()
        for _failed, line in run_batch(kb, engine, items, explain=explain):
            out.write(line + "\n")
        return out.getvalue()

    return run


def _per_round(funcs: list[Callable[[], object]], runs: int) -> list[list[float]]:
    times: list[list[float]] = [[] for _ in funcs]
    for _ in range(runs):
        for func, spent in zip(funcs, times, strict=True):
            start = time.process_time()
            func()
            spent.append(time.process_time() - start)
    return times


def reference_figures(
    report: _Rows, kb: KnowledgeBase, cases: list[Case], runs: int
) -> dict[str, float]:
    """Cases per second on both engines, in process and as whole ``whyache batch`` runs."""
    text = _lines(cases)
    n = len(cases)
    figures: dict[str, float] = {}
    engines = {name: make_engine(kb, name) for name in ENGINES}
    for explain in (False, True):
        paths = [_record_path(kb, engines[name], text, explain) for name in ENGINES]
        outputs = [path() for path in paths]
        if outputs[0] != outputs[1]:
            raise SystemExit("the engines wrote different batch records: not measuring")
        experta, reference = _per_round(paths, runs)
        ratio = statistics.median(e / r for e, r in zip(experta, reference, strict=True))
        label = " --explain" if explain else ""
        for name, spent in zip(ENGINES, (experta, reference), strict=True):
            rate = n / statistics.median(spent)
            figures[f"{name}{label}"] = rate
            report.row(
                "reference", f"record path{label}, {n} cases, {name} (CPU)", f"{rate:,.0f} cases/s"
            )
        figures[f"ratio{label}"] = ratio
        report.row(
            "reference",
            f"record path{label}: reference / experta, median per-round ratio",
            f"{ratio:.1f}x",
            f"{'met' if ratio >= 10 else 'MISSED'} (goal >= 10x)",
        )
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "cases.jsonl"
        source.write_text(text)
        exe = _whyache_command()
        walls: dict[str, list[float]] = {name: [] for name in ENGINES}
        for _ in range(max(1, runs // 2)):
            for name in ENGINES:
                command = [*exe, "batch", str(source), "-q", "-o", os.devnull, "--workers", "1"]
                start = time.perf_counter()
                proc = subprocess.run([*command, "--engine", name], capture_output=True)
                walls[name].append(time.perf_counter() - start)
                if proc.returncode not in (0, 1):
                    raise SystemExit(f"whyache batch failed: {proc.stderr.decode()}")
        for name in ENGINES:
            rate = n / statistics.median(walls[name])
            figures[f"process {name}"] = rate
            report.row(
                "reference",
                f"whyache batch --workers 1 --engine {name} (whole process, wall)",
                f"{rate:,.0f} cases/s",
            )
    return figures


def _whyache_command() -> list[str]:
    script = Path(sys.executable).parent / "whyache"
    return [str(script)] if script.exists() else [sys.executable, "-m", "whyache"]


class _Printer:
    def row(self, section: str, what: str, figure: str, goal: str = "") -> None:
        print(f"{section:<10} {what:<66} {figure:>14}  {goal}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from run import machine, random_cases

    from whyache.knowledge_base import load_knowledge_base

    for key, value in machine().items():
        print(f"{key}: {value}")
    kb = load_knowledge_base()
    reference_figures(_Printer(), kb, random_cases(kb, args.cases), args.runs)


if __name__ == "__main__":
    main()
