"""Issue 14, item 6: the firing limit scales with the knowledge base; a runaway is still caught."""

from __future__ import annotations

import pytest

from whyache.engine import (
    Engine,
    FactDef,
    KindDef,
    KnowledgeBase,
    RuleDef,
    RunawayError,
    Source,
    case_from_assignments,
)
from whyache.engine.model.conditions import Present
from whyache.engine.model.definitions import INPUT
from whyache.engine.runtime.engine import MIN_FIRING_LIMIT

RULES = 20_000


def _independent_rules(count: int) -> KnowledgeBase:
    """``count`` rules, no cycle, no chain: each concludes its own fact from one input."""
    facts = [FactDef("sun", "Sun", INPUT, question="Sunny?")]
    facts += [FactDef(f"c{n}", f"C{n}", "mechanism") for n in range(count)]
    source = (Source("doc.txt", "One"),)
    rules = tuple(
        RuleDef(f"r{n}", "An independent rule.", Present("sun"), (f"c{n}",), source)
        for n in range(count)
    )
    kinds = (KindDef("mechanism", "Mechanisms", detail=True),)
    return KnowledgeBase("wide", "1", "", tuple(facts), rules, kinds=kinds)


@pytest.fixture(scope="module")
def wide() -> KnowledgeBase:
    return _independent_rules(RULES)


@pytest.fixture(scope="module")
def wide_engine(wide: KnowledgeBase) -> Engine:
    return Engine(wide, only_for={"sun"})  # compiling 20,000 rules is the slow part: once


def test_20000_independent_rules_all_fire(wide: KnowledgeBase, wide_engine: Engine):
    assert RULES > MIN_FIRING_LIMIT
    result = wide_engine.run(case_from_assignments(wide, ["sun"]))
    assert len(result.firings) == RULES


def test_a_runaway_beyond_the_bound_is_still_reported(wide: KnowledgeBase, wide_engine: Engine):
    # The bound is the number of rule alternatives; one firing fewer allowed must stop the run.
    assert wide_engine._engine._whyache_max_firings == RULES
    wide_engine._engine._whyache_max_firings = RULES - 1
    try:
        with pytest.raises(RunawayError, match=f"stopped after {RULES - 1} firings"):
            wide_engine.run(case_from_assignments(wide, ["sun"]))
    finally:
        del wide_engine._engine._whyache_max_firings
