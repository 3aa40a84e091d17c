"""A step's strength (link, level, support), the possible links a conclusion rests on, the
firings that raise a level, and the derivation explanations lead with."""

from __future__ import annotations

import pytest

from whyache.engine import Engine, case_from_assignments
from whyache.engine.explain.strength import first_derivation, possible_links, raises, strength
from whyache.engine.model.definitions import Link
from whyache.knowledge_base import load_knowledge_base

from ...conftest import FIXTURES


@pytest.fixture(scope="module")
def levels():
    kb = load_knowledge_base(FIXTURES / "kbs" / "levels")
    return kb, Engine(kb)


def run(levels, *facts):
    kb, engine = levels
    return engine.run(case_from_assignments(kb, facts))


def test_a_possible_link_and_a_possible_premise_both_make_a_step_possible(levels):
    result = run(levels, "heat")
    heat, cramps = (strength(result, f) for f in result.firings[:2])
    assert (heat.link, heat.level, heat.support, heat.documents) == (
        Link.CAN_LEAD_TO,
        "possible",
        3,
        3,
    )
    assert (heat.possible_link, heat.possible_premises) == (True, ())
    assert (cramps.link, cramps.level, cramps.possible_link) == (
        Link.ESTABLISHES,
        "possible",
        False,
    )
    assert cramps.possible_premises == ("dehydration",)


def test_possible_links_walk_back_through_possible_premises(levels):
    result = run(levels, "heat")
    assert [s.rule for s in possible_links(result, "stretch_calves")] == ["heat_can_dehydrate"]
    established = run(levels, "heat", "low_intake")
    assert possible_links(established, "stretch_calves") == ()


def test_a_firing_that_repeats_a_conclusion_may_raise_its_level(levels):
    result = run(levels, "heat", "low_intake")
    assert raises(result) == {2: ("dehydration",)}
    assert raises(run(levels, "heat")) == {}


def test_an_established_fact_leads_with_an_establishing_derivation(levels):
    result = run(levels, "heat", "low_intake")
    assert [f.rule for f in result.derivations("dehydration")] == [
        "heat_can_dehydrate",
        "heat_without_drink_dehydrates",
    ]
    assert first_derivation(result, "dehydration").rule == "heat_without_drink_dehydrates"
    assert first_derivation(run(levels, "heat"), "dehydration").rule == "heat_can_dehydrate"
