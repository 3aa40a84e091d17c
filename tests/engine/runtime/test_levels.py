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
    _BUNDLED,
    _BUNDLED_SETTINGS,
    _SETTINGS,
    _case,
    _engine_or_skip,
    bundled_cases,
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
from whyache.engine.runtime.levels import Levels
from whyache.engine.runtime.reference import Program, holds
from whyache.engine.runtime.result import Firing, Result

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


# --- levels as the reference evaluator computes them, while its rules fire -------------------


def _replayed(kb: KnowledgeBase, case: Case, firings: tuple[Firing, ...]) -> frozenset[str]:
    """The established facts the post-hoc way: every firing through Levels, in order."""
    if not kb.possible_rules:
        return frozenset(Result(kb, case, firings).values)
    levels = Levels(kb, (f for f, _ in case.facts))
    for firing in firings:
        levels.record(firing)
    return frozenset(levels.established)


@_SETTINGS
@given(small_kbs(), small_cases())
def test_levels_computed_as_the_rules_fire_are_those_replayed_from_the_firings(kb, pairs):
    _engine_or_skip(kb)  # a knowledge base that does not validate is not run
    case = _case(pairs)
    result = Program(kb).run(case)
    # Handed over only when some link is possible (else everything known is established).
    assert (result.known_established is not None) == bool(kb.possible_rules)
    assert result.established == _replayed(kb, case, result.firings)
    assert result == Result(kb, case, result.firings)  # not part of equality


@_BUNDLED_SETTINGS
@given(bundled_cases())
def test_the_bundled_kb_levels_computed_as_its_rules_fire_are_those_replayed(pairs):
    case = _case(pairs)
    result = Program(_BUNDLED).run(case)
    assert result.known_established is not None
    assert result.established == _replayed(_BUNDLED, case, result.firings)


def test_a_firing_waits_for_its_premise_to_be_established_by_a_later_firing():
    """``dry`` is possible when ``dry_aches`` fires; ``thirst_dries`` establishes it later,
    and that establishes ``ache`` too (the firing waiting on ``dry`` is released)."""
    facts = (
        FactDef("heat", "heat", Kind.INPUT, question="hot?"),
        FactDef("thirst", "thirst", Kind.INPUT, question="thirsty?"),
        FactDef("parched", "parched", Kind.MECHANISM),
        FactDef("dry", "dehydration", Kind.MECHANISM),
        FactDef("ache", "leg ache", Kind.MECHANISM),
    )
    source = (Source("a", "s"),)
    rules = (
        RuleDef("heat_dries", "x", from_data("heat"), ("dry",), source, link=Link.CAN_LEAD_TO),
        RuleDef("dry_aches", "x", from_data("dry"), ("ache",), source, link=Link.ESTABLISHES),
        RuleDef("thirst_parches", "x", from_data("thirst"), ("parched",), source),
        RuleDef("parched_dries", "x", from_data("parched"), ("dry",), source),
    )
    kb = KnowledgeBase("wait", "1", "", facts, rules, kinds=KINDS)
    case = Case((("heat", True), ("thirst", True)))
    result = Program(kb).run(case)
    fired = [f.rule for f in result.firings]
    assert fired == ["heat_dries", "dry_aches", "thirst_parches", "parched_dries"]
    assert result.known_established == frozenset({"heat", "thirst", "parched", "dry", "ache"})
    alone = Program(kb).run(Case((("heat", True),)))
    assert alone.known_established == frozenset({"heat"})
    assert [alone.level(f) for f in ("dry", "ache")] == [POSSIBLE, POSSIBLE]
    assert Engine(kb).run(case).established == result.established
