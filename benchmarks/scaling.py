"""How whyache grows with the knowledge base: synthetic knowledge bases of 500 to 100,000 rules.

For each size (``synthetic_kb.py`` writes the knowledge base), every step runs in a fresh
process with a time budget, so one slow step can neither hang the benchmark nor disturb the
next:

- cold load: read the YAML, validate, write the parsed-KB cache (CPU time, in the process)
- warm load: the same from the cache
- compile: the whole knowledge base into the experta engine (what ``batch`` pays once)
- lint: ``whyache kb lint`` as a whole command (CPU time of the process)
- run: ``whyache run`` of one case as a whole command, cache warm (CPU time of the process)
- batch: 1,000 cases in one process after the compile: time per case and firings per case
  (in the process, the compiled engine frozen out of the collector's way as ``batch`` does)

A step whose previous size, scaled linearly, would already exceed the budget is not run and
is reported as ``skipped: over budget``; one that runs past the budget is stopped and reported
the same way. The growth exponent of each step is the slope of a least-squares line through
log(time) against log(rules) over the sizes from 2,000 up. When the installed whyache has
``--engine`` (the reference evaluator), its run and batch are measured beside experta's.

    .venv/bin/python benchmarks/scaling.py [--large] [--budget 60]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synthetic_kb import Shape, random_case_facts, write_kb  # noqa: E402

SIZES = (500, 2_000, 8_000, 20_000)
LARGE = 100_000
BATCH_CASES = 1_000
FIT_FROM = 2_000

_LOAD = """
import json, sys, time
from whyache.knowledge_base.cache import load_cached
t = time.process_time()
kb = load_cached(sys.argv[1])
print(json.dumps({"seconds": time.process_time() - t}))
"""

_COMPILE_AND_BATCH = """
import gc, json, sys, time
from whyache.knowledge_base.cache import load_cached
from whyache.engine import Engine, build_case
kb = load_cached(sys.argv[1])
engine_name = sys.argv[3]
cases = [build_case(kb, list(c.items())) for c in json.load(open(sys.argv[2]))]
t = time.process_time()
if engine_name == "experta":
    engine = Engine(kb)
else:  # the reference evaluator, where this whyache has one
    from whyache.engine.runtime.engines import make_engine
    engine = make_engine(kb, engine_name)
compiled = time.process_time() - t
gc.freeze()
t = time.process_time()
fired = sum(len(engine.run(case).firings) for case in cases)
ran = time.process_time() - t
print(json.dumps({"compile": compiled, "per_case": ran / len(cases),
                  "firings": fired / len(cases)}))
"""


@dataclass
class Step:
    name: str
    unit: str = "s"
    #: rules -> seconds (or a count), or the reason it was not measured
    values: dict[int, float | str] = field(default_factory=dict)

    def exponent(self) -> float | None:
        points = [(n, v) for n, v in self.values.items() if n >= FIT_FROM and isinstance(v, float)]
        points = [(n, v) for n, v in points if v > 0]
        if len(points) < 2:
            return None
        xs = [math.log(n) for n, _ in points]
        ys = [math.log(v) for _, v in points]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
            (x - mx) ** 2 for x in xs
        )


class OverBudget(Exception):
    pass


def _python() -> str:
    return sys.executable


def _whyache() -> list[str]:
    script = Path(sys.executable).parent / "whyache"
    return [str(script)] if script.exists() else [sys.executable, "-m", "whyache"]


def _child(
    command: list[str], budget: float, env: dict[str, str], ok: tuple[int, ...] = (0,)
) -> tuple[str, float, float]:
    """Run a command within the budget: (its stdout, CPU seconds of the child, wall seconds)."""
    before, start = os.times(), time.perf_counter()
    try:
        proc = subprocess.run(
            command, capture_output=True, text=True, timeout=budget, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        raise OverBudget from None
    after, wall = os.times(), time.perf_counter() - start
    if proc.returncode not in ok:
        raise SystemExit(f"failed: {' '.join(command)}\n{proc.stderr[-2000:]}")
    cpu = (
        after.children_user + after.children_system - before.children_user - before.children_system
    )
    return proc.stdout, cpu, wall


def _has_reference_engine() -> bool:
    proc = subprocess.run([*_whyache(), "run", "--help"], capture_output=True, text=True)
    return "--engine" in proc.stdout


def _case_flags(facts: dict[str, object]) -> list[str]:
    flags = []
    for name, value in facts.items():
        text = name if value is True else f"{name}=no" if value is False else f"{name}={value}"
        flags += ["-f", text]
    return flags


Log = Callable[[str], None]


def measure(sizes: list[int], budget: float, log: Log = print) -> tuple[list[Step], dict[str, str]]:
    """Every step at every size; returns the steps and notes on the knowledge bases."""
    engines = ["experta"] + (["reference"] if _has_reference_engine() else [])
    names = ["cold load", "warm load", "compile (experta)", "kb lint"]
    names += [f"run ({e})" for e in engines] + [f"batch per case ({e})" for e in engines]
    steps = {name: Step(name) for name in names}
    firings = Step("firings per case", unit="")
    notes: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="whyache-scaling-") as tmp:
        for rules in sizes:
            notes[str(rules)] = _measure_size(
                rules, Path(tmp), budget, engines, steps, firings, log
            )
    return [*steps.values(), firings], notes


def _measure_size(
    rules: int,
    tmp: Path,
    budget: float,
    engines: list[str],
    steps: dict[str, Step],
    firings: Step,
    log: Log,
) -> str:
    kb_dir = tmp / f"kb{rules}"
    started = time.perf_counter()
    shape: Shape = write_kb(kb_dir, rules)
    note = (
        f"{len(shape.inputs) + len(shape.numbers):,} inputs, "
        f"{sum(len(layer) for layer in shape.layers):,} derived facts, "
        f"{sum(p.stat().st_size for p in kb_dir.iterdir()) / 1e6:.1f} MB of YAML"
    )
    log(f"{rules} rules: generated in {time.perf_counter() - started:.1f} s ({note})")
    cases = random_case_facts(shape, BATCH_CASES)
    cases_file = tmp / f"cases{rules}.json"
    cases_file.write_text(json.dumps(cases))
    env = dict(os.environ, WHYACHE_CACHE_DIR=str(tmp / f"cache{rules}"))

    def step(name: str, action: Callable[[], float]) -> None:
        measured = steps[name]
        done = {n: v for n, v in measured.values.items() if isinstance(v, float)}
        if done:
            last = max(done)
            if done[last] * rules / last > budget:
                measured.values[rules] = "skipped: over budget"
                log(f"  {name}: skipped: over budget (> {budget:.0f} s expected)")
                return
        try:
            value = action()
        except OverBudget:
            measured.values[rules] = "skipped: over budget"
            log(f"  {name}: skipped: over budget (stopped after {budget:.0f} s)")
            return
        measured.values[rules] = value
        log(f"  {name}: {_figure(value, measured.unit)}")

    def load() -> float:
        out, _, _ = _child([_python(), "-c", _LOAD, str(kb_dir)], budget, env)
        return float(json.loads(out)["seconds"])

    def lint() -> float:
        command = [*_whyache(), "kb", "lint", "--kb", str(kb_dir)]
        return _child(command, budget, env, ok=(0, 1))[1]

    def run_one(engine: str) -> float:
        extra = ["--engine", engine] if engine != "experta" else []
        command = [*_whyache(), "run", "--kb", str(kb_dir), *_case_flags(cases[0]), *extra]
        return _child(command, budget, env)[1]

    def batch(engine: str) -> float:
        script = [_python(), "-c", _COMPILE_AND_BATCH, str(kb_dir), str(cases_file), engine]
        found = json.loads(_child(script, budget, env)[0])
        if engine == "experta":
            steps["compile (experta)"].values[rules] = found["compile"]
            log(f"  compile (experta): {_figure(found['compile'], 's')}")
            firings.values[rules] = found["firings"]
        return float(found["per_case"])

    step("cold load", load)
    step("warm load", load)
    step("kb lint", lint)
    for engine in engines:
        step(f"run ({engine})", partial(run_one, engine))
        step(f"batch per case ({engine})", partial(batch, engine))
    steps["compile (experta)"].values.setdefault(rules, "skipped: over budget")
    return note


def _figure(value: float | str, unit: str) -> str:
    if isinstance(value, str):
        return value
    if unit == "":
        return f"{value:.1f}"
    if value < 0.001:  # the reference's time per case: milliseconds would round it away
        return f"{value * 1e6:.0f} µs"
    if value < 0.01:
        return f"{value * 1000:.2f} ms"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s"


def table(steps: list[Step], sizes: list[int]) -> list[str]:
    """A markdown table: one row per step, one column per size, and the growth exponent."""
    head = "| step | " + " | ".join(f"{n:,} rules" for n in sizes) + " | exponent (2k up) |"
    lines = [head, "|---" * (len(sizes) + 2) + "|"]
    for s in steps:
        cells = [_figure(s.values[n], s.unit) if n in s.values else "-" for n in sizes]
        exponent = s.exponent()
        shown = f"{exponent:.2f}" if exponent is not None else "-"
        lines.append(f"| {s.name} | " + " | ".join(cells) + f" | {shown} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--large", action="store_true", help="add the 100,000-rule size")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per step")
    parser.add_argument("--sizes", type=int, nargs="*", help="instead of the default sizes")
    args = parser.parse_args()
    sizes = list(args.sizes or SIZES) + ([LARGE] if args.large else [])
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average at start: {load}")
    steps, notes = measure(sizes, args.budget)
    for rules, note in notes.items():
        print(f"{rules} rules: {note}")
    print()
    print("\n".join(table(steps, sizes)))
    print(f"\nload average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
