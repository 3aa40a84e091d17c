"""whyache benchmarks: one command, a table on stdout, and docs/performance.md.

Run from the repository root::

    make bench                      # or: .venv/bin/python benchmarks/run.py [--quick]

Not part of the test suite: figures depend on the machine, so nothing here passes or fails.
Each figure is the median of several runs; every comparison is a ratio of two figures
measured in the same run, interleaved, so that a busy machine slows both sides alike.
In-process figures are CPU time of this process (``time.process_time``), which other work on
the machine disturbs far less than wall time; figures that involve whole processes
(``whyache batch``, start-up) are wall time, with the CPU time of the child beside them.

Three engines run the same knowledge bases:

- whyache: ``whyache.engine.Engine``, recording every firing.
- bare: the same compiled rules (same patterns, same matcher, facts declared in one call) on
  a plain experta ``KnowledgeEngine`` with its own strategy and ``run()``; it records
  nothing. whyache / bare is the cost of provenance and of our stable strategy.
- naive: the way experta is usually used: ``Datum(name=..., value=...)`` patterns, experta's
  own matcher, one ``declare`` per fact. naive / whyache is what whyache's engine gains.

Sections (see docs/performance.md for what each goal means):

1. provenance overhead: whyache's engine vs the same compiled rules on a bare experta engine
2. throughput: cases per second in one process and through ``whyache batch --workers 1|2``
3. start-up: wall time of ``whyache run -f ...`` and where the import time goes
4. scaling: synthetic knowledge bases (a chain of N rules, a join over M facts)
5. CLIPS (``clips.py``), ``batch --dask local`` with 1 and 2 workers, and layered synthetic
   knowledge bases of 500 to 20,000 rules (``scaling.py``; ``--large`` adds 100,000)
6. reference: batch on experta and on the reference evaluator (``reference_batch.py``)

``--quick`` writes build/performance-quick.md, never the committed docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from whyache.engine import Case, Engine, KnowledgeBase, build_case  # noqa: E402
from whyache.engine.model.conditions import Compare, Denied, Literal, Present, Unknown  # noqa: E402
from whyache.engine.model.validation import validate  # noqa: E402
from whyache.engine.runtime._experta import NOT, Fact, KnowledgeEngine, P, Rule  # noqa: E402
from whyache.engine.runtime.engine import _fact_classes, _pattern, _test  # noqa: E402
from whyache.engine.runtime.matcher import DispatchingReteMatcher  # noqa: E402
from whyache.knowledge_base import load_knowledge_base  # noqa: E402

PAGE = ROOT / "docs" / "performance.md"
QUICK_OUTPUT = ROOT / "build" / "performance-quick.md"  # build/ is ignored by git

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference_batch import reference_figures  # noqa: E402

START_UP_GOAL_MS = 150.0  # issue 17: whole-process `whyache run` on the demo case
OVERHEAD_GOAL = 1.05
SLOW = 5.0  # seconds: a naive-experta run longer than this is measured once


# --- measuring ----------------------------------------------------------------------------


def interleaved(
    funcs: list[Callable[[], object]], runs: int, clock: Callable[[], float] = time.process_time
) -> list[float]:
    """Median time of each function, run in turn so that drift in the machine hits all."""
    return [statistics.median(spent) for spent in _timings(funcs, runs, clock)]


def paired_ratio(
    first: Callable[[], object], second: Callable[[], object], runs: int
) -> tuple[float, float, float]:
    """Median times of two functions and the median of their ratio within each round.

    A ratio taken round by round (the two run back to back) is steadier on a shared machine
    than the ratio of two medians, which a burst of load on one side can tilt.
    """
    a, b = _timings([first, second], runs, time.process_time)
    ratio = statistics.median(x / y for x, y in zip(a, b, strict=True))
    return statistics.median(a), statistics.median(b), ratio


def _timings(
    funcs: list[Callable[[], object]], runs: int, clock: Callable[[], float]
) -> list[list[float]]:
    times: list[list[float]] = [[] for _ in funcs]
    for _ in range(runs):
        for func, spent in zip(funcs, times, strict=True):
            start = clock()
            func()
            spent.append(clock() - start)
    return times


@dataclass
class Report:
    rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sections: dict[str, list[str]] = field(default_factory=dict)

    def row(self, section: str, what: str, figure: str, goal: str = "") -> None:
        load = _load()  # the 1-minute load average when the figure was taken
        self.rows.append((section, what, figure, goal, load))
        print(f"{section:<12} {what:<58} {figure:>16}  {goal}  (load {load})", flush=True)


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "?"


# --- a bare experta engine with the same rules --------------------------------------------


class _Bare(KnowledgeEngine):  # type: ignore[misc]
    """experta's own strategy and run(); whyache's matcher and DefFacts lookup."""

    __matcher__ = DispatchingReteMatcher

    def get_deffacts(self) -> Any:  # looked up once, as whyache's engine does
        cached = self.__dict__.get("_deffacts")
        if cached is None:
            cached = self._deffacts = super().get_deffacts()
        return cached


class NaiveDatum(Fact):  # type: ignore[misc]
    """The usual way to hold named facts in experta: one class, ``name`` and ``value``."""


def _naive_pattern(literal: Literal, numeric: bool) -> Any:
    atom = literal.atom
    if isinstance(atom, Compare):
        pattern = NaiveDatum(name=atom.fact, value=P(partial(_test, atom)))
    elif isinstance(atom, Denied):
        pattern = NaiveDatum(name=atom.fact, value=False)
    elif isinstance(atom, Present) and not numeric:
        pattern = NaiveDatum(name=atom.fact, value=True)
    else:
        pattern = NaiveDatum(name=atom.fact)
    return pattern if (not isinstance(atom, Unknown)) != literal.negated else NOT(pattern)


def engine_class(kb: KnowledgeBase, naive: bool) -> type:
    """The knowledge base's rules on a plain experta engine whose rule bodies only declare
    their conclusions; it records nothing. ``naive``: plain fact shape, stock engine, rule
    patterns in the order written. Otherwise the patterns whyache compiles."""
    strata = validate(kb)
    classes = _fact_classes(kb)
    make: Callable[[str, object], Any] = (
        (lambda name, value: NaiveDatum(name=name, value=value))
        if naive
        else (lambda name, value: classes[name](value=value))
    )
    attrs: dict[str, Any] = {"make": staticmethod(make), "naive": naive}
    order = 0
    for rule in kb.rules:
        for literals in rule.alternatives:
            order += 1
            if naive:
                patterns = [_naive_pattern(lit, kb.fact(lit.fact).is_numeric) for lit in literals]
            else:
                ordered = sorted(literals, key=lambda lit: not lit.is_positive_pattern)
                patterns = [
                    _pattern(lit, classes[lit.fact], kb.fact(lit.fact).is_numeric)
                    for lit in ordered
                ]
            attrs[f"_kb_{order:05d}"] = Rule(*patterns, salience=-strata[rule.id])(
                _body(rule.concludes)
            )
    base = KnowledgeEngine if naive else _Bare
    return type(f"{'Naive' if naive else 'Bare'}_{kb.name}", (base,), attrs)


def _body(concludes: tuple[str, ...]) -> Callable[..., None]:
    def body(self: Any, **_context: Any) -> None:
        self.fired += 1
        for fact_id in concludes:
            self.declare(self.make(fact_id, True))

    return body


def plain_run(engine: Any, case: Case) -> int:
    """Reset, declare the case's facts (naive: one at a time), run; the number of firings."""
    engine.fired = 0
    engine.reset()
    if engine.naive:
        for fact_id, value in case.facts:
            engine.declare(engine.make(fact_id, value))
    else:
        engine.declare(*(engine.make(f, v) for f, v in case.facts))
    engine.run()
    return int(engine.fired)


def random_cases(kb: KnowledgeBase, count: int, seed: int = 8) -> list[Case]:
    """Random cases over the knowledge base's inputs: 3 to 8 facts, mostly present."""
    rng = random.Random(seed)
    inputs = [f for f in kb.facts if f.is_input]
    cases = []
    for _ in range(count):
        pairs: list[tuple[str, object]] = []
        for fact in rng.sample(inputs, min(len(inputs), rng.randint(3, 8))):
            if fact.is_numeric:
                low, high = fact.minimum or 0.0, fact.maximum or 0.0
                pairs.append((fact.id, round(rng.uniform(low, high))))
            else:
                pairs.append((fact.id, rng.random() < 0.75))
        cases.append(build_case(kb, pairs))
    return cases


# --- 1 and 2: overhead and throughput -----------------------------------------------------


def sweep_figures(
    report: Report, kb: KnowledgeBase, cases: list[Case], naive_cases: int, runs: int
) -> float:
    engine = Engine(kb)
    bare = engine_class(kb, naive=False)()
    naive = engine_class(kb, naive=True)()
    few = cases[:naive_cases]
    fired = [
        sum(len(engine.run(c).firings) for c in cases),
        sum(plain_run(bare, c) for c in cases),
        sum(plain_run(naive, c) for c in few),
    ]

    def sweep(run: Callable[[Case], object], some: list[Case]) -> Callable[[], None]:
        def go() -> None:
            for case in some:
                run(case)

        return go

    t_why, t_bare, ratio = paired_ratio(
        sweep(engine.run, cases), sweep(partial(plain_run, bare), cases), runs
    )
    t_few, t_naive = interleaved(
        [sweep(engine.run, few), sweep(partial(plain_run, naive), few)], max(3, runs - 2)
    )
    n = len(cases)
    report.row("overhead", f"sweep of {n} random cases, whyache ({fired[0]} firings)", _ms(t_why))
    report.row("overhead", f"same sweep, bare experta ({fired[1]} firings)", _ms(t_bare))
    report.row(
        "overhead",
        "provenance overhead: whyache / bare (median of round-by-round ratios)",
        f"{ratio:.3f}",
        _goal(ratio <= OVERHEAD_GOAL, f"<= {OVERHEAD_GOAL:.2f}"),
    )
    report.row(
        "overhead",
        f"first {len(few)} cases: whyache / naive experta ({fired[2]} firings)",
        f"{_ms(t_few)} / {_ms(t_naive)}",
    )
    report.row(
        "overhead", "naive / whyache (what the engine's design gains)", f"{t_naive / t_few:.1f}x"
    )
    rate_why, rate_bare, rate_naive = n / t_why, n / t_bare, len(few) / t_naive
    report.row("throughput", "one process: whyache", f"{rate_why:,.0f} cases/s")
    report.row(
        "throughput",
        "one process: bare experta",
        f"{rate_bare:,.0f} cases/s",
        _goal(1 / ratio >= 0.98, "whyache >= bare, within 2%"),
    )
    report.row(
        "throughput",
        "one process: naive experta",
        f"{rate_naive:,.0f} cases/s",
        _goal(rate_why >= rate_naive, "whyache >= naive experta"),
    )
    return rate_naive


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"


def batch_figures(
    report: Report, kb: KnowledgeBase, cases: list[Case], runs: int, naive_rate: float
) -> None:
    exe = _whyache_command()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "cases.jsonl"
        with source.open("w") as out:
            for number, case in enumerate(cases, start=1):
                out.write(json.dumps({"id": number, "facts": case.to_mapping()}) + "\n")

        halves = [Path(tmp) / "first.jsonl", Path(tmp) / "second.jsonl"]
        lines = source.read_text().splitlines(keepends=True)
        middle = len(lines) // 2
        halves[0].write_text("".join(lines[:middle]))
        halves[1].write_text("".join(lines[middle:]))

        def batch(workers: int) -> Callable[[], None]:
            command = [*exe, "batch", str(source), "-q", "-o", os.devnull]
            command += ["--workers", str(workers), "--engine", "experta"]
            return lambda: _check_run(command, ok=(0, 1))

        def two_processes() -> None:
            # The machine's own ceiling: two independent one-worker batches, half each.
            one = ["-q", "-o", os.devnull, "--workers", "1", "--engine", "experta"]
            commands = [[*exe, "batch", str(h), *one] for h in halves]
            procs = [subprocess.Popen(c, stdout=subprocess.DEVNULL) for c in commands]
            for proc in procs:
                proc.wait()

        t1, t2, t_pair = interleaved(
            [batch(1), batch(2), two_processes], runs, clock=time.perf_counter
        )
    n = len(cases)
    report.row(
        "throughput", f"batch of {n} cases, --workers 1 (whole process)", f"{n / t1:,.0f} cases/s"
    )
    report.row(
        "throughput", f"batch of {n} cases, --workers 2 (whole process)", f"{n / t2:,.0f} cases/s"
    )
    per_core = n / t2 / 2
    report.row(
        "throughput",
        "--workers 2 per core / naive experta in one process",
        f"{per_core / naive_rate:.2f}",
        _goal(per_core >= naive_rate, ">= 1"),
    )
    speedup = t1 / t2
    report.row(
        "throughput",
        "speed-up, --workers 2 over --workers 1",
        f"{speedup:.2f}x",
        _goal(speedup >= 1.7, "near 2x (>= 1.7)"),
    )
    report.row(
        "throughput",
        "  the machine's ceiling: two independent --workers 1 runs on half each, concurrently",
        f"{t1 / t_pair:.2f}x",
    )


# --- 3: start-up --------------------------------------------------------------------------

_PHASES = """
import json, time
clock = time.process_time
t0 = clock()
import whyache.cli.run
t1 = clock()
from whyache.cli.options import load_kb
kb = load_kb(None)
t2 = clock()
from whyache.engine import Engine, case_from_assignments, validate
case = case_from_assignments(kb, {facts!r})
validate(kb)
t3 = clock()
engine = Engine(kb, only_for=[f for f, _ in case.facts])
t4 = clock()
from whyache.cli.run import report_text
from whyache.cli.style import Style
report_text(engine.run(case), Style())
t5 = clock()
Engine(kb)
t6 = clock()
print(json.dumps([t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5]))
"""

_IMPORTS = ["click", "whyache.engine", "experta", "yaml", "whyache.knowledge_base", "networkx"]


def startup_figures(report: Report, kb: KnowledgeBase, runs: int) -> dict[str, Any]:
    exe = _whyache_command()
    facts = _small_case(kb)
    command = [*exe, "run", *(arg for f in facts for arg in ("-f", f))]
    # As a user's install runs: bytecode cached. An environment that sets
    # PYTHONDONTWRITEBYTECODE (as some sandboxes do) would otherwise time the compiler.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    _check_run(command, env=env)  # warm the file cache and write the bytecode
    bare_python = [sys.executable, "-c", "pass"]
    uncached = ["env", "WHYACHE_NO_CACHE=1", *command]
    with tempfile.TemporaryDirectory() as empty:
        no_bytecode = ["env", "PYTHONDONTWRITEBYTECODE=1", f"PYTHONPYCACHEPREFIX={empty}", *command]
        (t_run, c_run), (t_python, c_python), (t_cold, c_cold), (t_src, c_src) = processes(
            [command, bare_python, uncached, no_bytecode], runs, env=env
        )
    shown = " ".join(command[len(exe) :])
    report.row(
        "start-up",
        f"whyache run, the demo case ({len(facts)} facts), wall",
        f"{t_run * 1000:.0f} ms",
        _goal(t_run * 1000 < START_UP_GOAL_MS, f"< {START_UP_GOAL_MS:.0f} ms"),
    )
    report.row("start-up", "  the same, CPU time of the process", f"{c_run * 1000:.0f} ms")
    report.row(
        "start-up",
        "  the same without the knowledge-base cache, wall / CPU",
        f"{t_cold * 1000:.0f} / {c_cold * 1000:.0f} ms",
    )
    report.row(
        "start-up",
        "  the same with no bytecode cache (every module compiled), wall / CPU",
        f"{t_src * 1000:.0f} / {c_src * 1000:.0f} ms",
    )
    report.row(
        "start-up",
        "python -c pass (the floor), wall / CPU",
        f"{t_python * 1000:.0f} / {c_python * 1000:.0f} ms",
    )

    phases = []
    for _ in range(max(3, runs // 2)):
        out = _check_run([sys.executable, "-c", _PHASES.format(facts=facts)], env=env)
        phases.append(json.loads(out))
    names = [
        "import whyache.cli.run",
        "load the knowledge base (cached)",
        "validate it (strata remembered in the cache)",
        "compile the rules the case can reach",
        "run the case and render its report",
        "(compile the whole knowledge base, for comparison)",
    ]
    for index, name in enumerate(names):
        value = statistics.median(p[index] for p in phases)
        report.row("start-up", f"  in-process CPU: {name}", f"{value * 1000:.0f} ms")

    imports: dict[str, list[float]] = {name: [] for name in _IMPORTS}
    for _ in range(3):
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import whyache.cli.run"],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        seen = _import_times(proc.stderr)
        for name in _IMPORTS:
            imports[name].append(seen.get(name, 0.0))
    for name in _IMPORTS:
        value = statistics.median(imports[name])
        figure = f"{value * 1000:.0f} ms" if value else "not imported"
        report.row("start-up", f"  -X importtime, cumulative: {name}", figure)
    return {"command": shown}


def processes(
    commands: list[list[str]], runs: int, env: dict[str, str] | None = None
) -> list[tuple[float, float]]:
    """Median wall time and median CPU time (user + system) of each command, run in turn."""
    wall: list[list[float]] = [[] for _ in commands]
    cpu: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for index, command in enumerate(commands):
            before, start = os.times(), time.perf_counter()
            _check_run(command, env=env)
            after, end = os.times(), time.perf_counter()
            wall[index].append(end - start)
            cpu[index].append(
                after.children_user
                + after.children_system
                - before.children_user
                - before.children_system
            )
    return [(statistics.median(w), statistics.median(c)) for w, c in zip(wall, cpu, strict=True)]


def _import_times(stderr: str) -> dict[str, float]:
    """Cumulative import time (s) per module from ``-X importtime`` output (first import)."""
    found: dict[str, float] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line[len("import time:") :].split("|")
        name = name.strip()
        if cumulative.strip().isdigit():
            found.setdefault(name, int(cumulative) / 1e6)
    return found


def _small_case(kb: KnowledgeBase) -> list[str]:
    if kb.demo:
        return [
            f"{k}={v}" if not isinstance(v, bool) else (k if v else f"{k}=no")
            for k, v in dict(kb.demo).items()
        ]
    return [f.id for f in kb.facts if f.is_input][:3]


# --- 4: scaling ---------------------------------------------------------------------------


def synthetic_kb(
    directory: Path, facts: list[dict[str, Any]], rules: list[dict[str, Any]]
) -> KnowledgeBase:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "kb.yaml").write_text(
        "name: synthetic\nversion: '1'\ndescription: benchmark\ndisclaimer: benchmark only\n"
        "kinds:\n  - {id: mechanism, title: Mechanisms}\n"
    )
    (directory / "documents.yaml").write_text(
        "documents:\n  - {file: bench.txt, title: Benchmark, sections: [One]}\n"
    )
    (directory / "rules.yaml").write_text(json.dumps({"facts": facts, "rules": rules}))
    return load_knowledge_base(directory)


def _fact(fact_id: str, kind: str) -> dict[str, Any]:
    entry = {"id": fact_id, "label": fact_id, "kind": kind}
    if kind == "input":
        entry["question"] = f"{fact_id}?"
    return entry


def _rule(rule_id: str, premises: list[str], conclusion: str) -> dict[str, Any]:
    condition: Any = premises[0] if len(premises) == 1 else {"all": premises}
    return {
        "id": rule_id,
        "description": rule_id,
        "if": condition,
        "then": conclusion,
        "sources": [{"doc": "bench.txt", "section": "One"}],
    }


def chain_kb(directory: Path, n: int) -> tuple[KnowledgeBase, Case]:
    facts = [_fact("f0", "input")] + [_fact(f"f{i}", "mechanism") for i in range(1, n + 1)]
    rules = [_rule(f"r{i}", [f"f{i - 1}"], f"f{i}") for i in range(1, n + 1)]
    kb = synthetic_kb(directory, facts, rules)
    return kb, build_case(kb, [("f0", True)])


def join_kb(directory: Path, m: int) -> tuple[KnowledgeBase, Case]:
    inputs = [f"x{i}" for i in range(m)]
    facts = [_fact(x, "input") for x in inputs] + [_fact("joined", "mechanism")]
    kb = synthetic_kb(directory, facts, [_rule("join", inputs, "joined")])
    return kb, build_case(kb, [(x, True) for x in inputs])


def scaling_figures(report: Report, sizes: dict[str, list[int]], runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for label, build, values in (
            ("chain", chain_kb, sizes["chain"]),
            ("join", join_kb, sizes["join"]),
        ):
            for n in values:
                kb, case = build(Path(tmp) / f"{label}{n}", n)
                start = time.process_time()
                engine = Engine(kb)
                compile_time = time.process_time() - start
                naive = engine_class(kb, naive=True)()
                fired = len(engine.run(case).firings)
                start = time.process_time()
                assert fired == plain_run(naive, case), (label, n)
                once = time.process_time() - start
                if once > SLOW:  # too slow to repeat: one run, said so
                    (t_why,) = interleaved([partial(engine.run, case)], runs)
                    t_naive, note = once, ", 1 run"
                else:
                    t_why, t_naive = interleaved(
                        [partial(engine.run, case), partial(plain_run, naive, case)], runs
                    )
                    note = ""
                what = f"chain of {n} rules" if label == "chain" else f"join over {n} facts"
                report.row("scaling", f"{what}: compile", _ms(compile_time))
                report.row("scaling", f"{what}: run, whyache", _ms(t_why))
                report.row(
                    "scaling",
                    f"{what}: run, naive experta{note} (naive / whyache)",
                    f"{_ms(t_naive)} ({t_naive / t_why:.0f}x)",
                )


# --- 5: CLIPS, Dask, and knowledge bases of up to 100,000 rules ---------------------------


def clips_figures(report: Report, kb: KnowledgeBase, cases: list[Case], runs: int) -> None:
    try:
        import clips as clips_benchmark  # benchmarks/clips.py (it finds clipspy itself)

        found = clips_benchmark.compare(kb, cases, runs)
    except SystemExit as exc:  # clipspy missing, or a disagreement: say so, go on
        report.row("clips", "CLIPS comparison", "not run", str(exc))
        return
    n = len(cases)
    report.row(
        "clips", f"{n} random cases, {found.firings} firings: same conclusions", "every case"
    )
    report.row("clips", "whyache (experta engine), in process", f"{1 / found.experta:,.0f} cases/s")
    report.row(
        "clips", "whyache (reference engine), in process", f"{1 / found.reference:,.0f} cases/s"
    )
    report.row(
        "clips", "CLIPS (clipspy), same rules, in process", f"{1 / found.clips:,.0f} cases/s"
    )
    report.row(
        "clips",
        "experta engine / CLIPS per case (median of round-by-round ratios)",
        f"{found.experta_ratio:.1f}x",
    )
    ratio = found.reference_ratio
    report.row(
        "clips",
        "reference engine / CLIPS per case (median of round-by-round ratios)",
        f"{ratio:.2f}x",
        f"{'met' if ratio <= 1.5 else 'MISSED'} (goal <= 1.5x)",
    )


def dask_figures(report: Report, cases: list[Case], runs: int) -> None:
    exe = _whyache_command()
    try:
        import distributed  # noqa: F401
    except ImportError:
        report.row("dask", "batch --dask local", "not run", "pip install -e '.[dask]'")
        return
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "cases.jsonl"
        with source.open("w") as out:
            for number, case in enumerate(cases, start=1):
                out.write(json.dumps({"id": number, "facts": case.to_mapping()}) + "\n")

        def batch(workers: int) -> Callable[[], None]:
            command = [*exe, "batch", str(source), "-q", "-o", os.devnull, "--dask", "local"]
            command += ["--workers", str(workers)]
            return lambda: _check_run(command, ok=(0, 1))

        t1, t2 = interleaved([batch(1), batch(2)], runs, clock=time.perf_counter)
    n = len(cases)
    for workers, spent in ((1, t1), (2, t2)):
        report.row(
            "dask",
            f"batch of {n} cases --dask local, {workers} worker(s) (whole process, wall)",
            f"{n / spent:,.0f} cases/s",
        )
    report.row("dask", "speed-up, 2 local Dask workers over 1", f"{t1 / t2:.2f}x")


def large_kb_figures(report: Report, sizes: list[int], budget: float) -> list[str]:
    import scaling  # benchmarks/scaling.py

    steps, notes = scaling.measure(sizes, budget, log=lambda line: print(line, flush=True))
    lines = scaling.table(steps, sizes)
    lines.append("")
    lines += [f"- {int(n):,} rules: {note}" for n, note in notes.items()]
    by_name = {step.name: step for step in steps}
    for name, goal in (("cold load", 30.0), ("kb lint", 30.0), ("run (experta)", 30.0)):
        value = by_name[name].values.get(max(sizes))
        if isinstance(value, float):
            report.row(
                "large KBs",
                f"{name}, {max(sizes):,} rules",
                scaling._figure(value, "s"),
                _goal(value < goal, f"< {goal:.0f} s") if max(sizes) >= scaling.LARGE else "",
            )
    for name in ("compile (experta)",):
        for rules, goal in ((8_000, 6.0), (20_000, 30.0)):
            value = by_name[name].values.get(rules)
            if isinstance(value, float):
                report.row(
                    "large KBs",
                    f"{name}, {rules:,} rules",
                    scaling._figure(value, "s"),
                    _goal(value < goal, f"< {goal:.0f} s"),
                )
    for step in steps:
        exponent = step.exponent()
        if exponent is not None and step.unit == "s":
            report.row(
                "large KBs",
                f"growth exponent from 2k rules: {step.name}",
                f"{exponent:.2f}",
                _goal(exponent <= 1.2, "<= 1.2"),
            )
    return lines


# --- machine and output -------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "unknown"
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "experta": metadata.version("experta"),
        "load average at start": load,
    }


def _goal(met: bool, goal: str) -> str:
    return f"{'met' if met else 'MISSED'} (goal {goal})"


def _whyache_command() -> list[str]:
    script = Path(sys.executable).parent / "whyache"
    return [str(script)] if script.exists() else [sys.executable, "-m", "whyache"]


def _check_run(
    command: list[str], ok: tuple[int, ...] = (0,), env: dict[str, str] | None = None
) -> str:
    proc = subprocess.run(command, capture_output=True, text=True, env=env)
    if proc.returncode not in ok:
        raise SystemExit(f"benchmark command failed: {' '.join(command)}\n{proc.stderr}")
    return proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"fewer runs and smaller sizes; writes {QUICK_OUTPUT.relative_to(ROOT)}",
    )
    parser.add_argument("--large", action="store_true", help="add the 100,000-rule knowledge base")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    if args.output is None:
        args.output = QUICK_OUTPUT if args.quick else PAGE
    if args.quick and args.output.resolve() == PAGE.resolve():
        parser.error("--quick figures never replace the committed docs/performance.md")
    runs = 3 if args.quick else 5
    cases_n = 60 if args.quick else 150
    naive_n = 10 if args.quick else 20
    batch_n = 200 if args.quick else 1200  # so per-worker compiling is not most of it
    # a join of at most 256 premises: the longest all: list a condition may have
    sizes = {"chain": [100, 300] if args.quick else [100, 1000], "join": [100, 250]}

    # A private cache, so that runs do not depend on (or touch) the user's own.
    cache = tempfile.TemporaryDirectory()
    os.environ["WHYACHE_CACHE_DIR"] = cache.name
    report = Report()
    info = machine()
    for key, value in info.items():
        print(f"{key}: {value}")
    print()
    kb = load_knowledge_base()
    cases = random_cases(kb, max(cases_n, batch_n))
    started = time.perf_counter()
    naive_rate = sweep_figures(report, kb, cases[:cases_n], naive_n, runs)
    batch_figures(report, kb, cases[:batch_n], 3, naive_rate)
    reference_figures(report, kb, cases[:batch_n], runs)
    startup_figures(report, kb, 9 if not args.quick else 5)
    scaling_figures(report, sizes, 3)
    clips_figures(report, kb, cases[: 300 if args.quick else 1000], 3)
    dask_figures(report, cases[:batch_n], 1 if args.quick else 3)
    kb_sizes = [500, 2_000] if args.quick else [500, 2_000, 8_000, 20_000]
    scaling_table = large_kb_figures(report, kb_sizes + ([100_000] if args.large else []), 60.0)
    elapsed = time.perf_counter() - started
    print(f"\n{elapsed:.0f} s in all")
    write_markdown(args.output, report, info, kb, elapsed, scaling_table)
    print(f"wrote {args.output}")


def write_markdown(
    path: Path,
    report: Report,
    info: dict[str, str],
    kb: KnowledgeBase,
    elapsed: float,
    scaling_table: list[str],
) -> None:
    template = (Path(__file__).parent / "performance.md.in").read_text()
    table = ["| section | measure | figure | goal | load |", "|---|---|---|---|---|"]
    for section, what, figure, goal, load in report.rows:
        table.append(f"| {section} | {what.strip()} | {figure} | {goal} | {load} |")
    described = "\n".join(f"- {key}: {value}" for key, value in info.items())
    rules = sum(len(r.alternatives) for r in kb.rules)
    goals = [(what, goal) for _, what, _, goal, _ in report.rows if goal]
    summary = "\n".join(f"- {what.strip()}: **{goal}**" for what, goal in goals)
    text = template.format(
        summary=summary,
        machine=described,
        kb=f"{kb.name} {kb.version}: {len(kb.rules)} rules ({rules} compiled), "
        f"{len(kb.facts)} facts",
        table="\n".join(table),
        scaling="\n".join(scaling_table),
        large=(Path(__file__).parent / "large.md").read_text().strip(),
        elapsed=f"{elapsed:.0f}",
        load_at_end=_load(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text)
    os.replace(temporary, path)  # never a half-written page


if __name__ == "__main__":
    main()
