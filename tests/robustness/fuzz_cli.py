"""A property-based fuzz of the whole ``whyache`` command line (issue 14).

Each example is a random argument list built from the real command tree (every command and
``kb`` subcommand, each option with a value of its kind: fact names of the knowledge base with
good and bad values, hostile files, choices, numbers, text with control characters, stray
tokens) and random bytes, which become the case, batch, scenario and answers files and stdin.
Every example runs in-process through click's CliRunner, with a cache directory planted with
pickles that would create a marker file if anything ever loaded them, and is checked for:

- an exit code outside the documented table (0, 1, 2, 3, 130, 141; 70 is "internal error");
- "internal error" in the output, or an exception escaping the command;
- an execution: the marker file exists;
- a hang: an example that used 2 s of CPU or more, or had not finished after 10 s of wall
  time (an alarm interrupts it: a blocking read would otherwise stall the fuzz). CPU time is
  the measure because the machine is shared: its wall time is reported too. ``serve`` serves
  until Ctrl-C by design: here it starts (arguments, knowledge base, socket), prints its URL
  and stops at once, and ``--open`` opens no browser;
- peak memory of the whole process (< 200 MB). That is every example's and Hypothesis's
  together; ``peak_memory.py`` measures each input in a process of its own.

Run standalone for the long figures (``python tests/robustness/fuzz_cli.py --examples 5000``);
``test_fuzz_cli.py`` runs a short version in the suite.
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import shutil
import signal
import sys
import tempfile
import time
import webbrowser
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import click
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whyache.cli import main
from whyache.web.server import TeachingServer

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "tests" / "fixtures" / "kbs" / "tiny"
DOCUMENTED = {0, 1, 2, 3, 70, 130, 141}
HANG_SECONDS = 2.0
WALL_TIMEOUT = 10
MEMORY_LIMIT_MB = 200


class _Payload:
    """What an attacker would plant in the cache: a pickle that runs a command when loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (f"touch {self.marker}",))


@dataclass
class Figures:
    examples: int = 0
    outside_table: int = 0
    internal_errors: int = 0
    executions: int = 0
    hangs: int = 0
    slowest: float = 0.0
    slowest_cpu: float = 0.0
    slowest_input: str = ""
    exit_codes: dict[int, int] = field(default_factory=dict)
    hangs_by_command: dict[str, int] = field(default_factory=dict)
    bad: list[str] = field(default_factory=list)

    @property
    def peak_mb(self) -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def report(self) -> str:
        codes = ", ".join(f"{k}: {v}" for k, v in sorted(self.exit_codes.items()))
        hangs = ", ".join(f"{k}: {v}" for k, v in sorted(self.hangs_by_command.items()))
        return (
            f"examples: {self.examples}\n"
            f"exit codes: {codes}\n"
            f"exit codes outside the documented table: {self.outside_table}\n"
            f'"internal error" (or an escaped exception): {self.internal_errors}\n'
            f"executions (planted pickles or YAML tags that ran): {self.executions}\n"
            f"hangs (an input taking {HANG_SECONDS:.0f} s of CPU or more, or {WALL_TIMEOUT} s of "
            f"wall time): {self.hangs}\n"
            f"hangs by command: {hangs or '-'}\n"
            f"slowest input: {self.slowest_cpu:.2f} s CPU ({self.slowest_input}); "
            f"longest wall time {self.slowest:.2f} s\n"
            f"peak memory of the process: {self.peak_mb:.0f} MB\n"
        )

    @property
    def clean(self) -> bool:
        return (
            not self.outside_table
            and not self.internal_errors
            and not self.executions
            and not self.hangs
            and self.peak_mb < MEMORY_LIMIT_MB
        )


class Arena:
    """A scratch directory: the hostile files, the planted cache, and the marker."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.marker = root / "EXECUTED"
        self.cache = root / "cache"
        self.cache.mkdir(mode=0o700)
        self.work = root / "work"
        self.work.mkdir()
        evil = pickle.dumps(_Payload(self.marker))
        for name in ("kb-0.pickle", "kb-0.json"):
            (self.cache / name).write_bytes(evil)
        (self.root / "a_dir").mkdir()
        self.hostile_kb = Path(shutil.copytree(TINY, root / "hostile_kb"))
        self.env = {"WHYACHE_CACHE_DIR": str(self.cache), "WHYACHE_NO_CACHE": ""}

    def plant(self) -> None:
        """Overwrite every cache entry with the pickle (a miss must follow, never a load)."""
        evil = pickle.dumps(_Payload(self.marker))
        for entry in self.cache.iterdir():
            entry.write_bytes(evil)

    def files(self, data: bytes) -> dict[str, str]:
        """The file arguments an example may use; the random bytes fill the case-like ones."""
        paths = {}
        for suffix in (".json", ".yaml", ".jsonl", ".csv", ".scenarios.yaml", ".txt"):
            path = self.work / f"input{suffix}"
            path.write_bytes(data)
            paths[suffix] = str(path)
        yaml_tag = self.work / "tag.yaml"
        yaml_tag.write_text(f'facts: !!python/object/apply:os.system ["touch {self.marker}"]\n')
        paths["tag"] = str(yaml_tag)
        (self.hostile_kb / "extra.yaml").write_bytes(data)
        return paths


_FACTS = [
    "sun",
    "water",
    "hours",
    "rest_pain",
    "thirst",
    "ache",
    "late_soreness",
    "see_doctor",
    "drink",
    "hot_weather",
    "shin_pain",
    "hours_since_run",
    "Sun",
    "",
    "x" * 300,
]
_VALUES = [
    "",
    "=yes",
    "=no",
    "=48",
    "=-1",
    "=1e400",
    "=nan",
    "=" + "9" * 401,
    "=" + "9" * 5001,
    "=maybe",
    "=\x1b[31m",
    "=5h",
    "==",
    "=0x10",
]
_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20
) | st.sampled_from(["\x1b]0;t\x07", "-", "--", "-h", "--help", "\x00", "é", "../x"])


def _fact_arg() -> st.SearchStrategy[str]:
    return st.builds(lambda f, v: f + v, st.sampled_from(_FACTS), st.sampled_from(_VALUES))


def _value_for(
    param: click.Parameter, files: dict[str, str], arena: Arena
) -> st.SearchStrategy[str]:
    paths = [
        *files.values(),
        str(arena.root / "missing"),
        str(arena.root / "a_dir"),
        "/dev/null",
        "-",
    ]
    outputs = [
        str(arena.work / "out.txt"),
        files[".jsonl"],
        str(arena.root / "no" / "out"),
        "/dev/null",
        str(arena.work / "report.xml"),
    ]
    name = param.name or ""
    if name == "kb_dir":
        return st.sampled_from(
            [
                str(TINY),
                str(arena.hostile_kb),
                str(arena.root / "a_dir"),
                str(arena.root / "missing"),
                files[".json"],
            ]
        )
    if name in {"output", "junit_file", "save_file"}:
        return st.sampled_from(outputs)
    if name in {"facts", "added", "removed", "conclusion", "focus_fact", "fact", "rule"}:
        return _fact_arg() | _TEXT
    if isinstance(param.type, click.Choice):
        return st.sampled_from([*map(str, param.type.choices), "xml"])
    if isinstance(param.type, click.types.IntParamType | click.IntRange):
        return st.sampled_from(["1", "0", "-3", "9" * 30, "two"])
    if isinstance(param.type, click.Path) or name in {"source", "paths", "case_file"}:
        return st.sampled_from(paths)
    return _TEXT | _fact_arg()


def _commands() -> list[tuple[list[str], click.Command]]:
    ctx = click.Context(main)
    out: list[tuple[list[str], click.Command]] = []
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            sub_ctx = click.Context(command)
            for sub in command.list_commands(sub_ctx):
                found = command.get_command(sub_ctx, sub)
                assert found is not None
                out.append(([name, sub], found))
        else:
            out.append(([name], command))
    return out


COMMANDS = _commands()


def _command_of(args: list[str]) -> str:
    for path, _ in COMMANDS:
        if args[: len(path)] == path:
            return " ".join(path)
    return "(a stray token first)"


@st.composite
def invocations(draw: st.DrawFn, arena: Arena) -> tuple[list[str], bytes]:
    data = draw(
        st.binary(max_size=400)
        | st.sampled_from(
            [
                b'{"id": 1, "hours": ' + b"9" * 401 + b"}\n",
                b"sun,hours\nyes," + b"7" * 140_000 + b"\n",
                b'scenarios:\n  - name: "\\e[2J"\n    given: {sun: yes}\n    concludes: [drink]\n',
                b"facts:\n  sun: yes\n  hours: " + b"9" * 5001 + b"\n",
                b'rules:\n  - id: r\n    description: d\n    if: "sun' + b" " * 5000 + b'!"\n'
                b"    then: ache\n    sources: [{doc: doc.txt, section: One}]\n",
            ]
        )
    )
    files = arena.files(data)
    path, command = draw(st.sampled_from(COMMANDS))
    args = list(path)
    params = [p for p in command.params if p.name != "help"]
    for param in draw(st.lists(st.sampled_from(params), max_size=5)) if params else []:
        if isinstance(param, click.Argument):
            args.append(draw(_value_for(param, files, arena)))
            continue
        assert isinstance(param, click.Option)
        args.append(draw(st.sampled_from(param.opts)))
        if not param.is_flag:
            args.append(draw(_value_for(param, files, arena)))
    if draw(st.integers(0, 9)) == 0:
        args.insert(draw(st.integers(0, len(args))), draw(_TEXT))
    if path == ["batch"] and "--workers" not in args:
        args += ["--workers", "1"]
    return args, data


class _Hang(Exception):
    """Raised by the alarm in an example still running after WALL_TIMEOUT seconds."""


_ALARMED: list[bool] = [False]


def _alarm(signum: int, frame: object) -> None:
    _ALARMED[0] = True  # the CLI's error edge turns the exception into exit 70: remember why
    raise _Hang


def run_one(arena: Arena, args: list[str], stdin: bytes, figures: Figures) -> None:
    from whyache.cli import options

    if str(arena.hostile_kb) in args:
        options._load.cache_clear()  # its files change with every example: read them again
    runner = CliRunner()
    start, cpu = time.monotonic(), time.process_time()
    previous = signal.signal(signal.SIGALRM, _alarm)
    _ALARMED[0] = False
    signal.alarm(WALL_TIMEOUT)
    try:
        result = runner.invoke(main, args, input=stdin, env=arena.env, catch_exceptions=True)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    took, took_cpu = time.monotonic() - start, time.process_time() - cpu
    figures.examples += 1
    figures.slowest = max(figures.slowest, took)
    if took_cpu > figures.slowest_cpu:
        figures.slowest_cpu = took_cpu
        figures.slowest_input = f"whyache {' '.join(a[:40] for a in args)!r}"[:200]
    code = result.exit_code
    figures.exit_codes[code] = figures.exit_codes.get(code, 0) + 1
    hung = _ALARMED[0] or isinstance(result.exception, _Hang)
    escaped = not hung and result.exception is not None
    escaped = escaped and not isinstance(result.exception, SystemExit)
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    problems = []
    if code not in DOCUMENTED:
        figures.outside_table += 1
        problems.append(f"exit {code}")
    if not hung and (escaped or code == 70 or "internal error" in text):
        figures.internal_errors += 1
        problems.append(f"internal error {result.exception!r}")
    if hung or took_cpu >= HANG_SECONDS:
        figures.hangs += 1
        command = _command_of(args)
        figures.hangs_by_command[command] = figures.hangs_by_command.get(command, 0) + 1
        problems.append(f"took {took_cpu:.2f} s CPU, {took:.2f} s wall")
    if arena.marker.exists():
        figures.executions += 1
        problems.append("EXECUTED")
        arena.marker.unlink()
    if problems and len(figures.bad) < 20:
        figures.bad.append(f"{problems}: whyache {' '.join(a[:60] for a in args)!r}")
    arena.plant()


def fuzz(examples: int, seed: int | None = None) -> Figures:
    figures = Figures()
    with (
        tempfile.TemporaryDirectory(prefix="whyache-fuzz-") as scratch,
        mock.patch.object(TeachingServer, "serve_forever", lambda self: None),
        mock.patch.object(webbrowser, "open", lambda url: True),
    ):
        arena = Arena(Path(scratch))
        old = Path.cwd()
        os.chdir(arena.work)  # relative outputs land in the scratch directory
        try:
            for warm in (["run", "-f", "hot_weather"], ["run", "--kb", str(TINY), "-f", "sun"]):
                CliRunner().invoke(main, warm, env=arena.env)  # imports and compiling: not inputs

            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=seed is not None,
                suppress_health_check=list(HealthCheck),
            )
            @given(invocations(arena))
            def one(invocation: tuple[list[str], bytes]) -> None:
                run_one(arena, *invocation, figures)

            one()
        finally:
            os.chdir(old)
    return figures


def _main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000)
    args = parser.parse_args()
    start = time.monotonic()
    figures = fuzz(args.examples)
    print(figures.report(), end="")
    print(f"wall time: {time.monotonic() - start:.0f} s; load average {os.getloadavg()[0]:.1f}")
    for line in figures.bad:
        print("  ", line)
    return 0 if figures.clean else 1


if __name__ == "__main__":
    sys.exit(_main())
