"""Level and support in words."""

from __future__ import annotations

from whyache.engine.explain.strength import Strength
from whyache.engine.model.definitions import Link
from whyache.engine.render.strength import links_words, sources_heading, step_note
from whyache.knowledge_base import load_knowledge_base

from ...conftest import FIXTURES

KB = load_knowledge_base(FIXTURES / "kbs" / "levels")


def step(rule: str, link: Link, premises: tuple[str, ...], concludes: tuple[str, ...], **kw):
    level = kw.pop("level", "established" if link.establishes else "possible")
    possible = kw.pop("possible_premises", ())
    return Strength(rule, link, level, kw.pop("support", 1), 3, premises, concludes, possible)


HEAT = step("h", Link.CAN_LEAD_TO, ("heat",), ("dehydration",), support=3)
CRAMPS = step(
    "c",
    Link.ESTABLISHES,
    ("dehydration",),
    ("cramps",),
    level="possible",
    support=2,
    possible_premises=("dehydration",),
)
FRACTURE = step("f", Link.RAISES_RISK_OF, ("overuse", "pain_at_rest"), ("stress_fracture",))


def test_a_possible_step_says_why_an_established_one_only_its_support():
    assert step_note(KB, HEAT) == "possible: hot weather can lead to dehydration, 3 of 3 documents"
    assert step_note(KB, CRAMPS) == "possible: dehydration is only possible"
    established = step("e", Link.ESTABLISHES, ("heat",), ("dehydration",))
    assert step_note(KB, established) == ""
    assert (sources_heading(HEAT), sources_heading(CRAMPS)) == (
        "sources",
        "sources (2 of 3 documents)",
    )


def test_links_past_the_limit_are_counted_not_listed():
    steps = (HEAT, FRACTURE, HEAT)
    assert links_words(KB, steps, 1) == (
        "hot weather can lead to dehydration, 3 of 3 documents; and 2 more possible links"
    )
    assert links_words(KB, steps[:2]).endswith(
        "overuse of the leg + pain at rest raises the risk of stress fracture, 1 of 3 documents"
    )
