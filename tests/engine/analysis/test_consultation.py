"""Question selection: which question comes next, why, and when a consultation may stop."""

from __future__ import annotations

import itertools
import random
import statistics
from pathlib import Path

import pytest

from whyache.engine import (
    ESTABLISHED,
    Case,
    Engine,
    InputError,
    KnowledgeBase,
    Value,
    case_from_assignments,
)
from whyache.engine.analysis.consultation import (
    Answer,
    Consultant,
    Consultation,
    Reason,
    goal_kinds,
)
from whyache.engine.analysis.outlook import Outlook, Plan
from whyache.engine.model.conditions import Compare, Literal, from_data
from whyache.engine.model.definitions import FactDef, RuleDef, Source
from whyache.knowledge_base import load_knowledge_base
from whyache.knowledge_base.scenarios import load_scenarios

from ...conftest import FIXTURES, KINDS, REPO, Kind

CONSULT = FIXTURES / "kbs" / "consult"
SHIN_QUESTIONS = {"pain_diffuse", "pain_at_rest", "cannot_hop_on_leg", "recent_mileage_increase"}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base(CONSULT)


@pytest.fixture(scope="module")
def consultant(kb: KnowledgeBase) -> Consultant:
    return Consultant(kb)


@pytest.fixture(scope="module")
def engine(kb: KnowledgeBase) -> Engine:
    return Engine(kb)


def interview(
    consultant: Consultant, start: list[str], answers: dict[str, Value]
) -> tuple[list[str], Consultation]:
    """Answer every question from ``answers`` (unknown when missing); return what was asked.

    A question group is answered yes when ``answers`` says yes to any of its facts, no when
    it says no to some and yes to none, unknown when it names none of them.
    """
    consultation = Consultation(case_from_assignments(consultant.kb, start))
    asked: list[str] = []
    while (question := consultant.next_question(consultation)) is not None:
        name = question.group or question.fact
        assert name not in asked, "a question was asked twice"
        asked.append(name)
        if question.group:
            said = [answers.get(f) for f in question.facts]
            group = True if True in said else False if False in said else None
            consultation = consultation.answer_group(question.group, question.facts, group)
        else:
            consultation = consultation.answer(question.fact, answers.get(question.fact))
    return asked, consultation


def test_doms_like_case_asks_only_what_separates_doms_from_shin_injury(consultant, engine):
    answers = {"shin_pain": False, "hours_since_run": 30.0, "unaccustomed_exercise": True}
    asked, consultation = interview(consultant, ["muscle_soreness"], answers)
    assert asked == ["shin_pain", "hours_since_run", "unaccustomed_exercise"]
    assert not SHIN_QUESTIONS & set(asked)
    result = engine.run(consultation.case)
    assert result.conclusions(Kind.CONDITION) == ("doms",)
    assert result.red_flags == ()


def test_shin_pain_case_asks_pain_at_rest_and_hop_test_before_concluding(consultant, engine):
    answers = {
        "pain_at_rest": False,
        "cannot_hop_on_leg": False,
        "recent_mileage_increase": True,
        "pain_diffuse": True,
    }
    asked, consultation = interview(consultant, ["shin_pain"], answers)
    assert asked == [
        "pain_at_rest",
        "cannot_hop_on_leg",
        "hours_since_run",
        "pain_diffuse",
        "recent_mileage_increase",
    ]
    assert engine.run(consultation.case).conclusions(Kind.CONDITION) == ("shin_splints",)


def test_pain_at_rest_raises_the_red_flag_and_settles_the_differential_early(consultant, engine):
    answers = {"pain_at_rest": True, "pain_diffuse": False, "recent_mileage_increase": True}
    asked, consultation = interview(consultant, ["shin_pain"], answers)
    assert asked == ["pain_at_rest", "pain_diffuse", "recent_mileage_increase"]
    result = engine.run(consultation.case)
    assert result.red_flags == ("bone_injury_flag",)
    assert result.conclusions(Kind.CONDITION) == ("stress_fracture",)


def test_unknown_answers_end_the_consultation_with_the_red_flag_left_open(consultant):
    asked, consultation = interview(consultant, [], {})
    assert asked == ["shin_pain", "hours_since_run"]
    assert consultation.declined == ("hours_since_run", "shin_pain")
    assert consultant.unresolved(consultation) == (
        ("bone_injury_flag", ("cannot_hop_on_leg", "pain_at_rest", "shin_pain")),
    )


def test_facts_given_up_front_are_never_asked(consultant):
    start = ["shin_pain", "pain_at_rest=no", "hours_since_run=30"]
    asked, _ = interview(consultant, start, {})
    assert not {"shin_pain", "pain_at_rest", "hours_since_run"} & set(asked)
    assert asked[0] == "cannot_hop_on_leg"


def test_nothing_left_to_ask_when_every_goal_is_settled(consultant, kb):
    case = case_from_assignments(kb, ["shin_pain=no", "muscle_soreness=no"])
    assert consultant.next_question(Consultation(case)) is None
    assert consultant.unresolved(Consultation(case)) == ()


def test_red_flag_questions_remain_when_only_red_flags_are_asked_for(consultant, kb):
    consultation = Consultation(case_from_assignments(kb, ["shin_pain"]))
    flags_only = (Kind.RED_FLAG,)
    first = consultant.next_question(consultation, flags_only)
    assert first is not None and first.serves == ("bone_injury_flag",)
    consultation = consultation.answer(first.fact, False)
    second = consultant.next_question(consultation, flags_only)
    assert second is not None and {first.fact, second.fact} == {"pain_at_rest", "cannot_hop_on_leg"}
    assert consultant.next_question(consultation.answer(second.fact, False), flags_only) is None


def test_question_carries_its_text_and_the_goals_it_serves(consultant, kb):
    question = consultant.next_question(Consultation(case_from_assignments(kb, ["shin_pain"])))
    assert question is not None
    assert question.fact == "pain_at_rest"
    assert question.text == "Does the leg hurt at rest or at night?"
    assert question.serves == ("bone_injury_flag", "shin_splints", "stress_fracture", "doms")


def test_reasons_name_goals_and_the_rules_between(consultant, kb):
    consultation = Consultation(case_from_assignments(kb, ["muscle_soreness"]))
    assert consultant.reasons(consultation, "shin_pain") == (
        Reason("bone_injury_flag", Kind.RED_FLAG, ("failed_hop_test", "shin_pain_at_rest")),
        Reason("doms", Kind.CONDITION, ("doms_window", "failed_hop_test", "shin_pain_at_rest")),
        Reason(
            "shin_splints",
            Kind.CONDITION,
            ("mileage_overloads_tibia", "diffuse_pain_is_shin_splints"),
        ),
        Reason(
            "stress_fracture",
            Kind.CONDITION,
            ("mileage_overloads_tibia", "focal_pain_is_stress_fracture"),
        ),
    )
    assert consultant.reasons(consultation, "muscle_soreness") == ()


def test_goal_kinds_fall_back_when_a_kb_has_no_red_flags_or_conditions(kb, tiny_kb):
    assert goal_kinds(kb) == (Kind.RED_FLAG, Kind.CONDITION)
    assert goal_kinds(tiny_kb) == (Kind.RED_FLAG, Kind.CONDITION)


# --- the consultation state ------------------------------------------------------------


def test_consultation_case_merges_given_facts_and_answers():
    consultation = Consultation(Case((("b", True),))).answer("a", 3.0).answer("c", None)
    assert consultation.case == Case((("a", 3.0), ("b", True)))
    assert consultation.declined == ("c",)
    assert consultation.answers == (Answer("a", 3.0), Answer("c", None))
    assert consultation.settled("b") and consultation.settled("c")
    assert not consultation.settled("d")


def test_back_drops_the_last_answer_only():
    consultation = Consultation(Case((("b", True),))).answer("a", True).answer("c", False)
    assert consultation.back() == Consultation(Case((("b", True),)), (Answer("a", True),))
    assert consultation.back().back().case == Case((("b", True),))
    with pytest.raises(InputError, match="no answer to go back to"):
        consultation.back().back().back()


def test_a_question_cannot_be_answered_twice():
    with pytest.raises(InputError, match="already answered"):
        Consultation(Case((("b", True),))).answer("b", False)


# --- the three-valued outlook ----------------------------------------------------------


def test_outlook_keeps_a_conclusion_open_while_what_it_assumes_absent_may_appear(
    consultant, engine, kb
):
    case = case_from_assignments(
        kb, ["muscle_soreness", "unaccustomed_exercise", "hours_since_run=30"]
    )
    assert engine.run(case).concludes("doms")  # nothing says bone injury, so far
    outlook = consultant.outlook(Consultation(case))
    assert outlook.status("doms") is None
    assert outlook.status("bone_injury_flag") is None
    settled = consultant.outlook(Consultation(case.with_fact("shin_pain", False)))
    assert settled.status("doms") is True
    assert settled.status("bone_injury_flag") is False


def test_numeric_answers_are_sampled_once_per_pattern_of_comparisons(kb):
    plan = Plan(kb)
    assert plan.sample_answers(kb.fact("hours_since_run")) == (0.0, 12.0, 396.0)
    assert plan.sample_answers(kb.fact("shin_pain")) == (True, False)


def test_a_comparison_outside_the_range_can_never_hold(kb):
    outlook = Plan(kb).outlook({})
    beyond = Compare("hours_since_run", ">", 1000.0)
    assert outlook.literal(Literal(beyond)) is False
    assert outlook.literal(Literal(beyond, negated=True)) is True
    assert outlook.literal(Literal(Compare("hours_since_run", ">", 10.0))) is None


def _tiny_values(kb: KnowledgeBase) -> dict[str, tuple[Value | None, ...]]:
    return {
        f.id: (None, 0.0, 24.0, 100.0) if f.is_numeric else (None, True, False)
        for f in kb.facts
        if f.is_input
    }


def test_outlook_is_sound_and_the_stop_is_safe_for_every_partial_case_of_the_tiny_kb(
    tiny_kb, tiny_engine
):
    """Settled means settled in every completion; "nothing to ask" means nothing can change."""
    domain = _tiny_values(tiny_kb)
    names = sorted(domain)
    consultant = Consultant(tiny_kb)
    goals = [f.id for f in tiny_kb.facts if not f.is_input]
    derived = {}
    for combo in itertools.product(*(domain[n] for n in names)):
        case = Case(tuple((n, v) for n, v in zip(names, combo, strict=True) if v is not None))
        derived[combo] = set(tiny_engine.run(case).derived)
    open_marker = object()
    for partial in itertools.product(*((open_marker, *domain[n]) for n in names)):
        consultation = Consultation()
        for name, value in zip(names, partial, strict=True):
            if value is not open_marker:
                consultation = consultation.answer(name, value)  # type: ignore[arg-type]
        completions = [
            facts
            for combo, facts in derived.items()
            if all(p is open_marker or p == c for p, c in zip(partial, combo, strict=True))
        ]
        outlook = consultant.outlook(consultation)
        for goal in goals:
            status = outlook.status(goal)
            if status is not None:
                assert all((goal in facts) is status for facts in completions), (partial, goal)
        if consultant.next_question(consultation) is None:
            for kind_goal in (g for g in goals if tiny_kb.fact(g).kind in consultant.kinds):
                assert len({kind_goal in facts for facts in completions}) == 1, partial


def _cyclic_kb() -> KnowledgeBase:
    """Two mechanisms that conclude each other (a positive cycle) and a rule over an absence."""
    source = (Source("doc.txt", "One"),)
    facts = (
        FactDef("x", "X", Kind.INPUT, question="x?"),
        FactDef("y", "Y", Kind.INPUT, question="y?"),
        FactDef("a", "A", Kind.MECHANISM),
        FactDef("b", "B", Kind.MECHANISM),
        FactDef("c", "C", Kind.CONDITION),
        FactDef("d", "D", Kind.RED_FLAG),
    )
    rules = (
        RuleDef("x_gives_a", "x gives a", from_data("x"), ("a",), source),
        RuleDef("a_gives_b", "a gives b", from_data("a"), ("b",), source),
        RuleDef("b_gives_a", "b gives a", from_data("b"), ("a",), source),
        RuleDef("y_gives_b", "y gives b", from_data(["y", "x = no"]), ("b",), source),
        RuleDef("no_a_is_c", "no a is c", from_data({"not": "a"}), ("c",), source),
        RuleDef("b_and_y_is_d", "b and y is d", from_data(["b", "y"]), ("d",), source),
    )
    return KnowledgeBase("cyclic", "1", "", facts, rules, kinds=KINDS)


def _assert_incremental_matches_full(kb: KnowledgeBase, states: int) -> None:
    plan = Plan(kb)
    inputs = [f for f in kb.facts if f.is_input]
    rng = random.Random(7)
    for _ in range(states):
        values: dict[str, Value] = {}
        closed = []
        for fact in inputs:
            pick = rng.choice(("open", "closed", "answer"))
            if pick == "closed":
                closed.append(fact.id)
            elif pick == "answer":
                values[fact.id] = rng.choice(plan.sample_answers(fact))
        base = plan.outlook(values, closed)
        for fact in inputs:
            if fact.id in values or fact.id in closed:
                continue
            for answer in plan.sample_answers(fact):
                after = {**values, fact.id: answer}
                incremental = Outlook(plan, after, frozenset(closed), base=base, changed=fact.id)
                full = plan.outlook(after, closed)
                assert [incremental.status(f) for f in plan.derived] == [
                    full.status(f) for f in plan.derived
                ], (values, closed, fact.id, answer)


def test_a_hypothetical_answer_evaluated_incrementally_matches_a_full_evaluation(kb):
    assert Plan(kb).order is not None  # no cycles: answers propagate rule by rule
    _assert_incremental_matches_full(kb, states=150)


def test_rules_that_cycle_fall_back_to_evaluation_by_strata():
    cyclic = _cyclic_kb()
    plan = Plan(cyclic)
    assert plan.order is None
    _assert_incremental_matches_full(cyclic, states=60)
    # A cycle supports nothing by itself: with x denied and y unknown for good, a is settled.
    outlook = plan.outlook({"x": False}, ["y"])
    assert (outlook.status("a"), outlook.status("b"), outlook.status("c")) == (False, False, True)
    assert plan.outlook({"x": False}).status("a") is None


# --- the bundled knowledge base's scenarios --------------------------------------------


def test_scenario_consultations_ask_fewer_questions_than_there_are_inputs(
    bundled_kb, bundled_engine
):
    """Answer each scenario's questions from its given facts (unknown otherwise)."""
    consultant = Consultant(bundled_kb)
    inputs = sum(1 for f in bundled_kb.facts if f.is_input)
    counts = []
    unasked = 0
    files = sorted((REPO / "tests" / "scenarios").glob("*.scenarios.yaml"))
    assert files
    for path in files:
        for scenario in load_scenarios(bundled_kb, Path(path)):
            given = scenario.case.values
            asked, consultation = interview(consultant, [], given)
            counts.append(len(asked))
            assert len(asked) < inputs, scenario.name
            if consultation.case == scenario.case:
                continue  # every given fact was asked: the same case gives the same result
            unasked += 1
            consulted = bundled_engine.run(consultation.case)
            everything = bundled_engine.run(scenario.case)
            for kind in consultant.kinds:
                # Red flags at every level; other goals where they are established (a
                # question that could only make a condition possible is not asked).
                urgent = bundled_kb.kind(kind).urgent
                assert {
                    f
                    for f in consulted.conclusions(kind)
                    if urgent or consulted.level(f) == ESTABLISHED
                } == {
                    f
                    for f in everything.conclusions(kind)
                    if urgent or everything.level(f) == ESTABLISHED
                }, scenario.name
    assert statistics.median(counts) < inputs
    # docs/consultation.md quotes these figures; they must be the ones measured here.
    median = statistics.median(counts)
    measured = (
        f"With {inputs} input facts, consultations answered from each of the {len(counts)} "
        f"scenarios in `tests/scenarios/` (variants included; a fact the scenario does not give "
        f"is answered `unknown`) ask between {min(counts)} and {max(counts)} questions, median "
        f"{median:g}, a question group counting as one question. Every "
        f"scenario ends with the same red flags, raised or possible, and the same established "
        f"conditions as `whyache run` on all of its given facts, although {unasked} of them "
        f"leave some given fact unasked."
    )
    text = (REPO / "docs" / "consultation.md").read_text(encoding="utf-8")
    quoted = " ".join(text.split("## Measured on the bundled knowledge base")[1].split())
    assert quoted.startswith(measured), f"docs/consultation.md should say: {measured}"


def test_a_group_answer_is_one_step_and_goes_back_whole(bundled_kb):
    start = Consultation(case_from_assignments(bundled_kb, ["hot_weather"]))
    facts = ("pain_severe", "pain_at_rest", "cannot_hop_on_leg")
    denied = start.answer("pain_sharp", True).answer_group("warning_signs", facts, False)
    assert denied.steps == 2 and len(denied.answers) == 4
    assert [denied.case.get(f) for f in facts] == [False, False, False]
    assert denied.back().answers == start.answer("pain_sharp", True).answers
    declined = start.answer_group("warning_signs", facts, None)
    assert declined.declined == tuple(sorted(facts)) and declined.case == start.case
    affirmed = start.answer_group("warning_signs", facts, True)
    assert affirmed.case == start.case and affirmed.group_asked("warning_signs")
    assert affirmed.answer("pain_severe", True).steps == 2
    assert affirmed.answer("pain_severe", True).back().back() == start
    with pytest.raises(InputError, match="already answered"):
        affirmed.answer_group("warning_signs", facts, False)


def test_the_consultant_asks_a_group_for_its_best_fact_and_never_twice(bundled_kb):
    consultant = Consultant(bundled_kb)
    consultation = Consultation(case_from_assignments(bundled_kb, ["hot_weather"]))
    question = consultant.next_question(consultation)
    assert question is not None and question.group == "warning_signs"
    assert question.fact in question.facts and len(question.facts) == 6
    after = consultation.answer_group(question.group, question.facts, True)
    following = consultant.next_question(after)
    assert following is not None and following.group == "" and following.fact in question.facts
