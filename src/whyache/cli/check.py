"""``whyache check``: run scenario files and report, per scenario, pass or exactly what failed.

Text for people, JSON and JUnit XML for CI systems; the exit code says whether all passed.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from whyache.cli import exit_codes
from whyache.cli.options import engine_option, format_option, kb_option, load
from whyache.cli.streams import refuse_input_as_output, replacing
from whyache.engine import InputError, KnowledgeBase
from whyache.engine.errors import visible
from whyache.knowledge_base.scenarios import SUFFIX, load_scenarios, scenario_files
from whyache.workflows.scenario_check import Outcome, check, report_lines, summary_line

JSON_SCHEMA = "whyache.check/1"


def render_text(outcomes: Sequence[Outcome]) -> str:
    lines = [line for outcome in outcomes for line in report_lines(outcome)]
    return "\n".join([*lines, summary_line(outcomes)]) + "\n"


def to_dict(kb: KnowledgeBase, outcomes: Sequence[Outcome]) -> dict[str, Any]:
    passed = sum(1 for o in outcomes if o.passed)
    return {
        "schema": JSON_SCHEMA,
        "kb": {"name": kb.name, "version": kb.version},
        "passed": passed,
        "failed": len(outcomes) - passed,
        "scenarios": [
            {
                "name": o.scenario.name,
                "file": o.scenario.location.file,
                "line": o.scenario.location.line,
                "passed": o.passed,
                "failures": [
                    {
                        "expectation": f.expectation,
                        "subject": f.subject,
                        "expected": list(f.expected)
                        if isinstance(f.expected, tuple)
                        else f.expected,
                        "actual": list(f.actual) if isinstance(f.actual, tuple) else f.actual,
                        "message": f.message,
                    }
                    for f in o.details
                ],
            }
            for o in outcomes
        ],
    }


def _classname(file: str) -> str:
    """``tests/scenarios/heat.scenarios.yaml`` -> ``tests.scenarios.heat`` (how CI groups cases)."""
    stem = file.removesuffix(SUFFIX).replace("\\", "/")
    return ".".join(part for part in stem.split("/") if part and part != "..") or file


def render_junit(outcomes: Sequence[Outcome]) -> bytes:
    """JUnit XML: one testsuite per file, no timestamps, ``time="0"`` so output is reproducible."""
    failed = sum(1 for o in outcomes if not o.passed)
    root = ET.Element(
        "testsuites",
        name="whyache check",
        tests=str(len(outcomes)),
        failures=str(failed),
        errors="0",
        time="0",
    )
    files = list(dict.fromkeys(o.scenario.location.file for o in outcomes))
    for file in files:
        members = [o for o in outcomes if o.scenario.location.file == file]
        suite = ET.SubElement(
            root,
            "testsuite",
            name=visible(file),
            tests=str(len(members)),
            failures=str(sum(1 for o in members if not o.passed)),
            errors="0",
            skipped="0",
            time="0",
        )
        for outcome in members:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=visible(_classname(file)),
                name=visible(outcome.scenario.name),
                file=visible(file),
                line=str(outcome.scenario.location.line or 0),
                time="0",
            )
            if not outcome.passed:
                first = outcome.failures[0].splitlines()[0]
                more = len(outcome.failures) - 1
                message = first + (f" (and {more} more)" if more else "")
                failure = ET.SubElement(
                    case, "failure", message=visible(message), type="ScenarioFailure"
                )
                failure.text = visible("\n".join(outcome.failures))
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@engine_option()
@kb_option
@format_option()
@click.option(
    "--junit",
    "junit_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write a JUnit XML report to this file (for CI systems).",
)
@click.pass_context
def check_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    kb_dir: Path | None,
    engine_name: str,
    output_format: str,
    junit_file: Path | None,
) -> None:
    """Check scenario files: given facts, expected conclusions, red flags, paths and rules.

    PATHS are scenario files or folders (searched for *.scenarios.yaml). Prints PASS or FAIL
    per scenario, with what was expected and what happened, then "N passed, M failed".
    Exit status: 0 when all pass, 1 when any fails, 2 for an unreadable scenario file.

    \b
    Examples:
      whyache check tests/scenarios
      whyache check heat.scenarios.yaml --kb my_kb --junit report.xml
    """
    kb, engine = load(kb_dir, engine_name)
    files = list(scenario_files(paths))
    if not files:
        shown = ", ".join(str(p) for p in paths)
        raise InputError(f"no scenario files (*{SUFFIX}) found in {shown}")
    scenarios = [s for file in files for s in load_scenarios(kb, file)]
    outcomes = [check(engine, s) for s in scenarios]
    if junit_file is not None:
        refuse_input_as_output(junit_file, files)
        with replacing(junit_file, binary=True) as out:
            out.write(render_junit(outcomes))
    if output_format == "json":
        click.echo(json.dumps(to_dict(kb, outcomes), indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(outcomes), nl=False)
    if not all(o.passed for o in outcomes):
        ctx.exit(exit_codes.FAILED)
