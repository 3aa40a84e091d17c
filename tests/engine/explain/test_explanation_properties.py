"""Properties of HOW, WHY-NOT and WHAT-IF over random cases on the fixture KBs (Hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whyache.engine import Case, Engine, KnowledgeBase, Result
from whyache.engine.explain.how import HowNode, how
from whyache.engine.explain.what_if import what_if
from whyache.engine.explain.why_not import why_not
from whyache.knowledge_base import load_knowledge_base

from ...conftest import DIFFERENTIAL, TINY

_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_KBS = {name: load_knowledge_base(path) for name, path in [("tiny", TINY), ("diff", DIFFERENTIAL)]}
_ENGINES = {name: Engine(kb) for name, kb in _KBS.items()}


def _value(kb: KnowledgeBase, fact_id: str) -> st.SearchStrategy[bool | float]:
    fact = kb.fact(fact_id)
    if fact.is_numeric:
        return st.integers(int(fact.minimum or 0), int(fact.maximum or 0)).map(float)
    return st.booleans()


@st.composite
def cases(draw: st.DrawFn, name: str) -> Case:
    kb = _KBS[name]
    inputs = [f.id for f in kb.facts if f.is_input]
    chosen = draw(st.lists(st.sampled_from(inputs), unique=True))
    return Case(tuple(sorted((f, draw(_value(kb, f))) for f in chosen)))


def _leaves(node: HowNode) -> list[HowNode]:
    if not node.steps:
        return [node]
    return [leaf for step in node.steps for p in step.premises for leaf in _leaves(p)]


def _grounded(result: Result) -> None:
    """Every derived fact's HOW tree bottoms out in given facts only (or facts shown above,
    which are expanded elsewhere in the same tree, or firings that needed only absences)."""
    for fact in result.derived:
        tree = how(result, fact)
        for leaf in _leaves(tree.root):
            assert leaf.given or leaf.shown_above, (fact, leaf.fact)
        expanded = _expanded(tree.root)
        for leaf in _leaves(tree.root):
            if leaf.shown_above:
                assert leaf.fact in expanded


def _expanded(node: HowNode) -> set[str]:
    found = {node.fact} if node.steps else set()
    for step in node.steps:
        for premise in step.premises:
            found |= _expanded(premise)
    return found


@_SETTINGS
@given(cases("tiny"))
def test_every_derived_fact_has_a_path_back_to_given_facts_tiny(case):
    _grounded(_ENGINES["tiny"].run(case))


@_SETTINGS
@given(cases("diff"))
def test_every_derived_fact_has_a_path_back_to_given_facts_differential(case):
    _grounded(_ENGINES["diff"].run(case))


@_SETTINGS
@given(st.sampled_from(["tiny", "diff"]).flatmap(lambda n: st.tuples(st.just(n), cases(n))))
def test_why_not_additions_make_the_engine_conclude(named_case):
    name, case = named_case
    kb, engine = _KBS[name], _ENGINES[name]
    result = engine.run(case)
    for fact in kb.facts:
        if fact.is_input or result.concludes(fact.id):
            continue
        report = why_not(kb, result, fact.id)
        assert not (report.impossible and report.additions)
        for addition in report.additions:
            extended = case
            for fact_id, value in addition.example:
                extended = extended.with_fact(fact_id, value)
            assert engine.run(extended).concludes(fact.id), (fact.id, addition)


@_SETTINGS
@given(cases("diff"), st.data())
def test_removal_withdraws_only_what_depended_on_the_fact(case, data):
    # The differential KB uses absence only on inputs, so removing a given fact can only
    # withdraw conclusions: exactly those with no derivation avoiding the removed fact.
    if not case.facts:
        return
    engine = _ENGINES["diff"]
    removed = data.draw(st.sampled_from([f for f, _ in case.facts]))
    report = what_if(engine, case, Case(), [removed])
    before = report.before
    survives: set[str] = set()
    changed = True
    while changed:  # well-founded support that never touches the removed fact
        changed = False
        for firing in before.firings:
            ok = all(
                (p.fact != removed and before.case.get(p.fact) is not None) or p.fact in survives
                for p in firing.premises
            )
            for fact in firing.concludes if ok else ():
                if fact not in survives:
                    survives.add(fact)
                    changed = True
    lost = {c.fact for c in report.lost}
    assert lost <= set(before.derived) - survives
    assert set(before.derived) & survives <= set(report.kept)
