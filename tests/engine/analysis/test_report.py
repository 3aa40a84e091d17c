"""Which kinds the short report explains and asks about: roles from kb.yaml, no kind named."""

from __future__ import annotations

from whyache.engine import Engine, case_from_assignments
from whyache.engine.analysis.report import build_report, explained_kinds, near_miss_kinds
from whyache.knowledge_base import load_knowledge_base

from ...conftest import FIXTURES, REPO

BICYCLE = REPO / "src" / "whyache" / "examples" / "squeaky-bicycle-kb"


def test_the_bundled_kinds_keep_their_report_roles(bundled_kb):
    assert explained_kinds(bundled_kb) == ("condition", "symptom", "sign", "mechanism")
    assert near_miss_kinds(bundled_kb) == ("red_flag", "condition")


def test_another_knowledge_base_gets_the_same_roles_from_its_own_kinds():
    kb = load_knowledge_base(BICYCLE)
    assert explained_kinds(kb) == ("fault", "noise", "cause")
    assert near_miss_kinds(kb) == ("safety_stop", "fault")


def test_possible_red_flags_are_reported_apart_and_hold_self_care_back():
    kb = load_knowledge_base(FIXTURES / "kbs" / "levels")
    result = Engine(kb).run(case_from_assignments(kb, ["heat", "long_run", "pain_at_rest"]))
    report = build_report(result)
    assert report.flags == ()
    (flag,) = report.possible_flags
    assert (flag.fact, flag.level) == ("stress_fracture", "possible")
    assert [a.conditions for a in flag.establish] == [("point_tenderness",)]
    assert [s.rule for s in flag.links] == ["overuse_risks_fracture"]
    assert [(a.fact, a.timing.value, a.moved, a.level) for a in report.advice] == [
        ("drink_more", "immediate", False, "possible"),
        ("stretch_calves", "after_review", True, "possible"),
    ]
    (explained,) = report.explained
    assert (explained.fact, explained.level) == ("cramps", "possible")
    assert [s.rule for s in explained.links] == ["heat_can_dehydrate"]


def test_an_explained_finding_is_used_and_chains_read_through_established_derivations(
    findings_kb, findings_engine
):
    from whyache.engine import Case
    from whyache.engine.analysis.report import chain_of, chain_text, unused_given

    explained = findings_engine.run(Case((("hot_weather", True), ("leg_ache", True))))
    assert unused_given(explained) == ()  # rules concluded the ache: explaining it is its use
    alone = findings_engine.run(Case((("hours_since_run", 2.0), ("leg_ache", True))))
    assert unused_given(alone) == ("hours_since_run", "leg_ache")
    # dehydration is first concluded through "can lead to", then established with drinking.
    both = findings_engine.run(Case((("drank_little", True), ("hot_weather", True))))
    assert [f.rule for f in both.derivations("dehydration")] == [
        "sweat_can_dehydrate",
        "unreplaced_sweat_dehydrates",
    ]
    assert chain_text(findings_kb, chain_of(both, "dehydration")) == (
        "(hot weather → fluid lost in sweat) + drank too little → dehydration"
    )
