"""The non-medical example knowledge base (a squeaky bicycle) through every command.

The engine names no kind but ``input``; this knowledge base declares its own (safety stops,
faults, noises, causes, fixes), so every command must work from its kb.yaml alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from whyache.cli import main

from ..conftest import REPO
from ..tools import need

EXAMPLES = REPO / "src" / "whyache" / "examples"
BICYCLE = str(EXAMPLES / "squeaky-bicycle-kb")
SCENARIOS = str(EXAMPLES / "squeaky-bicycle-scenarios")
HEADER = "whyache · squeaky-bicycle 0.1 · example material, not workshop advice\n"


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(main, [*args, "--kb", BICYCLE], input=input)


def test_demo_report_speaks_in_the_kinds_of_this_knowledge_base():
    result = invoke("demo")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        HEADER + "\nNo safety stop from the facts given (that does not rule one out).\n\n"
    )
    assert (
        "Explained\n"
        "  - squeal when braking + (ridden in the rain + rim brakes → grit on the rims) →\n"
        "    brake squeal → brakes need service  [brake §Rim]\n"
        "  - ridden in the rain → dry chain  [chain §Dry]\n"
    ) in result.output
    assert "Advice\n  Now\n    - Clean the rims and pads  [brake §Rim]\n" in result.output
    assert "RED FLAG" not in result.output and "clinician" not in result.output


def test_demo_trace_names_the_kinds_of_this_knowledge_base():
    result = invoke("demo", "--trace")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(HEADER)
    assert "  Safety stops: none concluded from the facts given\n" in result.output
    assert "  Faults:          Brakes need service [brakes_need_service]\n" in result.output
    assert "  Fixes:           Clean the rims and pads [fix_clean_rims]\n" in result.output
    assert "  Fixes, now:\n    Clean the rims and pads\n" in result.output
    assert "No safety stop was concluded from the facts given" in result.output
    assert "RED FLAG" not in result.output and "clinician" not in result.output


def test_run_puts_a_safety_stop_first_under_its_own_alert():
    result = invoke("run", "-f", "oil_on_rim")
    assert result.exit_code == 0
    assert result.output.splitlines()[2:5] == [
        "SAFETY STOPS: do not ride until it is checked",
        "  !! Brakes may fail - do not ride",
        "     from oil on the rim or disc  [brake §Contaminated]",
    ]


def test_run_trace_puts_a_safety_stop_first_under_its_own_alert():
    result = invoke("run", "-f", "oil_on_rim", "--trace")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[2] == "!!! SAFETY STOPS: do not ride until it is checked !!!"
    assert (
        lines[3]
        == "  !! Brakes may fail - do not ride [stop_brakes_failing] from oil on the rim or disc"
    )
    assert (
        "  !! Brakes may fail - do not ride: oil on the rim or disc → contaminated brake pads → "
        "brakes may fail. Do not ride until a mechanic has checked it."
    ) in lines


def test_run_json_groups_conclusions_by_the_declared_kinds():
    data = json.loads(invoke("run", "-f", "oil_on_rim", "--format", "json").output)
    assert data["conclusions"] == {
        "safety_stop": ["stop_brakes_failing"],
        "fault": [],
        "noise": [],
        "cause": ["contaminated_pads"],
        "fix": ["fix_replace_pads"],
    }


def test_explain_marks_the_safety_stop():
    result = invoke("explain", "stop_brakes_failing", "-f", "oil_on_rim")
    assert result.exit_code == 0
    assert "!! stop_brakes_failing — Brakes may fail - do not ride (safety stop)\n" in result.output
    assert "        oil_on_rim — given\n" in result.output


def test_why_not_names_the_blocking_fact():
    result = invoke(
        "why-not", "fix_clean_rims", "-f", "squeal_when_braking", "-f", "brake_lever_to_bar"
    )
    assert result.exit_code == 0
    assert (
        "    [failed]  not worn_brake_pads — concluded from brake_lever_to_bar\n" in result.output
    )
    assert result.output.endswith("Ruled out by the given facts: brake_lever_to_bar\n")


def test_what_if_oiling_the_chain_withdraws_the_squeak():
    args = ["-f", "squeak_when_pedalling", "-f", "rode_in_rain", "--add", "chain_lubed_recently"]
    data = json.loads(invoke("what-if", *args, "--format", "json").output)
    assert [c["fact"] for c in data["lost"]] == [
        "chain_needs_care",
        "drivetrain_squeak",
        "dry_chain",
        "fix_clean_and_oil_chain",
    ]
    assert data["gained"] == []


@pytest.mark.parametrize("fmt", ["dot", "mermaid", "json", "graphml", "text"])
def test_graph_in_every_format(fmt: str, tmp_path: Path):
    out = tmp_path / f"g.{fmt}"
    result = invoke("graph", "-f", "oil_on_rim", "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text()
    if fmt == "json":
        graph = nx.node_link_graph(json.loads(text), edges="edges")
        assert graph.nodes["stop_brakes_failing"]["kind"] == "safety_stop"
    elif fmt == "graphml":
        assert nx.read_graphml(out).nodes["stop_brakes_failing"]["kind"] == "safety_stop"
    elif fmt == "mermaid":
        assert "  classDef safety_stop fill:#ffe0e0,stroke:#d00000" in text
        assert '  f_stop_brakes_failing{{"Brakes may fail - do<br/>not ride' in text
    elif fmt == "dot":
        assert 'shape="doubleoctagon"' in text.split('"stop_brakes_failing" [')[1].split("\n")[0]
    else:
        assert "stop_brakes_failing" in text


def test_the_whole_map_renders_too():
    result = invoke("graph", "--format", "dot")
    assert result.exit_code == 0
    assert result.output.count(" -> ") > 40


def test_graph_html_lists_the_safety_stop_first_in_this_knowledge_base_words(tmp_path: Path):
    need("dot", "Graphviz")
    out = tmp_path / "case.html"
    facts = ["-f", "squeal_when_braking", "-f", "rim_brakes", "-f", "rode_in_rain"]
    result = invoke("graph", "--format", "html", *facts, "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    missing = text.split('<ul id="not-concluded">')[1].split("</ul>")[0]
    assert missing.startswith(
        '<li><a href="#" data-node="stop_brakes_failing">!! Brakes may fail - do not ride</a></li>'
        '<li><a href="#" data-node="chain_needs_care">Chain needs care</a></li>'
    )
    legend = text.split("<h3>Legend</h3>\n<ul>")[1].split("</ul>")[0]
    assert legend.startswith("<li>Faults</li><li>Noises</li><li>Causes</li><li>Fixes</li>")
    assert '"WHY NOT: Brakes may fail - do not ride"' in text
    assert "clinician" not in text and "red flag" not in text.lower()


def test_serve_answers_in_the_kinds_of_this_knowledge_base():
    need("dot", "Graphviz")
    process = subprocess.Popen(
        [sys.executable, "-m", "whyache", "serve", "--kb", BICYCLE, "--format", "json"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        started = json.loads(process.stdout.readline())
        assert started["kb"] == "squeaky-bicycle"
        ask = urllib.request.Request(
            started["url"] + "api/case",
            data=json.dumps({"facts": {"oil_on_rim": "yes"}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(ask, timeout=60) as response:
            answer = json.load(response)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert answer["kinds"][0] == {
        "kind": "safety_stop",
        "title": "Safety stops: do not ride until a mechanic has checked it",
        "urgent": True,
    }
    assert [k["kind"] for k in answer["kinds"]] == ["safety_stop", "fault", "noise", "cause", "fix"]
    assert answer["report"]["safety_stop"] == [
        {
            "fact": "stop_brakes_failing",
            "label": "Brakes may fail - do not ride",
            "level": "established",
            "raised": True,
        }
    ]
    assert answer["legend"][0] == "Safety stops: do not ride until a mechanic has checked it"
    assert "<svg" in answer["svg"] and "stop_brakes_failing" in answer["svg"]


def test_consult_replays_answers_and_raises_the_safety_stop(tmp_path: Path):
    answers = tmp_path / "answers.txt"
    answers.write_text("yes\n" * 3 + "no\n" * 7)
    result = invoke("consult", "--answers", str(answers), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["conclusions"]["safety_stop"] == ["stop_brakes_failing"]
    assert "!! SAFETY STOP: Brakes may fail - do not ride [stop_brakes_failing]" in result.stderr


def test_check_runs_the_example_scenarios():
    result = CliRunner().invoke(main, ["check", SCENARIOS, "--kb", BICYCLE])
    assert result.exit_code == 0, result.output
    assert result.output.endswith("7 passed, 0 failed\n")


def test_batch_gives_one_record_per_case(tmp_path: Path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        '{"id": "a", "facts": {"oil_on_rim": "yes"}}\n'
        '{"id": "b", "facts": {"squeak_when_pedalling": "yes", "rode_in_rain": "yes"}}\n'
    )
    result = invoke("batch", str(cases))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["id"], r["red_flags"]) for r in records] == [
        ("a", ["stop_brakes_failing"]),
        ("b", []),
    ]
    assert records[1]["conclusions"]["fix"] == ["fix_clean_and_oil_chain"]


def test_kb_listings_and_lint():
    stats = invoke("kb", "stats").output
    assert "  safety_stop       1\n" in stats and "Rules               19\n" in stats
    facts = invoke("kb", "facts", "--kind", "safety_stop", "--format", "json")
    assert [f["id"] for f in json.loads(facts.output)["facts"]] == ["stop_brakes_failing"]
    misspelt = invoke("kb", "facts", "--kind", "safety_stp")
    assert misspelt.exit_code == 2
    assert "did you mean 'safety_stop'?" in misspelt.stderr
    rules = json.loads(invoke("kb", "rules", "--format", "json").output)
    assert len(rules["rules"]) == 19
    assert "frame_notes.txt" in invoke("kb", "sources").output
    lint = invoke("kb", "lint")
    assert (lint.exit_code, lint.stdout) == (0, "no problems found\n")


@pytest.mark.parametrize(
    ("schema", "args"),
    [
        ("result", ["run", "-f", "oil_on_rim", "--format", "json"]),
        ("how", ["explain", "stop_brakes_failing", "-f", "oil_on_rim", "--format", "json"]),
        ("why-not", ["why-not", "fix_clean_rims", "-f", "oil_on_rim", "--format", "json"]),
        ("what-if", ["what-if", "-f", "oil_on_rim", "--remove", "oil_on_rim", "--format", "json"]),
        ("graph", ["graph", "-f", "oil_on_rim", "--format", "json"]),
        ("kb-facts", ["kb", "facts", "--format", "json"]),
    ],
)
def test_json_of_another_knowledge_base_fits_the_published_schemas(schema: str, args: list[str]):
    jsonschema = pytest.importorskip("jsonschema")
    from whyache.schemas import load_schema

    data = json.loads(invoke(*args).stdout)
    jsonschema.Draft202012Validator(load_schema(schema)).validate(data)
