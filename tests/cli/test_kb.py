from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from whyache.cli import main

from ..conftest import FIXTURES, TINY

BROKEN = FIXTURES / "broken_kbs"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_facts_text_red_flags_first():
    result = invoke("kb", "facts", "--kb", str(TINY))
    assert result.exit_code == 0, result.output
    assert result.output == (
        "ID             KIND            TYPE               CONCLUDED BY  USED BY  LABEL\n"
        "see_doctor     red_flag        yes/no             1             0        See a doctor\n"
        "late_soreness  condition       yes/no             1             0        Late soreness\n"
        "ache           symptom         yes/no             1             1        Ache\n"
        "thirst         mechanism       yes/no             1             2        Thirst\n"
        "drink          recommendation  yes/no             1             0        Drink more\n"
        "hours          input           number h [0, 100]  0             1        Hours since\n"
        "rest_pain      input           yes/no             0             2        Pain at rest\n"
        "sun            input           yes/no             0             2        Sunny\n"
        "water          input           yes/no             0             2        Drank water\n"
        "\n"
        "9 facts\n"
    )


def test_facts_filtered_by_kind_as_json():
    result = invoke("kb", "facts", "--kb", str(TINY), "--kind", "input", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["knowledge_base"] == {"name": "tiny", "version": "1"}
    assert [f["id"] for f in data["facts"]] == ["hours", "rest_pain", "sun", "water"]
    hours = data["facts"][0]
    assert hours["range"] == [0.0, 100.0]
    assert hours["used_by"] == ["late_ache"]
    assert hours["location"] == f"{TINY}/rules.yaml:4"


def test_rules_text():
    result = invoke("kb", "rules", "--kb", str(TINY))
    assert result.exit_code == 0, result.output
    assert result.output == (
        "ID                IF                                      THEN           LINK         DOCS"
        "  SOURCES\n"
        "sun_and_no_water  sun and water = no                      thirst         establishes  1   "
        "  1\n"
        "thirst_aches      thirst                                  ache           establishes  1   "
        "  1\n"
        "late_ache         ache and hours >= 24 and not rest_pain  late_soreness  establishes  1   "
        "  1\n"
        "rest_pain_flag    rest_pain                               see_doctor     establishes  1   "
        "  1\n"
        "advise_drink      thirst or (sun and water is unknown)    drink          establishes  1   "
        "  1\n"
        "\n"
        "5 rules\n"
    )


def test_rules_for_one_fact_concluding_or_using_it():
    result = invoke("kb", "rules", "--kb", str(TINY), "--fact", "thirst", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [r["id"] for r in data["rules"]] == ["sun_and_no_water", "thirst_aches", "advise_drink"]
    advise = data["rules"][2]
    assert advise["alternatives"] == [["thirst"], ["sun", "water is unknown"]]
    assert advise["sources"] == [{"doc": "doc.txt", "section": "One", "says": None}]
    assert (advise["link"], advise["raise_when_possible"], advise["support"]) == (
        "establishes",
        False,
        1,
    )


def test_rules_for_an_unknown_fact_is_a_usage_error():
    result = invoke("kb", "rules", "--kb", str(TINY), "--fact", "thrst")
    assert result.exit_code == 2
    assert "unknown fact 'thrst' (did you mean 'thirst'?)" in result.output


def test_sources_text():
    result = invoke("kb", "sources", "--kb", str(TINY))
    assert result.exit_code == 0, result.output
    assert result.output == (
        "doc.txt  A test document\n"
        "  One  advise_drink, sun_and_no_water, thirst_aches\n"
        "  Two  late_ache, rest_pain_flag\n"
        "\n"
        "2 of 2 sections cited by at least one rule; 0 gaps\n"
    )


@pytest.fixture
def tiny_with_gap(tmp_path):
    directory = tmp_path / "kb"
    shutil.copytree(TINY, directory)
    docs = directory / "documents.yaml"
    docs.write_text(docs.read_text().replace("[One, Two]", "[One, Two, Three]"))
    return directory


def test_sources_marks_gaps(tiny_with_gap):
    result = invoke("kb", "sources", "--kb", str(tiny_with_gap), "--gaps")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "doc.txt  A test document\n"
        "  Three  (gap: no rule cites this section)\n"
        "\n"
        "2 of 3 sections cited by at least one rule; 1 gap\n"
    )
    data = json.loads(
        invoke("kb", "sources", "--kb", str(tiny_with_gap), "--format", "json").output
    )
    assert data["gaps"] == [{"doc": "doc.txt", "section": "Three"}]
    assert data["documents"][0]["sections"][2] == {"section": "Three", "rules": []}
    assert (data["sections"], data["sections_cited"]) == (3, 2)


def test_stats_text():
    result = invoke("kb", "stats", "--kb", str(TINY))
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Knowledge base      tiny 1\n"
        "Facts               9\n"
        "  red_flag          1\n"
        "  condition         1\n"
        "  symptom           1\n"
        "  mechanism         1\n"
        "  recommendation    1\n"
        "  input             4\n"
        "Rules               5\n"
        "Alternatives        6 (compiled rules, one per alternative)\n"
        "Disagreements       0\n"
        "Documents           1\n"
        "Sections cited      2 of 2\n"
        "Citations           5\n"
        "Max chain depth     3 rules\n"
        "Rules per document\n"
        "  doc.txt           5\n"
    )


def test_stats_json():
    result = invoke("kb", "stats", "--kb", str(TINY), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["facts"] == {
        "total": 9,
        "by_kind": {
            "red_flag": 1,
            "condition": 1,
            "symptom": 1,
            "mechanism": 1,
            "recommendation": 1,
            "input": 4,
        },
    }
    assert (data["rules"], data["alternatives"], data["max_chain_depth"]) == (5, 6, 3)
    assert data["rules_per_document"] == {"doc.txt": 5}


def test_lint_clean_kb_exits_0():
    result = invoke("kb", "lint", "--kb", str(TINY))
    assert result.exit_code == 0, result.output
    assert result.output == "no problems found\n"


def test_lint_errors_exit_1_with_file_line_rule_and_check():
    directory = BROKEN / "never-fires"
    result = invoke("kb", "lint", "--kb", str(directory))
    assert result.exit_code == 1, result.output
    assert result.output == (
        f"{directory}/rules.yaml:13: error [never-fires] rule 'impossible_hours': "
        "can never fire: 'h > 50' and 'h < 20' cannot all hold\n"
        "1 error, 0 warnings\n"
    )


def test_lint_warnings_alone_exit_0():
    directory = BROKEN / "unused-input"
    result = invoke("kb", "lint", "--kb", str(directory))
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{directory}/rules.yaml:4: warning [unused-input] input 'c' is used by no rule\n"
        "0 errors, 1 warning\n"
    )


def test_lint_json():
    directory = BROKEN / "unknown-document"
    result = invoke("kb", "lint", "--kb", str(directory), "--format", "json")
    assert result.exit_code == 1, result.output
    assert json.loads(result.output) == {
        "schema": "whyache.kb-lint/1",
        "errors": 1,
        "warnings": 0,
        "findings": [
            {
                "severity": "error",
                "check": "unknown-document",
                "message": "cites unknown document 'dog.txt'",
                "hint": "did you mean 'doc.txt'?",
                "location": f"{directory}/rules.yaml:5",
                "file": f"{directory}/rules.yaml",
                "line": 5,
                "rule": "a_gives_b",
                "fact": None,
            }
        ],
    }


def test_lint_unreadable_kb_is_one_schema_error():
    directory = BROKEN / "schema"
    result = invoke("kb", "lint", "--kb", str(directory))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{directory}/rules.yaml:5: error [schema] unknown key 'thne' in rule "
        "(did you mean 'then'?)",
        "1 error, 0 warnings",
    ]


def test_lint_missing_directory_is_a_usage_error(tmp_path):
    result = invoke("kb", "lint", "--kb", str(tmp_path / "nothing"))
    assert result.exit_code == 2
    assert "knowledge base directory not found" in result.output


@pytest.mark.parametrize("command", ["facts", "rules", "sources", "stats", "lint"])
def test_every_kb_command_has_an_example_and_kb_option(command):
    result = invoke("kb", command, "--help")
    assert result.exit_code == 0
    assert f"whyache kb {command}" in result.output
    assert "--kb DIRECTORY" in result.output
    assert "--format [text|json]" in result.output
