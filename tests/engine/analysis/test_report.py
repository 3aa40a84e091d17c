"""Which kinds the short report explains and asks about: roles from kb.yaml, no kind named."""

from __future__ import annotations

from whyache.engine.analysis.report import explained_kinds, near_miss_kinds
from whyache.knowledge_base import load_knowledge_base

from ...conftest import REPO

BICYCLE = REPO / "src" / "whyache" / "examples" / "squeaky-bicycle-kb"


def test_the_bundled_kinds_keep_their_report_roles(bundled_kb):
    assert explained_kinds(bundled_kb) == ("condition", "symptom", "mechanism")
    assert near_miss_kinds(bundled_kb) == ("red_flag", "condition")


def test_another_knowledge_base_gets_the_same_roles_from_its_own_kinds():
    kb = load_knowledge_base(BICYCLE)
    assert explained_kinds(kb) == ("fault", "noise", "cause")
    assert near_miss_kinds(kb) == ("safety_stop", "fault")


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
