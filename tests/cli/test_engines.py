"""--engine: experta and the reference evaluator print the same bytes, every scenario of the
suite and random knowledge bases and cases, batch records with --explain included."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given

from tests.engine.runtime.test_properties import (
    _BUNDLED,
    _SETTINGS,
    _engine_or_skip,
    bundled_cases,
    small_cases,
    small_kbs,
)
from whyache.cli import main
from whyache.engine import Case, Engine
from whyache.engine.render.serialize import result_to_dict
from whyache.engine.runtime.engines import ENGINES, make_engine
from whyache.engine.runtime.reference import ReferenceEngine
from whyache.knowledge_base.cache import load_cached
from whyache.knowledge_base.scenarios import load_scenarios, scenario_files
from whyache.workflows.batch import Item, encode, run_item

sys.path.insert(0, str(Path(__file__).parents[1] / "golden"))
import generate

SCENARIOS = Path(__file__).parents[1] / "scenarios"
EXAMPLES = Path(__file__).parents[2] / "src" / "whyache" / "examples"
_CASES = [
    (f"{path.name}::{scenario.name}", scenario.case)
    for path in scenario_files([SCENARIOS])
    for scenario in load_scenarios(_BUNDLED, path)
]


def _both(*argv: str, stdin: str | None = None) -> tuple[bytes, bytes]:
    runner = CliRunner()
    outputs = []
    for engine in ENGINES:
        result = runner.invoke(main, [*argv, "--engine", engine], input=stdin)
        outputs.append(f"exit {result.exit_code}\n".encode() + result.stdout_bytes)
    return outputs[0], outputs[1]


def _jsonl() -> str:
    lines = [json.dumps({"id": key, "facts": case.to_mapping()}) for key, case in _CASES]
    lines += ["not json", '{"id": "typo", "facts": {"hot_wether": true}}', '{"pain_at_rest": 7}']
    return "\n".join(lines) + "\n"


def test_every_eighth_scenario_runs_to_the_same_json():
    # Every scenario goes through both engines in the batch test below; this is the run path.
    assert len(_CASES) > 200
    for key, case in _CASES[::8]:
        experta, reference = _both("run", *generate._fact_args(case.facts), "--format", "json")
        assert experta == reference, key


@pytest.mark.parametrize("explain", [[], ["--explain"]])
def test_a_batch_of_every_scenario_writes_the_same_records(explain):
    experta, reference = _both("batch", "-", "--input-format", "jsonl", *explain, stdin=_jsonl())
    assert experta.startswith(b"exit 1\n")  # the three bad lines are error records
    assert experta.count(b"\n") == len(_CASES) + 4
    assert experta == reference


def test_batch_runs_on_the_reference_by_default():
    runner = CliRunner()
    default = runner.invoke(main, ["batch", "-", "--input-format", "jsonl"], input=_jsonl())
    chosen = runner.invoke(
        main, ["batch", "-", "--input-format", "jsonl", "--engine", "reference"], input=_jsonl()
    )
    assert default.stdout_bytes == chosen.stdout_bytes
    assert "--engine [experta|reference]" in runner.invoke(main, ["batch", "--help"]).output


def test_checking_the_scenario_suite_reports_the_same():
    experta, reference = _both("check", str(SCENARIOS), "--format", "json")
    assert experta.startswith(b"exit 0\n")
    assert experta == reference


def test_a_sample_of_the_golden_set_prints_the_same_on_both():
    """Every 48th golden invocation (run, explain, why-not, what-if, graph; text and json)."""
    sample = list(generate.invocations())[5::48]
    assert {argv[0] for _key, argv in sample} == {"run", "explain", "why-not", "what-if", "graph"}
    for key, argv in sample:
        experta, reference = _both(*argv)
        assert experta == reference, key


def test_consult_asks_and_concludes_the_same(tmp_path):
    answers = tmp_path / "answers.txt"
    answers.write_text("yes\nno\n48\nskip\nyes\nno\n")
    for _key, case in _CASES[::50]:
        facts = generate._fact_args(case.facts)
        for fmt in ("text", "json"):
            experta, reference = _both(
                "consult", *facts, "--answers", str(answers), "--format", fmt
            )
            assert experta == reference


def _records(engine: Engine | ReferenceEngine, case: Case) -> tuple[str, str]:
    item = Item(1, json.dumps({"id": "c", "facts": case.to_mapping()}))
    record = encode(run_item(engine.kb, engine, item, explain=True))
    return record, json.dumps(result_to_dict(engine.run(case)), sort_keys=True)


@_SETTINGS
@given(small_kbs(), small_cases())
def test_random_kbs_give_the_same_records(kb, pairs):
    experta = _engine_or_skip(kb)
    case = Case(tuple(sorted(pairs)))
    assert _records(experta, case) == _records(ReferenceEngine(kb), case)


_EXPERTA = make_engine(_BUNDLED, "experta")
_REFERENCE = make_engine(_BUNDLED, "reference")


@_SETTINGS
@given(bundled_cases())
def test_random_bundled_cases_give_the_same_records(pairs):
    case = Case(tuple(sorted(pairs)))
    assert _records(_EXPERTA, case) == _records(_REFERENCE, case)


def test_an_unknown_engine_name_is_refused():
    with pytest.raises(ValueError, match="unknown engine"):
        make_engine(_BUNDLED, "clips")
    result = CliRunner().invoke(main, ["run", "-f", "hot_weather", "--engine", "clips"])
    assert result.exit_code == 2
    assert "'clips' is not one of 'experta', 'reference'" in result.output


@pytest.mark.parametrize("kb_name", ["squeaky-bicycle-kb", "differential-kb", "cycle-kb"])
def test_the_example_knowledge_bases_check_and_batch_the_same(kb_name):
    kb_dir = str(EXAMPLES / kb_name)
    if kb_name == "squeaky-bicycle-kb":
        scenarios = str(EXAMPLES / "squeaky-bicycle-scenarios")
        experta, reference = _both("check", scenarios, "--kb", kb_dir, "--format", "json")
        assert experta.startswith(b"exit 0\n")
        assert experta == reference
    kb = load_cached(Path(kb_dir))
    inputs = [f for f in kb.facts if f.is_input][:12]

    def value(fact: Any, bit: int) -> object:
        if fact.is_numeric:  # the ends of the range
            return (fact.maximum if bit else fact.minimum) or 0
        return bool(bit)

    lines = [
        json.dumps({"id": n, "facts": {f.id: value(f, (n >> i) % 2) for i, f in enumerate(inputs)}})
        for n in range(0, 2 ** len(inputs), max(1, 2 ** len(inputs) // 64))
    ]
    assert len(lines) >= 2
    stdin = "\n".join(lines) + "\n"
    argv = ["batch", "-", "--input-format", "jsonl", "--explain", "--kb", kb_dir]
    experta, reference = _both(*argv, stdin=stdin)
    assert b'"derivations": [{' in experta  # rules fired
    assert experta == reference
