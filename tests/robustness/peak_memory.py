"""Peak memory of every hostile input, each in a process of its own (issue 14).

Each input runs as ``python -m whyache ARGS`` in a fresh process and is measured by the
kernel's high-water mark of that process's resident set (``ru_maxrss`` from ``wait4``):
exact, where sampling ``/proc`` would miss a short peak. Two traps make the obvious ways wrong:

- ``getrusage(RUSAGE_CHILDREN)`` is the largest of *all* the children waited for so far, so
  it only ever grows: its deltas are not per input.
- Linux folds into a child's ``ru_maxrss`` the peak of the memory map it had *before*
  ``exec``, and ``fork``, ``vfork`` and ``posix_spawn`` all start the child on its parent's
  map: a child spawned by this script (which holds Hypothesis and whyache, ~100 MB) would
  report at least this script's size. So the children are spawned by a *launcher*, a small
  stdlib-only interpreter (~10 MB, the floor every figure includes; ``floor`` measures it).

A child's ``ru_maxrss`` covers the processes it waited for too (``batch --workers N``): it is
the largest single process of the tree, not their sum, so for those the launcher also samples
the tree's proportional set size (PSS, shared pages split between the processes that share
them) every 20 ms, which may miss a short peak but shows what the tree holds together.

Inputs: a sample of the whole-CLI fuzz corpus (``fuzz_cli.invocations``) and the named hostile
inputs of this folder's tests and of issue 14, built by ``named_inputs``. Run::

    python tests/robustness/peak_memory.py --examples 600
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whyache.knowledge_base.reading import MAX_BYTES
from whyache.knowledge_base.yaml_source import MAX_NODES

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "tests" / "fixtures" / "kbs" / "tiny"
LIMIT_MB = 200
DOCUMENTED = {0, 1, 2, 3, 130, 141}  # 70 is "internal error"
TIMEOUT = 10.0  # as fuzz_cli's WALL_TIMEOUT: ``serve`` runs until stopped

#: The launcher: reads one JSON request a line, spawns it, answers with what wait4 said.
LAUNCHER = r"""
import json, os, select, signal, sys, time

def pss(root):
    todo, total = [root], 0
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += sum(int(l.split()[1]) for l in f if l.startswith("Pss:"))
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                todo += [int(p) for p in f.read().split()]
        except (OSError, ValueError):
            pass
    return total

for line in sys.stdin:
    r = json.loads(line)
    os.chdir(r["cwd"])
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, r["stdin"], os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, r["stdout"], flags, 0o600),
        (os.POSIX_SPAWN_OPEN, 2, r["stderr"], flags, 0o600),
    ]
    start = time.monotonic()
    pid = os.posix_spawn(r["argv"][0], r["argv"], r["env"], file_actions=actions, setsid=True)
    done, timed_out, tree = os.pidfd_open(pid), False, 0
    while not select.select([done], [], [], 0.02 if r["tree"] else 0.5)[0]:
        if r["tree"]:
            tree = max(tree, pss(pid))
        if time.monotonic() - start > r["timeout"]:
            timed_out = True
            os.killpg(pid, signal.SIGKILL)
    _, status, usage = os.wait4(pid, 0)
    wall = time.monotonic() - start
    os.close(done)
    try:
        os.killpg(pid, signal.SIGKILL)  # a worker left behind by a parent that died
    except (ProcessLookupError, PermissionError):
        pass
    reply = {
        "code": os.waitstatus_to_exitcode(status),
        "peak_kb": usage.ru_maxrss,
        "tree_pss_kb": tree,
        "cpu": usage.ru_utime + usage.ru_stime,
        "wall": wall,
        "timed_out": timed_out,
    }
    print(json.dumps(reply), flush=True)
"""


@dataclass(frozen=True)
class Measured:
    """One input's figures: exit code, peak RSS of its largest process, CPU and wall time."""

    label: str
    code: int
    peak_mb: float
    tree_pss_mb: float
    cpu: float
    wall: float
    timed_out: bool
    stderr: str


class Launcher:
    """The small process that spawns and waits for every measured child (see the docstring)."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.process = subprocess.Popen(
            [sys.executable, "-S", "-c", LAUNCHER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def measure(
        self,
        label: str,
        argv: list[str],
        *,
        stdin: Path | None = None,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        tree: bool = False,
        timeout: float = TIMEOUT,
    ) -> Measured:
        stderr = self.scratch / "stderr"
        request = {
            "argv": argv,
            "stdin": str(stdin or "/dev/null"),
            "stdout": str(self.scratch / "stdout"),
            "stderr": str(stderr),
            "cwd": str(cwd or self.scratch),
            "env": {**os.environ, "PYTHONHASHSEED": "0", **(env or {})},
            "tree": tree,
            "timeout": timeout,
        }
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        reply = json.loads(self.process.stdout.readline())
        said = stderr.read_bytes()[-300:].decode("utf-8", "replace").splitlines()
        return Measured(
            label,
            reply["code"],
            reply["peak_kb"] / 1024,
            reply["tree_pss_kb"] / 1024,
            reply["cpu"],
            reply["wall"],
            reply["timed_out"],
            said[-1] if said else "",
        )

    def whyache(self, label: str, *args: str, **options: Any) -> Measured:
        return self.measure(label, [sys.executable, "-m", "whyache", *args], **options)

    def floor(self) -> Measured:
        """What every figure includes before whyache starts: the launcher's own map."""
        return self.measure("floor (/bin/true)", ["/bin/true"])

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()

    def __enter__(self) -> Launcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- the named hostile inputs -------------------------------------------------------------

HUGE, HUGER = "9" * 401, "9" * 5001
CAP = MAX_BYTES  # the largest case, scenario, answers or knowledge-base file


def _fill(line: str, size: int = CAP - 64) -> str:
    return line * (size // len(line))


def _billion_laughs() -> str:
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[n]
        rows.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    return "\n".join(rows) + "\n"


def _kb(directory: Path, rules_yaml: str, extra_facts: str = "") -> Path:
    """The tiny knowledge base with its rules replaced by ``rules_yaml`` (and facts added)."""
    kb = Path(shutil.copytree(TINY, directory))
    facts = (kb / "rules.yaml").read_text().partition("rules:")[0]
    (kb / "rules.yaml").write_text(facts.rstrip("\n") + "\n" + extra_facts + rules_yaml)
    return kb


def _independent_rules_kb(directory: Path, count: int, per_file: int = 2_000) -> Path:
    """Issue 14, item 6: ``count`` rules, no chain, each concluding its own fact from sun."""
    facts = "".join(f"  - {{id: c{n}, label: C{n}, kind: mechanism}}\n" for n in range(count))
    kb = _kb(directory, "", facts)
    for start in range(0, count, per_file):
        (kb / f"rules_{start:06d}.yaml").write_text(
            "rules:\n"
            + "".join(
                f"  - {{id: r{n}, description: An independent rule., if: sun, then: c{n}, "
                "sources: [{doc: doc.txt, section: One}]}\n"
                for n in range(start, min(start + per_file, count))
            )
        )
    return kb


def _jsonl(path: Path, count: int) -> Path:
    with path.open("w") as out:
        for n in range(count):
            out.write(json.dumps({"id": n, "sun": n % 2 == 0, "water": n % 3 == 0}) + "\n")
    return path


def named_inputs(work: Path) -> Iterator[tuple[str, list[str], dict[str, object]]]:
    """(label, whyache arguments, measure options) for each named hostile input."""

    def put(name: str, text: str | bytes) -> str:
        path = work / name
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        return str(path)

    tiny = ["--kb", str(TINY)]
    # huge numbers (item 5)
    yield "run -f hours=<401 digits>", ["run", *tiny, "-f", f"hours={HUGE}"], {}
    yield "run -f hours=<5001 digits>", ["run", *tiny, "-f", f"hours={HUGER}"], {}
    for name, text in [
        ("huge.json", '{"facts": {"hours": ' + HUGER + "}}"),
        ("huge.yaml", f"facts:\n  hours: {HUGER}\n"),
        ("huge_digits.json", "[" + ", ".join([HUGER] * 900) + "]"),
    ]:
        yield f"run --case {name}", ["run", *tiny, "--case", put(name, text)], {}
    kb = Path(shutil.copytree(TINY, work / "range_kb"))
    rules = kb / "rules.yaml"
    rules.write_text(rules.read_text().replace("range: [0, 100]", f"range: [0, {HUGER}]"))
    yield "run, fact range of 5001 digits", ["run", "--kb", str(kb), "-f", "sun"], {}
    # nesting (YAML and JSON), aliases
    for name, text in [
        ("deep200.yaml", "[" * 200 + "]" * 200),
        ("deep1M.yaml", "[" * 1_000_000 + "]" * 1_000_000),
        ("deep1M.json", "[" * 1_000_000 + "]" * 1_000_000),
        ("deep_maps.yaml", "".join(" " * n + f"k{n}:\n" for n in range(3000))),
        ("deep_objects.json", '{"a": ' * 100_000 + "1" + "}" * 100_000),
        ("billion_laughs.yaml", _billion_laughs()),
        ("alias.yaml", "a: &x [1]\nb: *x\n"),
    ]:
        yield f"run --case {name}", ["run", *tiny, "--case", put(name, text)], {}
    # files at the 5 MB cap, and one line of 5 MB
    for name, text in [
        ("cap_keys.yaml", "facts:\n" + "".join(f"  f{n}: yes\n" for n in range(CAP // 16))),
        ("cap_list.yaml", _fill("- sun\n")),
        ("cap_flow.yaml", "[" + _fill("a,") + "a]"),
        ("cap_nulls.yaml", "{" + _fill("a,") + "a}"),
        ("cap_empty_maps.yaml", "[" + _fill("{},") + "{}]"),
        ("nodes_under_cap.yaml", "[" + "a," * (MAX_NODES - 10) + "a]"),
        ("maps_under_cap.yaml", "".join(f"- {{i{n}: c}}\n" for n in range(MAX_NODES // 3 - 7))),
        ("empty_maps_under_cap.yaml", "[" + "{}," * (MAX_NODES - 10) + "{}]"),
        ("cap_ints.json", "[" + _fill("1,") + "1]"),
        ("cap_empty_lists.json", "[" + _fill("[],") + "[]]"),
        ("cap_empty_objects.json", "[" + _fill("{},") + "{}]"),
        ("cap_nested_lists.json", "[" + _fill("[[]],") + "[]]"),
        ("nested_under_cap.json", "[" + "[[]]," * (MAX_NODES // 2 - 10) + "[]]"),
        ("cap_keys.json", "{" + ", ".join(f'"f{n}": 1' for n in range(CAP // 14)) + "}"),
        ("cap_line.yaml", "facts: {sun: " + "x" * (CAP - 64) + "}\n"),
        ("cap_strings.json", "[" + _fill('"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",') + '"a"]'),
        ("cap_unicode.json", '{"sun": "' + _fill("\U0001f600", CAP // 4 - 64) + '"}'),
        ("over_cap.yaml", "x" * (CAP + 10)),
    ]:
        yield f"run --case {name}", ["run", *tiny, "--case", put(name, text)], {}
    scenario = "  - {name: s, given: {sun: yes, water: no}, concludes: [thirst]}\n"
    many = put("many.scenarios.yaml", "scenarios:\n" + scenario * (MAX_NODES // 12 - 66))
    yield "check 16,600 scenarios (under the node cap)", ["check", many, *tiny], {"timeout": 120}
    many = put("cap.scenarios.yaml", "scenarios:\n" + _fill(scenario))
    yield "check 5 MB of scenarios (85,000)", ["check", many, *tiny], {"timeout": 120}
    answers = put("cap_answers.txt", _fill("yes\n"))
    yield "consult --answers <5 MB>", ["consult", *tiny, "--answers", answers], {}
    yield "run --case /dev/zero", ["run", *tiny, "--case", "/dev/zero"], {}
    fifo = work / "fifo.yaml"
    os.mkfifo(fifo)
    yield "run --case FIFO", ["run", *tiny, "--case", str(fifo)], {}
    # knowledge bases (items 5 and 6)
    spaces = '  - {id: r, description: d, if: "sun' + " " * 65536 + '!", then: ache, '
    spaces += "sources: [{doc: doc.txt, section: One}]}\n"
    kb = _kb(work / "spaces_kb", "rules:\n" + spaces)
    yield "run, condition of 64 KiB of spaces", ["run", "--kb", str(kb), "-f", "sun"], {}
    items = "[" + ", ".join(["sun"] * 300_000) + "]"
    anys = "  - id: r\n    description: d\n    if:\n      any: " + items + "\n"
    anys += "    then: ache\n    sources: [{doc: doc.txt, section: One}]\n"
    kb = _kb(work / "any_kb", "rules:\n" + anys)
    yield "run, any: of 300,000 items", ["run", "--kb", str(kb), "-f", "sun"], {}
    rule = "  - {id: r, description: d, if: sun, then: ache, "
    cap_rules = "rules:\n" + _fill(rule + "sources: [{doc: doc.txt, section: One}]}\n")
    kb = _kb(work / "cap_kb", cap_rules)
    yield "run, rules.yaml at the 5 MB cap", ["run", "--kb", str(kb), "-f", "sun"], {}
    # 20,000 rules run for minutes (the trace's summary is quadratic in the conclusions), so
    # ``run`` has half of them; ``kb lint`` reads all 20,000
    wide = _independent_rules_kb(work / "wide_kb", 10_000)
    yield "run, 10,000 independent rules", ["run", "--kb", str(wide), "-f", "sun"], {"timeout": 60}
    wide = _independent_rules_kb(work / "wider_kb", 20_000)
    yield "kb lint, 20,000 independent rules", ["kb", "lint", "--kb", str(wide)], {"timeout": 60}
    # batch lines (items 2 and 4)
    hostile = [
        '{"id": "good", "sun": true, "water": false}',
        '{"id": "d401", "hours": ' + HUGE + "}",
        '{"id": "d5001", "hours": ' + HUGER + "}",
        '{"id": 1' + "0" * 5001 + ', "sun": true}',
        json.dumps({"id": "big", "x" * 500_000: True}),
        json.dumps({"id": "v", "sun": "y" * 500_000}),
    ]
    lines = put("hostile.jsonl", "\n".join(hostile) + "\n")
    for workers in ("1", "2"):
        args = ["batch", lines, *tiny, "--workers", workers, "-q"]
        yield f"batch hostile lines --workers {workers}", args, {"tree": workers != "1"}
    cell = put("cell.csv", "id,sun,hours\na,yes,3\nb,yes," + "7" * (200 * 1024) + "\nc,yes,4\n")
    yield "batch CSV cell of 200 KiB", ["batch", cell, *tiny, "--workers", "1", "-q"], {}
    cell = put("cell50.csv", "id,sun,hours\na,yes,3\nb,yes," + "7" * (50 << 20) + "\nc,yes,4\n")
    yield "batch CSV cell of 50 MB", ["batch", cell, *tiny, "--workers", "1", "-q"], {}
    quoted = put("quoted.csv", 'id,sun\na,"' + "y\n" * (600 << 10) + '"\nc,yes\n')
    yield "batch CSV quoted cell of 1.2 MB of lines", ["batch", quoted, *tiny, "-q"], {}
    big = work / "line500.jsonl"
    with big.open("wb") as out:
        out.write(b'{"id": "a", "sun": true}\n{"id": "big", "sun": "')
        block = b"x" * (1 << 20)
        for _ in range(500):
            out.write(block)
        out.write(b'"}\n{"id": "c", "sun": true}\n')
    args = ["batch", "-", "--input-format", "jsonl", *tiny, "-q", "--workers", "1"]
    yield "batch a 500 MB line (stdin)", args, {"stdin": big, "timeout": 120}
    args = ["batch", str(big), *tiny, "-q", "--workers", "2"]
    yield "batch a 500 MB line (file, --workers 2)", args, {"tree": True, "timeout": 120}
    big.unlink()
    long = str(_jsonl(work / "long.jsonl", 100_000))
    out = str(work / "out.jsonl")
    for workers in ("1", "2"):
        args = ["batch", long, *tiny, "--workers", workers, "-q", "-o", out]
        yield f"batch 100,000 cases --workers {workers}", args, {"tree": True, "timeout": 300}
    bundled = work / "bundled.jsonl"
    with bundled.open("w") as lines_out:
        for n in range(20_000):
            case = {"id": n, "hot_weather": n % 2 == 0, "hours_since_run": n % 72}
            lines_out.write(json.dumps(case) + "\n")
    args = ["batch", str(bundled), "--workers", "1", "-q", "-o", out, "--explain"]
    yield "batch 20,000 cases, bundled KB, --explain", args, {"timeout": 300}
    short = str(_jsonl(work / "short.jsonl", 10_000))
    args = ["batch", short, *tiny, "--workers", "1", "--engine", "experta", "-q", "-o", out]
    yield "batch 10,000 cases on experta", args, {"timeout": 300}
    # many arguments
    args = ["run", *[a for _ in range(20_000) for a in ("-f", "sun")]]
    yield "run with 20,000 -f options", [*args, *tiny], {}


def measure_named(launcher: Launcher, work: Path) -> list[Measured]:
    cache = work / "cache"
    results = []
    for label, args, options in named_inputs(work):
        _empty(cache)  # a cold cache: every knowledge base is read, compiled and written
        env = {"WHYACHE_CACHE_DIR": str(cache), "WHYACHE_NO_CACHE": ""}
        results.append(launcher.whyache(label, *args, env=env, cwd=work, **options))
        _report_line(results[-1])
    return results


def _empty(directory: Path) -> None:
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(mode=0o700)


# --- a sample of the fuzz corpus ----------------------------------------------------------


def measure_fuzz(launcher: Launcher, examples: int, seed: bool = True) -> list[Measured]:
    """Run ``examples`` inputs of the whole-CLI fuzz, each in its own process."""
    from hypothesis import HealthCheck, given, settings

    from tests.robustness.fuzz_cli import Arena, invocations

    results: list[Measured] = []
    skipped: list[list[str]] = []
    executed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="whyache-mem-fuzz-") as scratch:
        arena = Arena(Path(scratch))
        stdin = arena.root / "stdin.bin"

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=seed,
            suppress_health_check=list(HealthCheck),
        )
        @given(invocations(arena))
        def one(invocation: tuple[list[str], bytes]) -> None:
            args, data = invocation
            if any("\0" in a for a in args):  # no process can be given a NUL in an argument
                skipped.append(args)
                return
            stdin.write_bytes(data)
            label = "whyache " + " ".join(a[:40] for a in args)
            env = {**arena.env, "BROWSER": "true"}  # serve --open: no browser (a no-op instead)
            results.append(launcher.whyache(label, *args, stdin=stdin, cwd=arena.work, env=env))
            if arena.marker.exists():  # the fuzz's own check, kept: nothing may execute
                executed.append(label)
                arena.marker.unlink()
            arena.plant()

        one()
    print(
        f"fuzz: {len(skipped)} drawn inputs not run (a NUL in an argument); executions: "
        f"{len(executed)} {executed[:3]}"
    )
    return results


# --- the report ---------------------------------------------------------------------------


def _report_line(m: Measured) -> None:
    tree = f", tree PSS {m.tree_pss_mb:.0f} MB" if m.tree_pss_mb else ""
    late = " TIMED OUT" if m.timed_out else ""
    print(
        f"{m.peak_mb:7.1f} MB{tree}  exit {m.code:3d}  {m.cpu:6.2f} s CPU{late}  {m.label[:90]}"
        f"  | {m.stderr[:80]}",
        flush=True,
    )


def summary(title: str, results: list[Measured]) -> str:
    peaks = [m.peak_mb for m in results]
    worst = max(results, key=lambda m: m.peak_mb)
    over = [m for m in results if m.peak_mb >= LIMIT_MB or m.tree_pss_mb >= LIMIT_MB]
    codes: dict[int, int] = {}
    for m in results:
        codes[m.code] = codes.get(m.code, 0) + 1
    slowest = max(results, key=lambda m: m.cpu)
    return (
        f"{title}: {len(results)} inputs; peak RSS median {statistics.median(peaks):.1f} MB, "
        f"max {worst.peak_mb:.1f} MB ({worst.label[:100]}); "
        f"at or over {LIMIT_MB} MB: {len(over)}; timed out (>{TIMEOUT:.0f} s wall): "
        f"{sum(m.timed_out for m in results)}; exit codes "
        + ", ".join(f"{k}: {v}" for k, v in sorted(codes.items()))
        + f"; most CPU {slowest.cpu:.2f} s ({slowest.label[:60]})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=600, help="fuzz inputs (0: none)")
    parser.add_argument("--no-named", action="store_true", help="skip the named inputs")
    options = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    runs: list[tuple[str, Callable[[Launcher, Path], list[Measured]]]] = []
    if not options.no_named:
        runs.append(("named hostile inputs", measure_named))
    if options.examples:
        runs.append(("fuzz corpus sample", lambda lx, _: measure_fuzz(lx, options.examples)))
    start = time.monotonic()
    clean = True
    lines = []
    with (
        tempfile.TemporaryDirectory(prefix="whyache-mem-") as scratch,
        Launcher(Path(scratch)) as launcher,
    ):
        floor = launcher.floor()
        lines.append(f"floor (the launcher's map, in every figure): {floor.peak_mb:.1f} MB")
        for title, run in runs:
            work = Path(scratch) / title.split()[0]
            work.mkdir()
            results = run(launcher, work)
            lines.append(summary(title, results))
            clean = clean and all(m.peak_mb < LIMIT_MB for m in results)
            worst = sorted(results, key=lambda m: -m.peak_mb)[:5]
            lines += [f"   {m.peak_mb:.1f} MB: {m.label[:110]}" for m in worst]
            late = [m for m in results if m.timed_out]
            lines += [f"   timed out ({m.cpu:.2f} s CPU): {m.label[:110]}" for m in late]
            odd = [m for m in results if m.code not in DOCUMENTED and not m.timed_out]
            lines += [f"   exit {m.code}: {m.label[:150]} | {m.stderr[:150]}" for m in odd]
    print("\n".join(lines))
    load = os.getloadavg()
    print(
        f"wall time {time.monotonic() - start:.0f} s; {os.cpu_count()} CPUs; "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
