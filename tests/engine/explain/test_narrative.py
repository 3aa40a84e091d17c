from __future__ import annotations

from whyache.engine import case_from_assignments
from whyache.engine.explain.narrative import chain, cited_documents, specific_conclusions


def run(engine, kb, *facts):
    return engine.run(case_from_assignments(kb, facts))


def test_end_points_and_conditions_are_most_specific(tiny_engine, tiny_kb):
    result = run(tiny_engine, tiny_kb, "sun", "water=no", "hours=30")
    # ache fed late_ache, thirst fed two rules: only the condition is left
    assert specific_conclusions(result) == ("late_soreness",)
    result = run(tiny_engine, tiny_kb, "sun", "water=no")
    assert specific_conclusions(result) == ("ache",)


def test_conditions_are_listed_even_when_used(differential_engine, differential_kb):
    result = run(
        differential_engine,
        differential_kb,
        "unaccustomed_exercise",
        "hours_since_run=48",
        "diffuse_soreness",
    )
    assert specific_conclusions(result) == ("doms",)
    assert chain(result, "rest_and_recover") == (
        "unaccustomed_exercise",
        "muscle_micro_damage",
        "delayed_soreness",
        "doms",
        "rest_and_recover",
    )


def test_chain_follows_first_premises_to_a_given_fact(tiny_engine, tiny_kb):
    result = run(tiny_engine, tiny_kb, "sun", "water=no", "hours=30")
    assert chain(result, "late_soreness") == ("sun", "thirst", "ache", "late_soreness")
    assert cited_documents(result) == ("doc.txt",)


def test_nothing_concluded(tiny_engine, tiny_kb):
    result = run(tiny_engine, tiny_kb, "water")
    assert specific_conclusions(result) == () and cited_documents(result) == ()
