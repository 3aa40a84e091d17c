"""One table of yes/no/unknown spellings, read the same by every way facts come in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from whyache.cli import main
from whyache.cli.consult import parse_answer
from whyache.engine import Case, build_case, case_from_mapping
from whyache.engine.model.answers import NO, UNKNOWN, YES, is_unknown, yes_no
from whyache.knowledge_base import read_case_file

from ...conftest import TINY


def test_the_table_has_no_spelling_twice():
    spellings = [*YES, *NO, *UNKNOWN]
    assert len(spellings) == len(set(spellings))


@pytest.mark.parametrize("text", [*YES, *(s.upper() for s in YES), " Yes "])
def test_every_yes_spelling(text):
    assert yes_no(text) is True


@pytest.mark.parametrize("text", [*NO, *(s.upper() for s in NO)])
def test_every_no_spelling(text):
    assert yes_no(text) is False


@pytest.mark.parametrize("text", [*UNKNOWN, "Don't  Know"])
def test_every_unknown_spelling(text):
    assert is_unknown(text) and yes_no(text) is None


@pytest.mark.parametrize("raw", ["maybe", 2, 0.5, None, [1]])
def test_other_values_are_not_answers(raw):
    assert yes_no(raw) is None


@pytest.mark.parametrize(("raw", "value"), [(True, True), (1, True), (0, False), (False, False)])
def test_booleans_and_one_and_zero(raw, value):
    assert yes_no(raw) is value


def test_unknown_leaves_the_fact_out(tiny_kb):
    case = build_case(tiny_kb, [("sun", "yes"), ("water", "unknown"), ("hours", "unknown")])
    assert case == Case((("sun", True),))


def test_unknown_still_checks_the_name(tiny_kb):
    with pytest.raises(Exception, match="unknown fact 'watr'"):
        build_case(tiny_kb, [("watr", "unknown")])


def test_a_list_names_the_present_facts(tiny_kb):
    case = case_from_mapping(tiny_kb, ["sun", "water=no", "hours=30"])
    assert case == case_from_mapping(tiny_kb, {"sun": True, "water": False, "hours": 30})


def test_numeric_facts_read_digits_as_numbers(tiny_kb):
    assert build_case(tiny_kb, [("hours", "1")]) == Case((("hours", 1.0),))


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, ["run", "--kb", str(TINY), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.dumps(json.loads(result.stdout)["given"], sort_keys=True)


def test_every_input_reads_the_same_spellings(tmp_path: Path, tiny_kb):
    """-f, a YAML case file, a JSON case file with a list, a batch line and consult agree."""
    by_flags = _run("-f", "sun=1", "-f", "water=0", "-f", "rest_pain=unknown")
    yaml_case = tmp_path / "case.yaml"
    yaml_case.write_text("facts: {sun: on, water: off, rest_pain: not sure}\n")
    json_case = tmp_path / "case.json"
    json_case.write_text('{"facts": ["sun", "water=f", "rest_pain=?"]}')
    assert _run("--case", str(yaml_case)) == by_flags
    assert _run("--case", str(json_case)) == by_flags
    assert read_case_file(tiny_kb, json_case) == Case((("sun", True), ("water", False)))
    batch = CliRunner().invoke(
        main,
        ["batch", "-", "--kb", str(TINY), "--input-format", "jsonl", "--workers", "1"],
        input='{"facts": ["sun", "water=0"]}\n{"sun": "T", "water": "N", "rest_pain": "dk"}\n',
    )
    first, second = (json.loads(line) for line in batch.stdout.splitlines())
    assert batch.exit_code == 0 and first["conclusions"] == second["conclusions"]
    assert first["conclusions"]["mechanism"] == ["thirst"]
    water = tiny_kb.fact("water")
    assert parse_answer(water, "0") == (False, None)
    assert parse_answer(water, "Don't know") == (None, None)
    assert parse_answer(water, "maybe")[1] == "Please answer yes, no or unknown (or type help)."
