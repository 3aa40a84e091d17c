"""Every encoded row of docs/kb-coverage.md is asserted by a scenario's ``via`` (issue 16).

A row of the coverage table names the rules that encode a causal statement of the documents.
A scenario asserts a rule when, in its run, a firing of the rule lies on the derivation between
two consecutive facts of one of its ``via`` chains (the path the chain asserts goes through
it). A row counts as asserted when every one of its rules is asserted by some scenario: so a
rule renamed, a chain cut, or a scenario dropped shows up here as a row no scenario holds.
The chain scenarios (``tests/scenarios/chains_*.scenarios.yaml``) also state the level of
each conclusion, and the strength-work scenario checks the timing the report gives its advice.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import networkx as nx
import pytest

from whyache.engine import Engine, KnowledgeBase, Result, derivation_graph
from whyache.engine.analysis.report import advice_timing, flagged
from whyache.engine.model.definitions import Timing
from whyache.knowledge_base.scenarios import Scenario, load_scenarios

from ..conftest import REPO
from .test_coverage import PAGE, statements

SCENARIOS = REPO / "tests" / "scenarios"
#: The encoded rows of docs/kb-coverage.md, all asserted by a via (566 when this test was
#: written, 577 once issue 16 encoded the left-out rows: tests/scenarios/left_out.scenarios.yaml).
ENCODED_AND_ASSERTED = 577


def via_rules(result: Result, chains: tuple[tuple[str, ...], ...]) -> set[str]:
    """The rules with a firing between two consecutive facts of one of the chains."""
    graph = derivation_graph(result)
    found: set[str] = set()
    for chain in chains:
        for a, b in itertools.pairwise(chain):
            if a in graph and b in graph:
                between = nx.descendants(graph, a) & nx.ancestors(graph, b)
                found.update(graph.nodes[n]["rule"] for n in between if "rule" in graph.nodes[n])
    return found


def scenarios(kb: KnowledgeBase, pattern: str = "*.scenarios.yaml") -> list[Scenario]:
    return [s for path in sorted(SCENARIOS.glob(pattern)) for s in load_scenarios(kb, path)]


@pytest.fixture(scope="module")
def asserted(bundled_kb: KnowledgeBase, bundled_engine: Engine) -> set[str]:
    found: set[str] = set()
    for scenario in scenarios(bundled_kb):
        if scenario.via:
            found |= via_rules(bundled_engine.run(scenario.case), scenario.via)
    return found


def test_every_encoded_row_is_asserted_by_a_scenarios_via(asserted: set[str]) -> None:
    rows = [row for row in statements(PAGE.read_text(encoding="utf-8").splitlines()) if row.rules]
    unasserted = [
        (row.id, sorted(set(row.rules) - asserted))
        for row in rows
        if not set(row.rules) <= asserted
    ]
    assert unasserted == [], "add a scenario whose via passes through these rules"
    assert len(rows) - len(unasserted) == ENCODED_AND_ASSERTED


def test_the_chain_scenarios_state_the_level_of_every_conclusion(bundled_kb: KnowledgeBase) -> None:
    chains = scenarios(bundled_kb, "chains_*.scenarios.yaml")
    assert len(chains) == 131
    unlevelled = [
        (s.name, fact)
        for s in chains
        for fact in s.concludes
        if fact not in dict(s.concludes_levels)
    ]
    assert unlevelled == []
    assert all(s.via for s in chains)


def test_strength_work_waits_for_review_beside_a_stress_fracture_sign(
    bundled_kb: KnowledgeBase, bundled_engine: Engine
) -> None:
    """003 separates immediate relief from long-term prevention: beside the red flag, the
    prevention advice is held until a clinician has seen the leg."""
    path = SCENARIOS / "chains_issue16.scenarios.yaml"
    (scenario,) = [
        s for s in load_scenarios(bundled_kb, Path(path)) if s.name.startswith("strength work")
    ]
    result = bundled_engine.run(scenario.case)
    assert "flag_possible_stress_fracture" in result.red_flags
    assert bundled_kb.fact("rec_strength_training").timing is Timing.PREVENTION
    assert advice_timing(bundled_kb, "rec_strength_training", flagged(result)) == (
        Timing.AFTER_REVIEW,
        True,
    )
