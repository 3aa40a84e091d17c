"""An engine compiled only for a case's facts must give exactly the full engine's result."""

from __future__ import annotations

import random

import pytest

from whyache.engine import Case, Engine, EngineError, InputError, KnowledgeBase, build_case

from ...conftest import Kind


def random_cases(kb: KnowledgeBase, count: int, seed: int) -> list[Case]:
    rng = random.Random(seed)
    inputs = [f for f in kb.facts if f.kind == Kind.INPUT]
    cases = []
    for _ in range(count):
        pairs: list[tuple[str, object]] = []
        for fact in rng.sample(inputs, rng.randint(0, min(len(inputs), 10))):
            if fact.is_numeric:
                pairs.append((fact.id, rng.uniform(fact.minimum or 0, fact.maximum or 0)))
            else:
                pairs.append((fact.id, rng.random() < 0.7))
        cases.append(build_case(kb, pairs))
    return cases


@pytest.mark.parametrize("which", ["tiny", "bundled"])
def test_focused_engine_gives_the_same_firings(request, which):
    kb = request.getfixturevalue(f"{which}_kb")
    full = request.getfixturevalue(f"{which}_engine")
    for case in random_cases(kb, 25, seed=11):
        focused = Engine(kb, only_for=[f for f, _ in case.facts])
        assert focused.run(case).firings == full.run(case).firings


def test_focused_engine_compiles_fewer_rules(tiny_kb):
    assert len(Engine(tiny_kb, only_for=["rest_pain"])._engine.get_rules()) == 1


def test_focused_engine_refuses_other_facts(tiny_kb):
    engine = Engine(tiny_kb, only_for=["sun"])
    # The caller's own mistake: an input error (exit 2), not EngineError ("a bug in whyache").
    with pytest.raises(InputError, match="compiled only for cases without water") as caught:
        engine.run(build_case(tiny_kb, [("water", False)]))
    assert not isinstance(caught.value, EngineError)
