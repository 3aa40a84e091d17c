"""The linter's graph checks against what rules really do, over random small knowledge bases.

"Never fires" and "unreachable" must be sound: a rule the linter calls dead never fires in any
case, and nothing outside the reachable set is ever concluded. Every case of a small knowledge
base is tried, with a naive stratified fixpoint standing in for the engine.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings

from whyache.engine import KnowledgeBase, KnowledgeBaseError, evaluate, stratify, validate
from whyache.engine.conditions import Value
from whyache.engine.lint import lint, reachable_facts

from .test_properties import small_kbs

_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

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
    """Each rule and alternative (numbered from 1) that holds when its stratum runs, by a
    stratified fixpoint computed without experta."""
    known = dict(given)
    held: set[tuple[str, int]] = set()
    for level in sorted(set(strata.values())):
        changed = True
        while changed:
            changed = False
            for rule in kb.rules:
                if strata[rule.id] != level or evaluate(rule.condition, known.get) is not True:
                    continue
                holding = {
                    (rule.id, number)
                    for number, alternative in enumerate(rule.alternatives, 1)
                    if all(lit.holds(known.get(lit.fact)) for lit in alternative)
                }
                assert holding, f"{rule.id} holds but none of its alternatives does"
                held |= holding
                for fact in rule.concludes:
                    if fact not in known:
                        known[fact] = True
                        changed = True
    return held


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
