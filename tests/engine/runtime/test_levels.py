"""Levels (established / possible) against their definition, on random knowledge bases.

The definition, written here the slow way and independently of ``levels.py``: the concluded
facts P are the two-valued stratified fixpoint (negations read on P); the established facts
E are the fixpoint of the establishing rules whose positive literals hold on E and whose
negations hold on P. A fact in E is established, in P but not E possible.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from tests.engine.runtime.test_properties import (
    _SETTINGS,
    _case,
    _engine_or_skip,
    small_cases,
    small_kbs,
)
from whyache.engine import (
    ESTABLISHED,
    GIVEN,
    POSSIBLE,
    Case,
    Engine,
    FactDef,
    KindDef,
    KnowledgeBase,
    Link,
    RuleDef,
    Source,
    stratify,
)
from whyache.engine.model.conditions import Value, from_data
from whyache.engine.runtime.reference import Program, holds

from ...conftest import KINDS, Kind


def _naive_levels(kb: KnowledgeBase, case: Case) -> dict[str, str]:
    strata = stratify(kb)
    given = dict(case.facts)
    concluded: dict[str, Value] = dict(given)
    established: dict[str, Value] = dict(given)

    def fixpoint(rules: list[RuleDef], positive: dict[str, Value]) -> None:
        changed = True
        while changed:
            changed = False
            for rule in rules:
                for literals in rule.alternatives:
                    if all(
                        holds(
                            lit,
                            (positive if lit.is_positive_pattern else concluded).get(lit.fact),
                        )
                        for lit in literals
                    ):
                        for fact_id in rule.concludes:
                            if fact_id not in positive:
                                positive[fact_id] = True
                                changed = True

    for level in sorted(set(strata.values())):
        fixpoint([r for r in kb.rules if strata[r.id] == level], concluded)
    fixpoint([r for r in kb.rules if r.establishes], established)
    return {
        f: GIVEN if f in given else ESTABLISHED if f in established else POSSIBLE for f in concluded
    }


def _levels(result: object) -> dict[str, str]:
    values = result.values  # type: ignore[attr-defined]
    return {f: result.level(f) for f in values}  # type: ignore[attr-defined]


@_SETTINGS
@given(small_kbs(), small_cases())
def test_both_engines_give_the_levels_of_the_definition(kb, pairs):
    engine = _engine_or_skip(kb)
    case = _case(pairs)
    expected = _naive_levels(kb, case)
    assert _levels(engine.run(case)) == expected
    assert _levels(Program(kb).run(case)) == expected


@_SETTINGS
@given(small_kbs(), small_cases())
def test_links_never_change_what_fires_only_how_strongly_it_holds(kb, pairs):
    """Negations read every conclusion, possible ones included: making every link
    establishing gives the same firings, and then everything concluded is established."""
    engine = _engine_or_skip(kb)
    case = _case(pairs)
    result = engine.run(case)
    strict = KnowledgeBase(
        kb.name,
        kb.version,
        "",
        kb.facts,
        tuple(replace(r, link=Link.ESTABLISHES) for r in kb.rules),
        kinds=KINDS,
    )
    strict_result = Engine(strict).run(case)
    assert strict_result.firings == result.firings
    assert all(strict_result.level(f) == ESTABLISHED for f in strict_result.derived)
    assert result.established <= strict_result.established


@_SETTINGS
@given(small_kbs(), small_cases(), st.randoms(use_true_random=False))
def test_levels_do_not_depend_on_the_order_facts_are_given_in(kb, pairs, rng):
    engine = _engine_or_skip(kb)
    shuffled = list(pairs)
    rng.shuffle(shuffled)
    assert _levels(engine.run(_case(pairs))) == _levels(engine.run(_case(shuffled)))


# --- a hand-made chain: the shape of the heat chain in the bundled knowledge base ------------


def _chain_kb(raise_when_possible: bool = False) -> KnowledgeBase:
    facts = (
        FactDef("heat", "heat", Kind.INPUT, question="hot?"),
        FactDef("thirst", "thirst", Kind.INPUT, question="thirsty?"),
        FactDef("dry", "dehydration", Kind.MECHANISM),
        FactDef("ache", "leg ache", "finding"),
        FactDef("collapse", "collapse risk", Kind.RED_FLAG),
        FactDef("rest_ok", "resting is enough", Kind.MECHANISM),
    )
    source = (Source("a", "s"), Source("b", "s"))
    rules = (
        RuleDef("heat_dries", "x", from_data("heat"), ("dry",), source, link=Link.CAN_LEAD_TO),
        RuleDef("thirst_dries", "x", from_data("thirst"), ("dry",), source[:1]),
        RuleDef("dry_aches", "x", from_data("dry"), ("ache",), source, link=Link.ESTABLISHES),
        RuleDef(
            "dry_collapses",
            "x",
            from_data("dry"),
            ("collapse",),
            source,
            link=Link.ESTABLISHES,
            raise_when_possible=raise_when_possible,
        ),
        RuleDef(
            "no_dry_rest",
            "x",
            from_data({"not": "dry"}),
            ("rest_ok",),
            source,
            link=Link.ESTABLISHES,
        ),
    )
    kinds = (*KINDS, KindDef("finding", "Findings", observed=True))
    return KnowledgeBase("chain", "1", "", facts, rules, kinds=kinds)


def test_a_possible_link_makes_the_chain_after_it_possible_and_still_blocks_absences():
    kb = _chain_kb()
    for engine in (Engine(kb), Program(kb)):
        result = engine.run(Case((("heat", True),)))
        assert [result.level(f) for f in ("heat", "dry", "ache", "collapse", "rest_ok")] == [
            GIVEN,
            POSSIBLE,
            POSSIBLE,
            POSSIBLE,
            None,  # a possible dehydration blocks what needs it absent, as an established one
        ]
        assert result.red_flags == () and result.possible_red_flags == ("collapse",)


def test_an_establishing_derivation_raises_the_level_and_the_red_flag():
    kb = _chain_kb()
    for engine in (Engine(kb), Program(kb)):
        result = engine.run(Case((("heat", True), ("thirst", True))))
        assert result.level("dry") == result.level("ache") == ESTABLISHED
        assert result.red_flags == ("collapse",) and result.possible_red_flags == ()
        assert not result.concludes("rest_ok")


def test_a_rule_may_raise_its_red_flag_from_possible_premises():
    result = Engine(_chain_kb(raise_when_possible=True)).run(Case((("heat", True),)))
    assert result.level("collapse") == POSSIBLE
    assert result.red_flags == ("collapse",)


def test_an_observed_finding_can_be_given_and_its_derivations_explain_it():
    kb = _chain_kb()
    case = Case((("ache", True), ("heat", True)))
    for engine in (Engine(kb), Program(kb)):
        result = engine.run(case)
        assert result.level("ache") == GIVEN
        assert [f.rule for f in result.derivations("ache")] == ["dry_aches"]
        assert result.firing_level(result.derivations("ache")[0]) == POSSIBLE


def test_support_counts_the_documents_a_rule_cites():
    kb = _chain_kb()
    assert [kb.rule(r).support for r in ("heat_dries", "thirst_dries")] == [2, 1]
