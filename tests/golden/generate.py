"""The golden set: every scenario's output through run, explain, why-not, what-if and graph.

A refactoring must leave every byte of output alone; a change that means to alter output
regenerates the set and says why in its commit. The set stores one SHA-256 digest per output
(``digests.json``) so that it stays small; ``--dump DIR`` writes the outputs themselves, to diff
two commits by dumping at each.

    python tests/golden/generate.py            # compare with digests.json (exit 1 on drift)
    python tests/golden/generate.py --write    # rewrite digests.json
    python tests/golden/generate.py --dump DIR # write every output to DIR
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from click.testing import CliRunner

from whyache.cli import main as cli
from whyache.knowledge_base import load_knowledge_base
from whyache.knowledge_base.scenarios import load_scenarios, scenario_files

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE.parent / "scenarios"
DIGESTS = HERE / "digests.json"


def _fact_args(facts: tuple[tuple[str, object], ...]) -> list[str]:
    args: list[str] = []
    for name, value in facts:
        if value is True:
            args += ["-f", name]
        elif value is False:
            args += ["-f", f"{name}=no"]
        else:
            number = float(value)  # type: ignore[arg-type]
            args += ["-f", f"{name}={int(number) if number.is_integer() else number}"]
    return args


def invocations() -> Iterator[tuple[str, list[str]]]:
    """(key, argv) for every output in the golden set, in a fixed order."""
    kb = load_knowledge_base(None)
    for path in scenario_files([SCENARIOS]):
        for scenario in load_scenarios(kb, path):
            base = f"{path.name}::{scenario.name}"
            facts = _fact_args(scenario.case.facts)
            commands: list[tuple[str, list[str]]] = [("run", ["run", *facts])]
            if scenario.concludes:
                commands.append(("explain", ["explain", scenario.concludes[0], *facts]))
            if scenario.does_not_conclude:
                commands.append(("why-not", ["why-not", scenario.does_not_conclude[0], *facts]))
            if scenario.case.facts:
                removed = scenario.case.facts[0][0]
                commands.append(("what-if", ["what-if", *facts, "--remove", removed]))
            for name, argv in commands:
                for fmt in ("text", "json"):
                    yield f"{base}::{name}::{fmt}", [*argv, "--format", fmt]
            yield f"{base}::graph::dot", ["graph", *facts]
            yield f"{base}::graph::json", ["graph", *facts, "--format", "json"]


def outputs() -> Iterator[tuple[str, bytes]]:
    runner = CliRunner()
    for key, argv in invocations():
        result = runner.invoke(cli, argv, catch_exceptions=False)
        yield key, f"exit {result.exit_code}\n".encode() + result.stdout_bytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite digests.json")
    parser.add_argument("--dump", type=Path, help="write every output to this directory")
    args = parser.parse_args()
    digests: dict[str, str] = {}
    for n, (key, data) in enumerate(outputs()):
        digests[key] = hashlib.sha256(data).hexdigest()
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            (args.dump / f"{n:05d}.txt").write_bytes(key.encode() + b"\n" + data)
    if args.write:
        DIGESTS.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n")
        print(f"wrote {len(digests)} digests to {DIGESTS}")
        return 0
    expected = json.loads(DIGESTS.read_text())
    drift = sorted(k for k in expected.keys() | digests.keys() if expected.get(k) != digests.get(k))
    for key in drift:
        print(f"differs: {key}")
    print(f"{len(digests)} outputs, {len(drift)} differ")
    return 1 if drift else 0


if __name__ == "__main__":
    sys.exit(main())
