"""What explains a reported finding, on the findings test knowledge base and hand-made ones.

The findings knowledge base (tests/fixtures/kbs/findings): hot weather establishes sweat loss,
which *can lead to* dehydration (established when the runner also drank too little);
dehydration establishes the ache and can lead to cramps, which establish it; downhill running
and 24-72 h establish DOMS, which establishes it; high mileage *raises the risk of* a stress
fracture (established with pain at rest), which *can lead to* the ache. Each explanation's
claims are checked against fresh runs.
"""

from __future__ import annotations

import itertools

import pytest

from whyache.engine import (
    ESTABLISHED,
    POSSIBLE,
    Case,
    Engine,
    FactDef,
    KindDef,
    KnowledgeBase,
    Link,
    RuleDef,
    Source,
    ValueType,
)
from whyache.engine.analysis.findings import (
    MAX_EXPLANATIONS,
    MAX_OPEN,
    Needed,
    explain_finding,
    explain_findings,
    reported_findings,
)
from whyache.engine.analysis.report import chain_text
from whyache.engine.explain.why_not import Addition
from whyache.engine.model.conditions import from_data
from whyache.engine.runtime.reference import Program

from ...conftest import KINDS, Kind


def case(**facts: object) -> Case:
    return Case(tuple(sorted(facts.items())))  # type: ignore[arg-type]


def test_heat_explains_the_ache_possibly_and_names_what_would_establish_it(findings_engine):
    result = findings_engine.run(case(leg_ache=True, hot_weather=True))
    (found,) = explain_findings(result)
    assert (found.finding, found.level, found.documented, found.supported) == (
        "leg_ache",
        POSSIBLE,
        4,
        2,
    )
    first, second = found.explanations
    assert (first.rule, first.level, first.support, first.cause) == (
        "dehydration_aches",
        POSSIBLE,
        2,
        ("dehydration",),
    )
    assert chain_text(result.kb, first.chain) == (
        "hot weather → fluid lost in sweat → dehydration → aching legs"
    )
    assert (first.given, first.first_causes, [s.rule for s in first.links]) == (
        ("hot_weather",),
        ("sweat_loss",),
        ["sweat_can_dehydrate"],
    )
    assert first.establish == (Addition(("drank_little",), (("drank_little", True),)),)
    assert [s.document for s in first.sources] == ["heat.txt", "soreness.txt", "heat.txt"]
    # Cramps are reached only through "can lead to" links: nothing added establishes them.
    assert (second.rule, second.level, [s.rule for s in second.links], second.establish) == (
        "cramps_ache",
        POSSIBLE,
        ["sweat_can_dehydrate", "dehydration_can_cramp"],
        (),
    )
    assert found.through == (
        ("cramps", POSSIBLE),
        ("dehydration", POSSIBLE),
        ("hot_weather", POSSIBLE),
        ("sweat_loss", POSSIBLE),
    )
    assert (found.more_explanations, found.more_open, found.out_of_reach) == (0, 0, ())


def test_causes_not_yet_supported_come_with_the_fewest_facts_and_the_level_they_give(
    findings_engine,
):
    (found,) = explain_findings(findings_engine.run(case(leg_ache=True, hot_weather=True)))
    assert [(c.rule, c.cause, c.support, c.needs) for c in found.open_causes] == [
        (
            "fracture_aches",
            ("stress_fracture",),
            2,
            (Needed(("high_mileage",), (("high_mileage", True),), POSSIBLE),),
        ),
        (
            "doms_aches",
            ("doms",),
            2,
            (
                Needed(
                    ("downhill_run", "hours_since_run <= 72", "hours_since_run >= 24"),
                    (("downhill_run", True), ("hours_since_run", 72.0)),
                    ESTABLISHED,
                ),
            ),
        ),
    ]


def test_an_establishing_derivation_establishes_the_explanation(findings_engine):
    result = findings_engine.run(case(leg_ache=True, hot_weather=True, drank_little=True))
    (found,) = explain_findings(result)
    first, second = found.explanations
    assert (found.level, first.rule, first.level, first.establish) == (
        ESTABLISHED,
        "dehydration_aches",
        ESTABLISHED,
        (),
    )
    # The chain reads through the established derivation of dehydration, not the first one.
    assert chain_text(result.kb, first.chain) == (
        "(hot weather → fluid lost in sweat) + drank too little → dehydration → aching legs"
    )
    assert (second.level, [s.rule for s in second.links]) == (POSSIBLE, ["dehydration_can_cramp"])
    assert found.level_through("drank_little") == ESTABLISHED
    assert found.level_through("cramps") == POSSIBLE
    assert found.level_through("doms") is None


def test_a_given_fact_puts_a_cause_out_of_reach(findings_engine):
    (found,) = explain_findings(findings_engine.run(case(leg_ache=True, hours_since_run=2.0)))
    assert (found.level, found.explanations, found.out_of_reach) == (None, (), ("doms_aches",))
    assert [c.rule for c in found.open_causes] == [
        "dehydration_aches",
        "fracture_aches",
        "cramps_ache",
    ]


def test_another_reported_finding_explains_one(findings_engine):
    result = findings_engine.run(case(leg_ache=True, cramps=True))
    cramps, ache = explain_findings(result)  # in the case's order: by fact id
    assert (ache.finding, ache.level, [e.rule for e in ache.explanations]) == (
        "leg_ache",
        ESTABLISHED,
        ["cramps_ache"],
    )
    assert ache.explanations[0].given == ("cramps",)
    assert (cramps.finding, cramps.level, cramps.documented) == ("cramps", None, 1)


@pytest.mark.parametrize("value", [False, None])
def test_a_denied_or_unknown_finding_is_not_explained(findings_engine, value):
    facts = {"hot_weather": True} | ({} if value is None else {"leg_ache": value})
    result = findings_engine.run(case(**facts))
    assert reported_findings(result) == ()
    assert explain_findings(result) == ()


def test_the_finding_never_explains_itself():
    """Rules that read the finding are left out: its derivations rest on the other facts."""
    facts = (
        FactDef("heat", "heat", Kind.INPUT, question="hot?"),
        FactDef(
            "hours", "hours", Kind.INPUT, ValueType.NUMBER, minimum=0, maximum=100, question="?"
        ),
        FactDef("ache", "ache", "finding"),
        FactDef("late", "late soreness", Kind.CONDITION),
    )
    source = (Source("a", "s"),)
    rules = (
        RuleDef("heat_aches", "x", from_data("heat"), ("ache",), source, link=Link.ESTABLISHES),
        RuleDef("late_ache", "x", from_data(["ache", "hours >= 24"]), ("late",), source, link=None),
        RuleDef("late_aches", "x", from_data("late"), ("ache",), source, link=Link.ESTABLISHES),
    )
    kinds = (*KINDS, KindDef("finding", "Findings", observed=True))
    kb = KnowledgeBase("circle", "1", "", facts, rules, kinds=kinds)
    result = Engine(kb).run(case(ache=True, hours=30.0))
    assert [f.rule for f in result.derivations("ache")] == ["late_aches"]  # read back in the run
    found = explain_finding(result, "ache")
    assert (found.level, found.explanations, found.through) == (None, (), ())
    assert (found.documented, [c.rule for c in found.open_causes], found.out_of_reach) == (
        2,
        ["heat_aches"],
        ("late_aches",),
    )


def _many_causes_kb(count: int) -> KnowledgeBase:
    """``count`` inputs, each establishing the ache; cause ``i`` is stated by i + 1 documents."""
    facts = tuple(FactDef(f"in{i}", f"input {i}", Kind.INPUT, question="?") for i in range(count))
    facts += (FactDef("ache", "ache", "finding"),)
    rules = tuple(
        RuleDef(
            f"cause{i}",
            "x",
            from_data(f"in{i}"),
            ("ache",),
            tuple(Source(f"doc{d}", "s") for d in range(i + 1)),
            link=Link.ESTABLISHES,
        )
        for i in range(count)
    )
    kinds = (*KINDS, KindDef("finding", "Findings", observed=True))
    return KnowledgeBase("many", "1", "", facts, rules, kinds=kinds)


def test_lists_are_capped_and_the_rest_counted_best_supported_first():
    kb = _many_causes_kb(8)
    engine = Engine(kb)
    every = engine.run(case(ache=True, **{f"in{i}": True for i in range(8)}))
    (found,) = explain_findings(every)
    assert [e.rule for e in found.explanations] == ["cause7", "cause6", "cause5"]
    assert (found.supported, found.more_explanations) == (8, 8 - MAX_EXPLANATIONS)
    (bare,) = explain_findings(engine.run(case(ache=True)))
    assert [c.rule for c in bare.open_causes] == ["cause7", "cause6", "cause5"]
    assert (bare.more_open, bare.supported) == (8 - MAX_OPEN, 0)


# --- every claim checked against a fresh run, over a grid of cases ----------------------------

_GRID = {
    "hot_weather": (None, True, False),
    "drank_little": (None, True),
    "downhill_run": (None, True),
    "hours_since_run": (None, 2.0, 48.0),
    "high_mileage": (None, True),
    "pain_at_rest": (None, True),
    "cramps": (None, True),
}


def _grid_cases() -> list[Case]:
    cases = []
    for values in itertools.product(*_GRID.values()):
        facts = {k: v for k, v in zip(_GRID, values, strict=True) if v is not None}
        cases.append(case(leg_ache=True, **facts))
    return cases


def _level_by(result, rule_id: str) -> str | None:
    levels = {result.firing_level(f) for f in result.derivations("leg_ache") if f.rule == rule_id}
    return ESTABLISHED if ESTABLISHED in levels else POSSIBLE if levels else None


def test_every_claim_holds_in_a_fresh_run(findings_kb):
    """Supported causes fire from the other facts at their level; the facts a cause needs make
    it fire at the level stated; what would establish a possible explanation establishes it;
    a cause out of reach fires for no set of added inputs on the grid; both engines agree."""
    program = Program(findings_kb)
    engine = Engine(findings_kb)
    for given in _grid_cases():
        result = engine.run(given)
        found = explain_finding(result, "leg_ache")
        assert explain_findings(program.run(given)) == explain_findings(result)
        without = Case(tuple(p for p in given.facts if p[0] != "leg_ache"))
        bare = program.run(without)
        for e in found.explanations:
            assert _level_by(bare, e.rule) == e.level, (given, e.rule)
            for need in e.establish:
                extended = program.run(case(**dict(without.facts), **dict(need.example)))
                if findings_kb.rule(e.rule).establishes:
                    assert _level_by(extended, e.rule) == ESTABLISHED, (given, need)
                else:  # a possible link: what it starts from is established, it stays possible
                    assert {extended.level(f) for f in e.cause} <= {ESTABLISHED, "given"}
                    assert _level_by(extended, e.rule) == POSSIBLE, (given, need)
        for cause in found.open_causes:
            assert _level_by(bare, cause.rule) is None
            for need in cause.needs:
                extended = case(**dict(without.facts), **dict(need.example))
                assert _level_by(program.run(extended), cause.rule) == need.level, (given, need)
        for rule_id in found.out_of_reach:
            for extra in ({"hot_weather": True}, {"downhill_run": True, "high_mileage": True}):
                extended = case(**{**dict(extra), **dict(without.facts)})
                assert _level_by(program.run(extended), rule_id) is None, (given, rule_id)
        best = {e.level for e in found.explanations}
        assert found.level == (ESTABLISHED if ESTABLISHED in best else min(best, default=None))


def test_a_possible_fact_blocks_a_negated_condition(findings_engine):
    """``not stress_fracture`` reads every conclusion: a possible fracture holds the easy run
    back as an established one would (the example in docs/concepts.md)."""
    soreness = {"downhill_run": True, "hours_since_run": 48.0}
    assert findings_engine.run(case(**soreness)).concludes("rec_easy_run")
    risky = findings_engine.run(case(**soreness, high_mileage=True))
    assert risky.level("stress_fracture") == POSSIBLE
    assert not risky.concludes("rec_easy_run")


def test_a_possible_link_names_what_would_establish_its_cause(findings_engine):
    """fracture_aches says a stress fracture *can lead to* the ache: pain at rest establishes
    the fracture, and the explanation stays possible."""
    (found,) = explain_findings(findings_engine.run(case(leg_ache=True, high_mileage=True)))
    (e,) = found.explanations
    assert (e.rule, e.level, e.cause, [s.rule for s in e.links]) == (
        "fracture_aches",
        POSSIBLE,
        ("stress_fracture",),
        ["mileage_risks_fracture", "fracture_aches"],
    )
    assert e.establish == (Addition(("pain_at_rest",), (("pain_at_rest", True),)),)
    both = findings_engine.run(case(leg_ache=True, high_mileage=True, pain_at_rest=True))
    (e,) = explain_findings(both)[0].explanations
    assert (e.level, [s.rule for s in e.links], e.establish) == (POSSIBLE, ["fracture_aches"], ())
