"""Levels and support in every command, on the levels fixture: exact outputs.

tests/fixtures/kbs/levels: heat *can lead to* dehydration (three documents), heat with too
little to drink establishes it (one); a long run with pain at rest *raises the risk of* a
stress fracture (a red flag reached only through a possible link: shown, not raised);
tenderness at one point establishes it; swelling with pain at rest *may indicate*
compartment syndrome, raised even when possible (``raise_when_possible``).
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from whyache.cli import main

from ..conftest import FIXTURES

K = ["--kb", str(FIXTURES / "kbs" / "levels")]
SNAPSHOTS = Path(__file__).parent / "snapshots"
HEAT = ["-f", "heat"]
RISKS = ["-f", "long_run", "-f", "pain_at_rest"]
ALL = [*HEAT, *RISKS, "-f", "swelling"]


def snapshot(name: str) -> str:
    """Expected output, committed and reviewed like code."""
    return (SNAPSHOTS / name).read_text(encoding="utf-8")


def invoke(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, [*args, *K], input=stdin)


# An establishing firing that only repeats a conclusion is not folded when it raises it.
RAISED_TRACE = snapshot("levels_raised_trace.txt")

# A red flag raised at the possible level, then a possible one (not raised) and what would
# establish it; self-care waits.
FLAGS_REPORT = snapshot("levels_flags_report.txt")

POSSIBLE_ONLY_REPORT = snapshot("levels_possible_only_report.txt")

FLAGS_TRACE = snapshot("levels_flags_trace.txt")

CRAMPS_HOW = snapshot("levels_cramps_how.txt")

CRAMPS_POSSIBLE_ONLY = snapshot("levels_cramps_possible_only.txt")

LEVEL_WHAT_IF = snapshot("levels_level_what_if.txt")

SETTLING_CONSULT = snapshot("levels_settling_consult.txt")


def test_trace_shows_a_firing_that_establishes_what_was_possible():
    result = invoke("run", *HEAT, "-f", "low_intake", "--trace")
    assert result.exit_code == 0, result.output
    assert result.stdout == RAISED_TRACE


def test_report_puts_possible_red_flags_beside_raised_ones_and_holds_self_care():
    result = invoke("run", *ALL)
    assert result.exit_code == 0, result.output
    assert result.stdout == FLAGS_REPORT


def test_a_possible_red_flag_alone_holds_self_care_back_too():
    result = invoke("run", *HEAT, *RISKS)
    assert result.exit_code == 0, result.output
    assert result.stdout == POSSIBLE_ONLY_REPORT


def test_trace_lists_possible_red_flags_under_the_raised():
    result = invoke("run", *RISKS, "-f", "swelling", "--trace")
    assert result.exit_code == 0, result.output
    assert result.stdout == FLAGS_TRACE


def test_how_marks_possible_facts_and_steps():
    result = invoke("explain", "cramps", *HEAT)
    assert result.exit_code == 0, result.output
    assert result.stdout == CRAMPS_HOW


def test_why_not_a_possible_fact_says_what_would_establish_it():
    result = invoke("why-not", "cramps", *HEAT)
    assert result.exit_code == 0, result.output
    assert result.stdout == CRAMPS_POSSIBLE_ONLY


def test_why_not_an_established_fact_still_exits_1():
    result = invoke("why-not", "dehydration", *HEAT, "-f", "low_intake")
    assert result.exit_code == 1
    assert "'dehydration' was concluded" in result.stderr


def test_what_if_lists_a_change_of_level():
    result = invoke("what-if", *HEAT, "--add", "low_intake")
    assert result.exit_code == 0, result.output
    assert result.stdout == LEVEL_WHAT_IF


def test_consult_asks_what_would_establish_a_possible_red_flag():
    result = invoke("consult", *RISKS, stdin="no\nno\nwhy\nyes\n")
    assert result.exit_code == 0, result.output
    assert result.output == SETTLING_CONSULT


def test_run_json_carries_levels_links_and_support():
    result = invoke("run", *ALL, "--format", "json")
    data = json.loads(result.stdout)
    assert data["kb"]["documents"] == 3
    assert data["levels"] == {
        "dehydration": "possible",
        "cramps": "possible",
        "overuse": "established",
        "stress_fracture": "possible",
        "compartment_syndrome": "possible",
        "drink_more": "possible",
        "stretch_calves": "possible",
    }
    assert (data["red_flags"], data["possible_red_flags"]) == (
        ["compartment_syndrome"],
        ["stress_fracture"],
    )
    steps = [(f["rule"], f["link"], f["level"], f["support"]) for f in data["firings"]]
    assert steps[:3] == [
        ("heat_can_dehydrate", "can_lead_to", "possible", 3),
        ("dehydration_cramps", "establishes", "possible", 2),
        ("long_run_overuses", "establishes", "established", 1),
    ]
    report = data["report"]
    (possible,) = report["possible_red_flags"]
    assert possible["fact"] == "stress_fracture"
    assert possible["establish"] == [
        {"conditions": ["point_tenderness"], "example": {"point_tenderness": True}}
    ]
    assert possible["possible_links"] == [
        {
            "rule": "overuse_risks_fracture",
            "link": "raises_risk_of",
            "level": "possible",
            "support": 2,
            "text": "overuse of the leg + pain at rest raises the risk of stress fracture, "
            "2 of 3 documents",
        }
    ]
    assert [(f["fact"], f["level"]) for f in report["red_flags"]] == [
        ("compartment_syndrome", "possible")
    ]
    assert [(a["fact"], a["level"], a["moved_by_red_flag"]) for a in report["advice"]] == [
        ("drink_more", "possible", False),
        ("stretch_calves", "possible", True),
    ]


def test_why_not_json_of_a_possible_fact():
    result = invoke("why-not", "stress_fracture", *RISKS, "--format", "json")
    data = json.loads(result.stdout)
    assert (data["concluded"], data["level"], data["impossible"]) == (True, "possible", False)
    assert [r["rule"] for r in data["tree"]["rules"]] == ["point_tenderness_fracture"]
    assert data["additions"] == [
        {"conditions": ["point_tenderness"], "example": {"point_tenderness": True}}
    ]


def test_dot_draws_possible_links_dashed_and_wide_support_heavy():
    dot = invoke("graph", *ALL, "-f", "low_intake").stdout
    assert '"1:heat_can_dehydrate" -> "dehydration" [style="dashed", penwidth="2.5"];' in dot
    # the firing that establishes dehydration is not drawn as a mere repeat (dotted)
    assert '"2:heat_without_drink_dehydrates" -> "dehydration";' in dot
    assert '"3:dehydration_cramps" -> "cramps" [penwidth="1.75"];' in dot
    assert (
        '"5:overuse_risks_fracture" -> "stress_fracture" [style="dashed", penwidth="1.75"];' in dot
    )
    assert 'style="filled,bold,dashed"' in dot  # a possible red flag: dashed border
    for entry in (
        "dashed arrow: possible link (can lead to…)",
        "heavier arrow: more documents (3 of 3)",
        "dashed border: possible only",
    ):
        assert entry in dot


def test_dot_map_draws_absence_dotted_and_possible_links_dashed():
    dot = invoke("graph").stdout
    assert '"rule:heat_can_dehydrate" -> "dehydration" [style="dashed", penwidth="2.5"];' in dot
    assert "dashed border" not in dot  # no case: no level of a fact


def test_mermaid_draws_possible_links_dotted_and_wide_support_thick():
    text = invoke("graph", *ALL, "--format", "mermaid").stdout
    assert "  s1_heat_can_dehydrate -.-> f_dehydration\n" in text
    assert "  s2_dehydration_cramps ==> f_cramps\n" in text
    assert "  classDef possible stroke-dasharray:5 4\n" in text
    assert "  class f_compartment_syndrome,f_cramps,f_dehydration," in text


def test_graphml_carries_level_link_and_support():
    text = invoke("graph", *HEAT, "--format", "graphml").stdout
    root = ET.parse(io.StringIO(text)).getroot()
    g = "{http://graphml.graphdrawing.org/xmlns}"
    ns = {"g": g[1:-1]}
    names = {k.get("id"): k.get("attr.name") for k in root.iter(f"{g}key")}

    def attrs(element: ET.Element) -> dict[str, str]:
        return {names[d.get("key")]: d.text or "" for d in element.findall("g:data", ns)}

    nodes = {n.get("id"): attrs(n) for n in root.iter(f"{g}node")}
    assert nodes["dehydration"]["level"] == "possible"
    assert (nodes["1:heat_can_dehydrate"]["link"], nodes["1:heat_can_dehydrate"]["support"]) == (
        "can_lead_to",
        "3",
    )
    edges = {(e.get("source"), e.get("target")): attrs(e) for e in root.iter(f"{g}edge")}
    edge = edges["1:heat_can_dehydrate", "dehydration"]
    assert (edge["link"], edge["level"], edge["support"]) == ("can_lead_to", "possible", "3")


def test_kb_rules_show_each_link_and_its_support():
    result = invoke("kb", "rules", "--fact", "stress_fracture")
    assert result.stdout.splitlines()[:3] == [
        "ID                         IF                                 THEN             LINK"
        "                DOCS  SOURCES",
        "overuse_risks_fracture     overuse and pain_at_rest           stress_fracture  "
        "raises the risk of  2     2",
        "point_tenderness_fracture  pain_at_rest and point_tenderness  stress_fracture  "
        "establishes         1     1",
    ]
