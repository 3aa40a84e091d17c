"""Every JSON output validates against its shipped JSON Schema (draft 2020-12).

Each command is run for real (CliRunner) on the bundled and the test knowledge bases, and its
JSON, on stdout or (for errors) stderr, is checked with jsonschema. The schemas themselves must
be valid draft 2020-12 schemas, one per output, each linked from docs/cli.md.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from whyache.cli import main
from whyache.cli.reference import SCHEMAS, walk
from whyache.schemas import NAMES, load_schema, schema_text

from .conftest import DIFFERENTIAL, FINDINGS, FIXTURES, REPO, TINY

jsonschema = pytest.importorskip("jsonschema")

CONSULT = str(FIXTURES / "kbs" / "consult")
LEVELS = ["--kb", str(FIXTURES / "kbs" / "levels")]
RISKS = [*LEVELS, "-f", "heat", "-f", "long_run", "-f", "pain_at_rest", "-f", "swelling"]
CYCLE = str(FIXTURES / "broken_kbs" / "cycle")
HEAT = ["-f", "hot_weather", "-f", "inadequate_fluid_intake", "-f", "hours_since_run=2.5"]
FRACTURE = ["-f", "pain_sharp", "-f", "pain_localized_to_point", "-f", "pain_at_rest"]
T = ["--kb", str(TINY)]
THIRSTY = [*T, "-f", "sun", "-f", "water=no", "-f", "hours=30"]
BATCH_LINES = (
    '{"id": "a", "facts": {"hot_weather": true}}\n{"facts": ["pain_at_rest"]}\n'
    '{"sunn": true}\nnot json\n{"id": 3, "facts": {"pain_sharp": true, "pain_at_rest": 1}}\n'
)

# (schema, command line, stdin); every command's JSON output, and its error objects.
OUTPUTS: list[tuple[str, list[str], str | None]] = [
    ("result", ["run", *HEAT], None),
    ("result", ["run", *FRACTURE], None),
    ("result", ["run", *THIRSTY], None),
    ("result", ["run"], None),
    ("result", ["demo"], None),
    ("result", ["demo", *T], None),
    ("result", ["run", "--kb", str(DIFFERENTIAL), "-f", "pain_at_rest"], None),
    ("result", ["run", "--kb", str(FINDINGS), "-f", "leg_ache", "-f", "hot_weather"], None),
    ("result", ["run", "--kb", str(FINDINGS), "-f", "leg_ache", "-f", "hours_since_run=2"], None),
    ("result", ["demo", "--kb", str(FINDINGS)], None),
    ("result", ["consult", "--kb", CONSULT, "-f", "muscle_soreness"], "no\n30\nyes\n"),
    ("result", ["run", *RISKS], None),
    ("how", ["explain", "cramps", *RISKS], None),
    ("why-not", ["why-not", "stress_fracture", *RISKS], None),
    ("what-if", ["what-if", *RISKS, "--add", "low_intake", "--remove", "long_run"], None),
    ("graph", ["graph", *RISKS], None),
    ("graph", ["graph", *LEVELS], None),
    ("graph", ["graph", "--highlight", *RISKS], None),
    ("how", ["explain", "leg_ache", *HEAT], None),
    ("how", ["explain", "ache", *THIRSTY], None),
    (
        "how",
        ["explain", "leg_ache", "--kb", str(FINDINGS), "-f", "leg_ache", "-f", "hot_weather"],
        None,
    ),
    ("why-not", ["why-not", "stress_fracture", *HEAT], None),
    (
        "why-not",
        ["why-not", "late_soreness", *T, "-f", "sun", "-f", "water=no", "-f", "hours=2"],
        None,
    ),
    ("what-if", ["what-if", *HEAT, "--add", "pain_at_rest", "--remove", "hot_weather"], None),
    ("what-if", ["what-if", *THIRSTY, "--add", "hours=2.5"], None),
    ("graph", ["graph", *HEAT], None),
    ("graph", ["graph"], None),
    ("graph", ["graph", "--focus", "dehydration"], None),
    ("graph", ["graph", "--highlight", *HEAT], None),
    ("graph", ["graph", "--overview"], None),
    ("graph", ["graph", "--from", "hot_weather", "--to", "muscle_cramps", *HEAT], None),
    ("check", ["check", str(REPO / "tests" / "scenarios" / "dehydration.scenarios.yaml")], None),
    ("kb-facts", ["kb", "facts"], None),
    ("kb-facts", ["kb", "facts", *T], None),
    ("kb-rules", ["kb", "rules"], None),
    ("kb-sources", ["kb", "sources"], None),
    ("kb-sources", ["kb", "sources", "--gaps"], None),
    ("kb-stats", ["kb", "stats"], None),
    ("kb-lint", ["kb", "lint"], None),
    ("kb-lint", ["kb", "lint", "--kb", CYCLE], None),
    ("schemas", ["schema"], None),
    ("examples", ["example"], None),
]
ERRORS: list[list[str]] = [
    ["run", "-f", "nosuch"],
    ["explain", "leg_ache"],
    ["kb", "facts", "--kb", "/nonexistent"],
    ["check", str(REPO / "README.md")],
    ["run", "--kb", str(FIXTURES / "broken_kbs" / "undeclared-fact")],
]


def validator(name: str):  # type: ignore[no-untyped-def]
    return jsonschema.Draft202012Validator(load_schema(name))


def assert_valid(name: str, document: object) -> None:
    errors = sorted(validator(name).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


@pytest.mark.parametrize("name", NAMES)
def test_every_schema_is_a_valid_draft_2020_12_schema(name):
    schema = load_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"urn:whyache:schema:{name}"
    assert schema["title"] and schema["description"]


def test_how_describes_explanations_as_result_does():
    """explain FINDING and run print the same explanations; one definition, kept in step."""
    how, result = load_schema("how"), load_schema("result")
    mine = {k: v for k, v in how["properties"]["explanations"].items() if k != "description"}
    theirs = {k: v for k, v in result["properties"]["explanations"].items() if k != "description"}
    assert mine == theirs
    for name in ("possible_link", "addition", "need"):
        assert how["$defs"][name] == result["$defs"][name]


def test_every_shipped_schema_file_is_listed():
    shipped = {p.name for p in files("whyache.schemas").iterdir() if p.name.endswith(".json")}
    assert shipped == {f"{name}.json" for name in NAMES}


@pytest.mark.parametrize(
    ("name", "args", "stdin"), OUTPUTS, ids=lambda x: " ".join(x) if isinstance(x, list) else None
)
def test_every_json_output_follows_its_schema(name, args, stdin):
    result = CliRunner().invoke(main, [*args, "--format", "json"], input=stdin)
    assert result.exit_code in (0, 1), result.output
    assert_valid(name, json.loads(result.stdout))


@pytest.mark.parametrize("explain", [[], ["--explain"]], ids=["plain", "explain"])
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_every_batch_line_follows_its_schema(fmt, explain):
    stdin = (
        BATCH_LINES
        if fmt == "jsonl"
        else "id,hot_weather,pain_at_rest\na,yes,\nb,maybe,\nc,1,2,3\n"
    )
    result = CliRunner().invoke(
        main, ["batch", "-", "--workers", "1", "--input-format", fmt, *explain], input=stdin
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) >= 3 and any("error" in line for line in lines)
    for line in lines:
        assert_valid("batch-line", line)


@pytest.mark.parametrize("args", ERRORS, ids=" ".join)
def test_every_error_object_follows_its_schema(args):
    result = CliRunner().invoke(main, [*args, "--format", "json"])
    assert result.exit_code in (1, 2, 3), result.output
    assert_valid("error", json.loads(result.stderr))


def test_the_schemas_reject_what_they_should(tmp_path: Path):
    """A schema that accepted anything would let every test above pass: it must not."""
    result = json.loads(CliRunner().invoke(main, ["run", *HEAT, "--format", "json"]).stdout)
    del result["firings"]
    assert list(validator("result").iter_errors(result))
    line = {"id": 1, "line": 1, "error": "x", "red_flags": []}  # half error, half result
    assert list(validator("batch-line").iter_errors(line))
    assert list(validator("kb-stats").iter_errors({"schema": "whyache.kb-stats/2"}))


def test_schema_prints_the_shipped_file():
    result = CliRunner().invoke(main, ["schema", "why-not"])
    assert result.exit_code == 0
    assert result.stdout == schema_text("why-not")
    wrong = CliRunner().invoke(main, ["schema", "reslt"])
    assert (wrong.exit_code, wrong.stderr) == (
        2,
        "Error: no schema named 'reslt' (did you mean 'result'?)\n",
    )


def test_every_command_with_json_output_links_its_schema():
    commands = {path for path, ctx in walk(main) if not isinstance(ctx.command, click.Group)}
    assert commands == set(SCHEMAS)
    assert set(SCHEMAS.values()) | {"error"} == set(NAMES)
    reference = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in NAMES:
        assert f"](../src/whyache/schemas/{name}.json)" in reference
