"""``whyache run`` with a reported finding: the "why?" section, in text, --trace and JSON, and
``whyache check`` with ``explains:``, on the findings test knowledge base."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from whyache.cli import main

from ..conftest import FINDINGS, FINDINGS_SCENARIOS

KB = ["--kb", str(FINDINGS)]

HEAT_REPORT = """\
whyache · findings 1 · educational reasoning, not a diagnosis

No red flag from the facts given (that does not rule one out).

Why aching legs? (reported; 2 of 4 documented causes fit the facts)
  - possible: hot weather → fluid lost in sweat → dehydration → aching legs
    (2 of 3 documents)  [heat §Fluids · soreness §Soreness]
    because fluid lost in sweat can lead to dehydration, 2 of 3 documents; to
    establish it: -f drank_little
  - possible: hot weather → fluid lost in sweat → dehydration → muscle cramps →
    aching legs (1 of 3 documents)  [soreness §Cramps · heat §Sweat]
    because fluid lost in sweat can lead to dehydration, 2 of 3 documents;
    dehydration can lead to muscle cramps, 1 of 3 documents; no input would
    establish it
  Not yet supported by the facts (what would support it):
    - stress fracture (2 of 3 documents): -f high_mileage (possible)
    - delayed-onset muscle soreness (2 of 3 documents): -f downhill_run
      -f hours_since_run=72

Explained
  - hot weather → fluid lost in sweat → dehydration → muscle cramps (possible:
    fluid lost in sweat can lead to dehydration, 2 of 3 documents; dehydration
    can lead to muscle cramps, 1 of 3 documents)
    [heat §Sweat · soreness §Soreness]

Advice
  Now
    - Drink enough (possible)  [heat §Fluids]

Sources: heat Running in the heat · soreness Sore legs after a run
Test output only. Every step: --trace.
"""

DENIED_REPORT = """\
whyache · findings 1 · educational reasoning, not a diagnosis

No red flag from the facts given (that does not rule one out).

Explained
  - hot weather → fluid lost in sweat → dehydration → muscle cramps (possible:
    fluid lost in sweat can lead to dehydration, 2 of 3 documents; dehydration
    can lead to muscle cramps, 1 of 3 documents)
    [heat §Sweat · soreness §Soreness]

Advice
  Now
    - Drink enough (possible)  [heat §Fluids]

Sources: heat Running in the heat · soreness Sore legs after a run
Test output only. Every step: --trace.
"""

NOTHING_REPORT = """\
whyache · findings 1 · educational reasoning, not a diagnosis

RED FLAGS: see a clinician
  !! Pain at rest - see a clinician
     from pain at rest  [bones §Signs]

Why aching legs? (reported; 0 of 4 documented causes fit the facts)
  Nothing given explains it yet.
  Not yet supported by the facts (what would support it):
    - dehydration (2 of 3 documents): -f hot_weather (possible)
    - stress fracture (2 of 3 documents): -f high_mileage (possible)
    - muscle cramps (1 of 3 documents): -f hot_weather (possible)
  1 documented cause is out of reach: no fact added would support it.

Ask next
  stress fracture: -f high_mileage

Given but used by no rule that fired: hours_since_run, leg_ache
Sources: bones Bone stress in runners
Test output only. Every step: --trace.
"""

TRACE_TAIL = """\
Test output only.

Why aching legs? (reported; 2 of 4 documented causes fit the facts)
  - established: (hot weather → fluid lost in sweat) + drank too little →
    dehydration → aching legs (2 of 3 documents)
    [heat §Fluids · soreness §Soreness]
  - possible: (hot weather → fluid lost in sweat) + drank too little →
    dehydration → muscle cramps → aching legs (1 of 3 documents)
    [soreness §Cramps · heat §Sweat]
    because dehydration can lead to muscle cramps, 1 of 3 documents; no input
    would establish it
  Not yet supported by the facts (what would support it):
    - stress fracture (2 of 3 documents): -f high_mileage (possible)
    - delayed-onset muscle soreness (2 of 3 documents): -f downhill_run
      -f hours_since_run=72
"""


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_a_reported_ache_is_explained_after_the_red_flags():
    result = invoke("run", *KB, "-f", "leg_ache", "-f", "hot_weather")
    assert (result.exit_code, result.stdout) == (0, HEAT_REPORT)


def test_a_denied_finding_gets_no_section_when_only_possibly_explained():
    result = invoke("run", *KB, "-f", "leg_ache=no", "-f", "hot_weather")
    assert (result.exit_code, result.stdout) == (0, DENIED_REPORT)


def test_a_denied_finding_that_the_facts_establish_is_said_after_the_red_flags():
    args = ("run", *KB, "-f", "leg_ache=no", "-f", "hot_weather", "-f", "drank_little")
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    after_flags = result.stdout.split("\n\n", 2)[2]
    assert after_flags.startswith(
        "Aching legs: denied, yet the other facts establish it\n"
        "  - established: (hot weather → fluid lost in sweat) + drank too little →\n"
        "    dehydration → aching legs (2 of 3 documents)\n"
        "    [heat §Fluids · soreness §Soreness]\n"
        "  Check the facts given: one may be wrong, or a link may not hold here.\n"
    )
    (found,) = json.loads(invoke(*args, "--format", "json").stdout)["explanations"]
    assert (found["denied"], found["level"]) == (True, "established")
    assert [e["level"] for e in found["supported"]] == ["established"]
    assert found["not_yet_supported"] == []


def test_an_unexplained_finding_says_what_would_support_each_cause_below_the_red_flag():
    result = invoke("run", *KB, "-f", "leg_ache", "-f", "hours_since_run=2", "-f", "pain_at_rest")
    assert (result.exit_code, result.stdout) == (0, NOTHING_REPORT)


def test_the_trace_ends_with_the_section():
    result = invoke(
        "run", *KB, "-f", "leg_ache", "-f", "hot_weather", "-f", "drank_little", "--trace"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(TRACE_TAIL)
    assert result.stdout.count("Why aching legs?") == 1


def test_the_json_carries_the_same():
    result = invoke("run", *KB, "-f", "leg_ache", "-f", "hot_weather", "--format", "json")
    (found,) = json.loads(result.stdout)["explanations"]
    assert {k: v for k, v in found.items() if k not in ("supported", "not_yet_supported")} == {
        "finding": "leg_ache",
        "label": "Aching legs",
        "denied": False,
        "level": "possible",
        "documented_causes": 4,
        "supported_causes": 2,
        "more_supported": 0,
        "more_not_yet_supported": 0,
        "out_of_reach": [],
        "through": {
            "cramps": "possible",
            "dehydration": "possible",
            "hot_weather": "possible",
            "sweat_loss": "possible",
        },
    }
    assert found["supported"][0] == {
        "rule": "dehydration_aches",
        "level": "possible",
        "support": 2,
        "documents": 3,
        "cause": ["dehydration"],
        "chain": "hot weather → fluid lost in sweat → dehydration → aching legs",
        "given": ["hot_weather"],
        "first_causes": ["sweat_loss"],
        "possible_links": [
            {
                "rule": "sweat_can_dehydrate",
                "link": "can_lead_to",
                "level": "possible",
                "support": 2,
                "text": "fluid lost in sweat can lead to dehydration, 2 of 3 documents",
            }
        ],
        "establish": [{"conditions": ["drank_little"], "example": {"drank_little": True}}],
        "sources": ["heat §Fluids", "soreness §Soreness", "heat §Sweat"],
    }
    assert [(s["rule"], s["establish"]) for s in found["supported"][1:]] == [("cramps_ache", [])]
    assert found["not_yet_supported"][1] == {
        "rule": "doms_aches",
        "cause": ["doms"],
        "support": 2,
        "needs": [
            {
                "conditions": ["downhill_run", "hours_since_run <= 72", "hours_since_run >= 24"],
                "example": {"downhill_run": True, "hours_since_run": 72},
                "level": "established",
            }
        ],
        "sources": ["soreness §Soreness", "bones §Signs"],
    }


@pytest.mark.parametrize("facts", [["-f", "hot_weather"], ["-f", "leg_ache=no"]])
def test_without_a_reported_finding_the_json_key_is_empty(facts):
    result = invoke("run", *KB, *facts, "--format", "json")
    assert json.loads(result.stdout)["explanations"] == []


def test_demo_and_both_engines_explain_alike():
    demo = invoke("demo", *KB)
    run = invoke("run", *KB, "-f", "leg_ache", "-f", "hot_weather", "--engine", "reference")
    assert demo.stdout == run.stdout == HEAT_REPORT


# --- scenario files: explains / not_explains -------------------------------------------------

FILES = sorted(FINDINGS_SCENARIOS.glob("*.scenarios.yaml"))

FAILING = """\
scenarios:
  - name: heat establishes it
    given: {leg_ache: yes, hot_weather: yes}
    explains:
      leg_ache: {dehydration: established}
  - name: heat is DOMS
    given: {leg_ache: yes, hot_weather: yes}
    explains: {leg_ache: [doms, sweat_loss]}
    not_explains: {leg_ache: [dehydration]}
  - name: nothing explains it
    given: {leg_ache: yes, hours_since_run: 2}
    explains: {leg_ache: []}
"""

FAILURES = """\
FAIL heat establishes it
  at t.scenarios.yaml:2
  expected leg_ache to be explained through dehydration at the established level, but the \
best such explanation is possible
    possible: hot weather → fluid lost in sweat → dehydration → aching legs
      because fluid lost in sweat can lead to dehydration, 2 of 3 documents; to establish \
it: -f drank_little
    possible: hot weather → fluid lost in sweat → dehydration → muscle cramps → aching legs
      because fluid lost in sweat can lead to dehydration, 2 of 3 documents; dehydration \
can lead to muscle cramps, 1 of 3 documents; no input would establish it
FAIL heat is DOMS
  at t.scenarios.yaml:6
  expected leg_ache to be explained through doms, but it was not
    doms was neither given nor concluded
      why not: no rule that concludes doms fired
        late_tears_are_doms needs all of:
          unknown micro_tears (not concluded)
          unknown hours_since_run >= 24 (hours_since_run not given)
          unknown hours_since_run <= 72 (hours_since_run not given)
    leg_ache is explained by:
      possible: hot weather → fluid lost in sweat → dehydration → aching legs
      possible: hot weather → fluid lost in sweat → dehydration → muscle cramps → aching legs
  expected leg_ache not to be explained through dehydration, but it was (possible)
    possible: hot weather → fluid lost in sweat → dehydration → aching legs
    possible: hot weather → fluid lost in sweat → dehydration → muscle cramps → aching legs
FAIL nothing explains it
  at t.scenarios.yaml:10
  expected leg_ache to be explained, but nothing given explains it
    not yet supported: dehydration (dehydration_aches): -f hot_weather (possible)
    not yet supported: stress fracture (fracture_aches): -f high_mileage (possible)
    not yet supported: muscle cramps (cramps_ache): -f hot_weather (possible)
    out of reach (no fact added supports them): doms_aches
0 passed, 3 failed
"""


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_findings_scenario_files_pass(path: Path):
    result = invoke("check", *KB, str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(" 0 failed\n")


def test_failed_explains_say_what_does_explain_it(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.scenarios.yaml").write_text(FAILING)
    result = invoke("check", *KB, "t.scenarios.yaml")
    assert (result.exit_code, result.stdout) == (1, FAILURES)


def test_failed_explains_in_json_give_expected_and_actual(tmp_path: Path):
    (tmp_path / "t.scenarios.yaml").write_text(FAILING)
    result = invoke("check", *KB, str(tmp_path / "t.scenarios.yaml"), "--format", "json")
    failures = [
        (f["expectation"], f["subject"], f["expected"], f["actual"])
        for scenario in json.loads(result.stdout)["scenarios"]
        for f in scenario["failures"]
    ]
    assert failures == [
        ("explains", "leg_ache through dehydration", ["established"], ["possible"]),
        ("explains", "leg_ache through doms", True, False),
        ("not_explains", "leg_ache through dehydration", False, True),
        ("explains", "leg_ache", True, False),
    ]


# --- the bundled knowledge base: the done criterion of issue 15 ------------------------------

BUNDLED_HEAT = """\
Why aching legs? (reported; 12 of 40 documented causes fit the facts)
  - possible: running in hot or humid weather → fluid lost through sweat →
    dehydration → aching legs (2 of 5 documents)  [002 §2 · 000 Tip2]
    to establish dehydration: -f inadequate_fluid_intake
  and 11 more
  28 documented causes are not yet supported by the facts.
"""

BUNDLED_HEAT_TRACE = """\
Why aching legs? (reported; 12 of 40 documented causes fit the facts)
  - possible: running in hot or humid weather → fluid lost through sweat →
    dehydration → aching legs (2 of 5 documents)  [002 §2 · 000 Tip2]
    because fluid lost through sweat can lead to dehydration, 1 of 5 documents;
    dehydration can lead to muscle cramps and spasms and stiff, tight leg
    muscles and aching legs, 2 of 5 documents; to establish dehydration:
    -f inadequate_fluid_intake
  - possible: running in hot or humid weather → fluid lost through sweat →
    dehydration → stiff, tight leg muscles → aching legs (3 of 5 documents)
    [000 §1 · 002 §6]
    because fluid lost through sweat can lead to dehydration, 1 of 5 documents;
    dehydration can lead to muscle cramps and spasms and stiff, tight leg
    muscles and aching legs, 2 of 5 documents; and 1 more possible link; no
    input would establish stiff, tight leg muscles
  - possible: running in hot or humid weather → fluid lost through sweat →
    dehydration → running feels harder than the workload is → aching legs
    (1 of 5 documents)  [000 §2 · 001 §2]
    because fluid lost through sweat can lead to dehydration, 1 of 5 documents;
    to establish it: -f inadequate_fluid_intake or -f pushed_past_limits
  and 9 more
  Not yet supported by the facts (what would support it):
    - pain receptors sensitised by inflammatory substances (3 of 5 documents):
      -f cadence_steps_per_minute=169 (possible)
    - possible stress fracture (3 of 5 documents): -f cannot_hop_on_leg
      (possible)
    - delayed-onset muscle soreness (3 of 5 documents): -f improper_foot_strike
      (possible)
    and 25 more
"""


def test_the_bundled_ache_on_a_hot_run_is_explained_through_the_heat_chain_possibly():
    """``whyache run -f leg_ache -f hot_weather``: heat → sweat → dehydration → aching legs at
    the possible level, and what would establish the dehydration it starts from."""
    result = invoke("run", "-f", "leg_ache", "-f", "hot_weather")
    assert result.exit_code == 0, result.output
    start = result.stdout.index("Why aching legs?")
    assert result.stdout[start : result.stdout.index("\n\n", start) + 1] == BUNDLED_HEAT
    assert len(result.stdout.splitlines()) <= 40  # shortened to one screen
    trace = invoke("run", "-f", "leg_ache", "-f", "hot_weather", "--trace").stdout
    assert trace[trace.index("Why aching legs?") :] == BUNDLED_HEAT_TRACE
    data = invoke("run", "-f", "leg_ache", "-f", "hot_weather", "--format", "json").stdout
    (found,) = json.loads(data)["explanations"]
    heat = next(e for e in found["supported"] if e["cause"] == ["dehydration"])
    assert (heat["level"], heat["chain"], heat["establish"]) == (
        "possible",
        "running in hot or humid weather → fluid lost through sweat → dehydration → aching legs",
        [{"conditions": ["inadequate_fluid_intake"], "example": {"inadequate_fluid_intake": True}}],
    )
    assert (found["level"], found["through"]["dehydration"]) == ("possible", "possible")
