"""The matcher's own network builder and partial reset must change nothing but the speed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.engine.runtime.test_focused_engine import random_cases
from whyache.engine import Engine
from whyache.engine.runtime._experta import ConflictSetNode, Fact, ReteMatcher
from whyache.engine.runtime.engine import Datum
from whyache.engine.runtime.matcher import DispatchingReteMatcher, _unique_nodes


class _StockBuilt(DispatchingReteMatcher):
    """experta's own network builder and a reset that empties every node, as experta does."""

    build_alpha_part = staticmethod(ReteMatcher.build_alpha_part)
    build_beta_part = staticmethod(ReteMatcher.build_beta_part)

    def reset(self) -> None:
        for node in _unique_nodes([self.root_node]):
            node._reset()
        for node in self._touched:
            node.get_activations()
        self._touched.clear()


def _stock_engine(kb: Any) -> Engine:
    engine = Engine(kb)
    stock = type("Stock", (engine._engine_class,), {"__matcher__": _StockBuilt})
    engine._engine = stock()
    return engine


@pytest.mark.parametrize("which", ["tiny", "bundled"])
def test_same_firings_as_experta_network_with_full_reset(request, which):
    kb = request.getfixturevalue(f"{which}_kb")
    ours = Engine(kb)
    stock = _stock_engine(kb)
    # One engine each, reused across cases: what one case leaves behind must not matter.
    for case in random_cases(kb, 40, seed=19):
        assert ours.run(case).firings == stock.run(case).firings


def test_same_network_shape_as_experta(bundled_kb):
    ours = Engine(bundled_kb)._engine.matcher
    stock = _stock_engine(bundled_kb)._engine.matcher

    def census(matcher: Any) -> dict[str, int]:
        counts: dict[str, int] = {}
        for node in _unique_nodes([matcher.root_node]):
            counts[type(node).__name__] = counts.get(type(node).__name__, 0) + 1
        return counts

    assert census(ours) == census(stock)
    assert len(ours._get_conflict_set_nodes()) == len(stock._get_conflict_set_nodes())
    assert all(isinstance(n, ConflictSetNode) for n in ours._get_conflict_set_nodes())


def test_reset_empties_only_what_a_case_reached(bundled_engine, bundled_kb):
    matcher = bundled_engine._engine.matcher
    bundled_engine.run(random_cases(bundled_kb, 1, seed=3)[0])
    reached = set(matcher.root_node.reached)
    assert reached  # the case's facts and the initial fact
    assert all(isinstance(t, type) for t in reached)
    matcher.reset()
    assert matcher.root_node.reached == set()
    assert all(not getattr(n, "memory", ()) for n in _unique_nodes([matcher.root_node]))


def test_datum_hash_includes_the_fact_class_and_leaves_experta_alone():
    first = type("Datum_a", (Datum,), {"fact_id": "a"})
    second = type("Datum_b", (Datum,), {"fact_id": "b"})
    assert hash(first(value=True)) != hash(second(value=True))
    assert hash(first(value=True)) == hash(first(value=True))
    assert (first(value=True) == second(value=True)) is False  # experta compares classes
    # Other users of experta keep experta's own hash.
    assert Fact.__hash__ is not Datum.__hash__
    assert hash(Fact(value=True)) == hash(frozenset({"value": True}.items()))
