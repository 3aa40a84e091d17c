"""The knowledge base's own scenario suite: every scenario file under tests/scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

from whyache.knowledge_base import load_knowledge_base
from whyache.knowledge_base.scenarios import check, load_scenarios, scenario_files

SCENARIOS = Path(__file__).parent.parent / "scenarios"
_KB = load_knowledge_base()
_ALL = [s for path in scenario_files([SCENARIOS]) for s in load_scenarios(_KB, path)]


@pytest.mark.parametrize("scenario", _ALL, ids=[s.name for s in _ALL])
def test_scenario(bundled_engine, scenario):
    outcome = check(bundled_engine, scenario)
    assert outcome.failures == ()
