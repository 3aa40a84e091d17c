"""The reference evaluator against experta: the same firings, in the same sequence, with the
same provenance, on random small knowledge bases and on the bundled one; and its three-valued
mode against every way the open inputs can be answered."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import given

from tests.engine.runtime.test_properties import (
    _BUNDLED,
    _BUNDLED_ENGINE,
    _BUNDLED_SETTINGS,
    _IN,
    _NUM,
    _SETTINGS,
    _case,
    _engine_or_skip,
    bundled_cases,
    small_cases,
    small_kbs,
)
from whyache.engine import Case, Engine, KnowledgeBase, RunawayError, validate
from whyache.engine.model.conditions import Present, Value
from whyache.engine.runtime.reference import NO, OPEN, YES, Program, program
from whyache.engine.runtime.result import Firing, Premise, Result, make_firing

_BUNDLED_PROGRAM = Program(_BUNDLED, validate(_BUNDLED))


@_SETTINGS
@given(small_kbs(), small_cases())
def test_random_kbs_fire_the_same_sequence_as_experta(kb, pairs):
    engine = _engine_or_skip(kb)
    case = _case(pairs)
    assert Program(kb, validate(kb)).firings(case) == engine.run(case).firings


@_BUNDLED_SETTINGS
@given(bundled_cases())
def test_bundled_kb_fires_the_same_sequence_as_experta(pairs):
    case = _case(pairs)
    expected = _BUNDLED_ENGINE.run(case)
    got = _BUNDLED_PROGRAM.run(case)
    assert got.firings == expected.firings
    assert got.derived == expected.derived


def test_the_demo_case_fires_the_same_sequence_as_experta():
    case = Case(tuple(sorted((f, v == "yes" or float(v)) for f, v in _demo_pairs())))
    firings = _BUNDLED_PROGRAM.firings(case)
    assert len(firings) > 5
    assert firings == _BUNDLED_ENGINE.run(case).firings


def _demo_pairs() -> list[tuple[str, str]]:
    return [*_BUNDLED.demo, ("pain_diffuse", "yes")]


def test_a_runaway_stops_at_the_same_firing_with_the_same_message():
    case = Case(tuple(sorted((f, v == "yes" or float(v)) for f, v in _demo_pairs())))
    with pytest.raises(RunawayError) as by_experta:
        Engine(_BUNDLED, max_firings=3).run(case)
    with pytest.raises(RunawayError) as by_reference:
        _BUNDLED_PROGRAM.firings(case, max_firings=3)
    assert str(by_reference.value) == str(by_experta.value)


def test_program_is_remembered_per_knowledge_base():
    assert program(_BUNDLED) is program(_BUNDLED)


@_SETTINGS
@given(small_kbs(), small_cases())
def test_three_valued_with_every_other_input_closed_is_the_run(kb, pairs):
    _engine_or_skip(kb)
    case = _case(pairs)
    reference = Program(kb)
    derived = set(reference.run(case).derived)
    given_ids = {fact for fact, _ in pairs}
    rank, _rules = reference.outlook(dict(pairs), reference.inputs - given_ids)
    assert rank == {f: YES if f in derived else NO for f in reference.derived}


def _answers(fact_id: str) -> list[Value | None]:
    if fact_id == _NUM:
        return [None, *(float(n) for n in range(11))]
    return [None, True, False]


@_SETTINGS
@given(small_kbs(), small_cases())
def test_three_valued_settles_only_what_every_answer_agrees_on(kb, pairs):
    _engine_or_skip(kb)
    reference = Program(kb)
    values = dict(pairs)
    open_inputs = [f for f in [*_IN, _NUM] if f not in values][:2]
    closed = reference.inputs - set(values) - set(open_inputs)
    rank, _rules = reference.outlook(values, closed)
    outcomes: dict[str, set[bool]] = {f: set() for f in reference.derived}
    for answers in itertools.product(*(_answers(f) for f in open_inputs)):
        extended: dict[str, Value] = dict(values)
        extended.update({f: v for f, v in zip(open_inputs, answers, strict=True) if v is not None})
        derived = reference.derive(extended)
        for fact_id in reference.derived:
            outcomes[fact_id].add(fact_id in derived)
    for fact_id, seen in outcomes.items():
        if rank[fact_id] == YES:
            assert seen == {True}, fact_id
        elif rank[fact_id] == NO:
            assert seen == {False}, fact_id
        else:
            assert rank[fact_id] == OPEN


def test_three_valued_on_the_bundled_kb_leaves_open_what_an_answer_can_change():
    rank, rule_rank = _BUNDLED_PROGRAM.outlook({"hours_since_run": 48.0})
    assert rank["doms"] == OPEN
    assert max(rule_rank[r.id] for r in _BUNDLED.rules_concluding("doms")) == OPEN
    closed = _BUNDLED_PROGRAM.inputs - {"hours_since_run"}
    settled, _ = _BUNDLED_PROGRAM.outlook({"hours_since_run": 48.0}, closed)
    assert set(settled.values()) <= {NO, YES}


def test_a_kb_that_fails_validation_can_still_be_evaluated():
    kb = KnowledgeBase("empty", "1", "", (), ())
    assert Program(kb).firings(Case()) == ()


def test_make_firing_makes_the_same_frozen_record_as_firing():
    premises = (Premise("hot_weather", True, "hot_weather"),)
    fields = (3, "r", 1, premises, ("not x",), ("a", "b"), ("a",))
    made, usual = make_firing(*fields), Firing(*fields)
    assert made == usual and hash(made) == hash(usual) and repr(made) == repr(usual)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.number = 4  # type: ignore[misc]


def test_a_hand_made_value_is_recorded_as_given_by_both_engines():
    """A case made in code may give a yes/no fact a number: the premise keeps that value
    (the premises prepared for yes and no are not used), as experta's does."""
    fact = next(
        lits[0].fact
        for rule in _BUNDLED.rules
        for lits in rule.alternatives
        if len(lits) == 1
        and isinstance(lits[0].atom, Present)
        and not lits[0].negated
        and _BUNDLED.fact(lits[0].fact).is_input
        and not _BUNDLED.fact(lits[0].fact).is_numeric
    )
    case = Case(((fact, 1.0),))

    def recorded(result: Result) -> list[tuple[str, str, Value]]:
        premises = [p for firing in result.firings for p in firing.premises]
        return [(p.fact, type(p.value).__name__, p.value) for p in premises]

    expected = recorded(_BUNDLED_ENGINE.run(case))
    assert (fact, "float", 1.0) in expected
    assert recorded(_BUNDLED_PROGRAM.run(case)) == expected
