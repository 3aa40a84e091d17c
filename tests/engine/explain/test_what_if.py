from __future__ import annotations

import pytest

from whyache.engine import Case, Engine, InputError, case_from_assignments
from whyache.engine.explain.what_if import InputChange, what_if
from whyache.knowledge_base import load_knowledge_base

from ...conftest import FIXTURES


def case(kb, *facts: str) -> Case:
    return case_from_assignments(kb, facts)


def summary(report):
    return (
        [c.fact for c in report.gained],
        [c.fact for c in report.lost],
        list(report.kept),
    )


def test_removing_a_premise_withdraws_only_what_depended_on_it(tiny_engine, tiny_kb):
    # drink was concluded from thirst; without water=no it still holds via "water is unknown".
    report = what_if(tiny_engine, case(tiny_kb, "sun", "water=no"), Case(), ["water"])
    assert report.inputs == (InputChange("water", False, None),)
    assert summary(report) == ([], ["ache", "thirst"], ["drink"])
    (was,) = report.lost[1].firings
    assert (was.rule, [p.fact for p in was.premises]) == ("sun_and_no_water", ["sun", "water"])


def test_adding_a_fact_gains_with_the_firing_that_now_holds(tiny_engine, tiny_kb):
    report = what_if(tiny_engine, case(tiny_kb, "sun", "water=no"), case(tiny_kb, "rest_pain"))
    assert summary(report) == (["see_doctor"], [], ["thirst", "ache", "drink"])
    (now,) = report.gained[0].firings
    assert (now.rule, now.number) == ("rest_pain_flag", 3)


def test_adding_a_ruling_out_feature_loses_the_conclusion(tiny_engine, tiny_kb):
    base = case(tiny_kb, "sun", "water=no", "hours=30")
    report = what_if(tiny_engine, base, case(tiny_kb, "rest_pain"))
    # red flags first among gains; late soreness lost because "not rest_pain" no longer holds
    assert summary(report) == (["see_doctor"], ["late_soreness"], ["thirst", "ache", "drink"])
    assert report.lost[0].firings[0].assumptions == ("not rest_pain",)


def test_changing_a_value(tiny_engine, tiny_kb):
    base = case(tiny_kb, "sun", "water=no", "hours=30")
    report = what_if(tiny_engine, base, case(tiny_kb, "hours=3"))
    assert report.inputs == (InputChange("hours", 30.0, 3.0),)
    assert summary(report) == ([], ["late_soreness"], ["thirst", "ache", "drink"])


def test_a_conclusion_with_two_supports_survives_losing_one(differential_engine, differential_kb):
    base = case(differential_kb, "unaccustomed_exercise", "downhill_running", "hours_since_run=48")
    report = what_if(differential_engine, base, Case(), ["downhill_running"])
    assert summary(report) == ([], [], ["muscle_micro_damage", "delayed_soreness"])
    report = what_if(differential_engine, report.after.case, Case(), ["unaccustomed_exercise"])
    assert summary(report) == ([], ["delayed_soreness", "muscle_micro_damage"], [])


def test_removing_a_fact_not_given_is_an_error(tiny_engine, tiny_kb):
    with pytest.raises(InputError, match="'water' is not given in the case"):
        what_if(tiny_engine, case(tiny_kb, "sun"), Case(), ["water"])


def test_a_change_of_level_is_a_change_not_kept():
    kb = load_knowledge_base(FIXTURES / "kbs" / "levels")
    engine = Engine(kb)
    report = what_if(engine, case(kb, "heat", "long_run"), case(kb, "low_intake"))
    assert summary(report) == ([], [], ["overuse"])
    assert [(c.fact, c.before, c.after, c.rose) for c in report.changed] == [
        ("dehydration", "possible", "established", True),
        ("cramps", "possible", "established", True),
        ("drink_more", "possible", "established", True),
        ("stretch_calves", "possible", "established", True),
    ]
    (now,) = report.changed[0].firings
    assert now.rule == "heat_without_drink_dehydrates"
    back = what_if(engine, case(kb, "heat", "low_intake"), Case(), ["low_intake"])
    assert [(c.fact, c.rose) for c in back.changed][:1] == [("dehydration", False)]
    assert [f.rule for f in back.changed[0].firings] == ["heat_without_drink_dehydrates"]
