"""The linter's graph checks against what rules really do, over random small knowledge bases.

"Never fires" and "unreachable" must be sound: a rule the linter calls dead never fires in any
case, and nothing outside the reachable set is ever concluded. Every case of a small knowledge
base is tried, with a naive stratified fixpoint standing in for the engine.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whyache.engine import (
    Document,
    FactDef,
    KnowledgeBase,
    KnowledgeBaseError,
    RuleDef,
    Source,
    ValueType,
    stratify,
    validate,
)
from whyache.engine.analysis.lint import CHECKS, lint, reachable_facts
from whyache.engine.model.case import Case
from whyache.engine.model.conditions import Value, from_data
from whyache.engine.runtime.reference import Program

from ...conftest import KINDS, Kind

_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_IN = ["i1", "i2", "i3"]
_DER = ["d1", "d2", "d3", "d4"]


@st.composite
def small_kbs(draw: st.DrawFn) -> KnowledgeBase:
    """Valid-looking knowledge bases: three yes/no inputs, a number, four derived facts."""
    facts = [FactDef(i, i, Kind.INPUT, question=f"{i}?") for i in _IN]
    facts.append(FactDef("n", "n", Kind.INPUT, ValueType.NUMBER, "u", 0, 10, question="n?"))
    facts += [FactDef(d, d, Kind.MECHANISM) for d in _DER]
    forms = {
        "input": ["{}", "{} = no", "{} is unknown", "{} is known"],
        "derived": ["{}", "{} is unknown", "{} = no"],
        "number": ["n < {}", "n <= {}", "n > {}", "n >= {}", "n = {}", "n != {}"],
    }
    atom = st.one_of(
        st.builds(str.format, st.sampled_from(forms["input"]), st.sampled_from(_IN)),
        st.builds(str.format, st.sampled_from(forms["derived"]), st.sampled_from(_DER)),
        st.builds(str.format, st.sampled_from(forms["number"]), st.integers(-1, 11)),
    )
    condition = st.recursive(
        atom,
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
            inner.map(lambda x: {"not": x}),
        ),
        max_leaves=5,
    )
    rules = [
        RuleDef(
            f"r{index}",
            "random rule",
            from_data(draw(condition)),
            (draw(st.sampled_from(_DER)),),
            (Source("d", "s"),),
        )
        for index in range(draw(st.integers(1, 6)))
    ]
    return KnowledgeBase("random", "1", "", tuple(facts), tuple(rules), kinds=KINDS)


_BOOLEAN_STATES: list[Value | None] = [None, True, False]
_NUMBER_STATES: list[Value | None] = [None, *(n / 2 for n in range(21))]


def _all_cases(kb: KnowledgeBase) -> list[dict[str, Value]]:
    inputs = [f for f in kb.facts if f.is_input]
    states = [_NUMBER_STATES if f.is_numeric else _BOOLEAN_STATES for f in inputs]
    return [
        {f.id: v for f, v in zip(inputs, values, strict=True) if v is not None}
        for values in itertools.product(*states)
    ]


def _fired(
    kb: KnowledgeBase, strata: dict[str, int], given: dict[str, Value]
) -> set[tuple[str, int]]:
    """Each rule and alternative (numbered from 1) that holds when its stratum runs, by the
    reference evaluator (no experta)."""
    firings = Program(kb, strata).firings(Case(tuple(sorted(given.items()))))
    return {(firing.rule, firing.alternative + 1) for firing in firings}


@_SETTINGS
@given(small_kbs())
def test_dead_rules_never_fire_and_unreachable_facts_never_appear(kb):
    try:
        strata = stratify(kb)
    except KnowledgeBaseError:
        assert "negation-cycle" in [f.check for f in lint(kb) if f.is_error]
        return
    findings = lint(kb)
    dead = {f.rule for f in findings if f.check == "never-fires"}
    dead_alternatives = {
        (f.rule, int(f.message.split()[1])) for f in findings if f.check == "dead-alternative"
    }
    reached = reachable_facts(kb)
    for case in _all_cases(kb):
        held = _fired(kb, strata, case)
        fired = {rule_id for rule_id, _number in held}
        assert not fired & dead, case
        assert not held & dead_alternatives, case
        concluded = {fact for rule in fired for fact in kb.rule(rule).concludes}
        assert concluded <= reached, case


@_SETTINGS
@given(small_kbs())
def test_lint_errors_include_every_validation_error(kb):
    findings = lint(kb)
    try:
        validate(kb)
    except KnowledgeBaseError as exc:
        assert any(f.is_error and f.message in str(exc) for f in findings)
    assert list(findings) == sorted(findings, key=lambda f: f.sort_key())


_POOL = ["p", "q", "r", "s", "t"]


@st.composite
def messy_kbs(draw: st.DrawFn) -> KnowledgeBase:
    """Knowledge bases with every kind of mistake: undeclared facts, wrong types, inputs
    concluded, duplicate ids, red flags, unknown sources."""
    facts = []
    for fact_id in draw(st.lists(st.sampled_from(_POOL), max_size=6)):
        kind = draw(st.sampled_from(list(Kind.ALL)))
        numeric = draw(st.booleans())
        facts.append(
            FactDef(
                fact_id,
                fact_id,
                kind,
                ValueType.NUMBER if numeric else ValueType.BOOLEAN,
                minimum=0.0 if numeric else None,
                maximum=10.0 if numeric else None,
                question=f"{fact_id}?" if draw(st.booleans()) else None,
            )
        )
    atom = st.builds(
        lambda fact, form: form.format(fact),
        st.sampled_from(_POOL),
        st.sampled_from(["{}", "{} = no", "{} is unknown", "{} is known", "{} > 3", "{} <= 3"]),
    )
    condition = st.recursive(
        atom,
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
            inner.map(lambda x: {"not": x}),
        ),
        max_leaves=5,
    )
    rules = [
        RuleDef(
            draw(st.sampled_from(["r1", "r2", "r3"])),
            "random rule",
            from_data(draw(condition)),
            tuple(draw(st.lists(st.sampled_from(_POOL), max_size=2, unique=True))),
            (Source(draw(st.sampled_from(["doc.txt", "dog.txt"])), "One"),),
        )
        for _ in range(draw(st.integers(0, 5)))
    ]
    documents = (Document("doc.txt", "Doc", ("One",)),)
    return KnowledgeBase("messy", "1", "", tuple(facts), tuple(rules), documents, kinds=KINDS)


@_SETTINGS
@given(messy_kbs())
def test_lint_never_crashes_and_reports_what_validation_rejects(kb):
    findings = lint(kb)
    assert all(f.check in CHECKS and f.severity == CHECKS[f.check] for f in findings)
    try:
        validate(kb)
    except KnowledgeBaseError as exc:
        assert any(f.is_error and f.message in str(exc) for f in findings)


def test_duplicate_rule_ids_in_different_strata_are_reported_not_looped_on():
    facts = (
        FactDef("a", "a", Kind.INPUT, question="a?"),
        FactDef("b", "b", Kind.MECHANISM),
        FactDef("c", "c", Kind.MECHANISM),
    )
    rules = (
        RuleDef("r", "first", from_data("a"), ("b",), (Source("d", "s"),)),
        RuleDef("r", "second", from_data({"not": "b"}), ("c",), (Source("d", "s"),)),
    )
    kb = KnowledgeBase("dup", "1", "", facts, rules, kinds=KINDS)
    assert [(f.check, f.rule) for f in lint(kb)] == [("duplicate-id", "r")]
    assert stratify(kb) == {"r": 1}
