"""What a knowledge base holds: section coverage and the numbers that size it.

``whyache kb sources`` and ``whyache kb stats`` print these, so a reviewer can see which parts
of the source documents the rules stand on, and which sections no rule cites yet (gaps).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from whyache.engine.model.conditions import ConditionSyntaxError
from whyache.engine.model.definitions import KnowledgeBase, RuleDef


@dataclass(frozen=True)
class SectionUse:
    """One registered section of a document and the rules that cite it (sorted by id)."""

    document: str
    section: str
    rules: tuple[str, ...]

    @property
    def is_gap(self) -> bool:
        return not self.rules


def section_uses(kb: KnowledgeBase) -> tuple[SectionUse, ...]:
    """Every registered section, in registry order, with the rules citing it."""
    citing: dict[tuple[str, str], set[str]] = {}
    for rule in kb.rules:
        for source in rule.sources:
            citing.setdefault((source.document, source.section), set()).add(rule.id)
    return tuple(
        SectionUse(doc.file, section, tuple(sorted(citing.get((doc.file, section), ()))))
        for doc in kb.documents
        for section in doc.sections
    )


@dataclass(frozen=True)
class Stats:
    """The size of a knowledge base, as ``whyache kb stats`` reports it."""

    facts_by_kind: tuple[tuple[str, int], ...]
    rules: int
    alternatives: int
    disagreements: int
    documents: int
    sections: int
    sections_cited: int
    citations: int
    rules_per_document: tuple[tuple[str, int], ...]
    max_chain_depth: int

    @property
    def facts(self) -> int:
        return sum(count for _kind, count in self.facts_by_kind)


def _alternatives(rule: RuleDef) -> int:
    try:
        return len(rule.alternatives)
    except ConditionSyntaxError:
        return 0


def _needs(rule: RuleDef) -> set[str]:
    """Facts a rule needs to be there (absence tests need nothing, so they chain nothing)."""
    try:
        alternatives = rule.alternatives
    except ConditionSyntaxError:
        return set()
    return {lit.fact for alt in alternatives for lit in alt if lit.is_positive_pattern}


def max_chain_depth(kb: KnowledgeBase) -> int:
    """The most rules one chain can fire in a row, each needing what the one before concluded.

    Rules that feed each other in a loop count once, so a cycle cannot make the depth endless.
    """
    needing: dict[str, list[str]] = {}
    for rule in kb.rules:
        for fact_id in _needs(rule):
            needing.setdefault(fact_id, []).append(rule.id)
    graph = nx.DiGraph()
    graph.add_nodes_from(rule.id for rule in kb.rules)
    for rule in kb.rules:
        for fact_id in rule.concludes:
            graph.add_edges_from((rule.id, user) for user in needing.get(fact_id, ()))
    if not graph:
        return 0
    return int(nx.dag_longest_path_length(nx.condensation(graph))) + 1


def stats(kb: KnowledgeBase) -> Stats:
    uses = section_uses(kb)
    return Stats(
        facts_by_kind=tuple(
            (kind, sum(1 for f in kb.facts if f.kind == kind)) for kind in kb.kind_order
        ),
        rules=len(kb.rules),
        alternatives=sum(_alternatives(rule) for rule in kb.rules),
        disagreements=len(kb.disagreements),
        documents=len(kb.documents),
        sections=len(uses),
        sections_cited=sum(1 for use in uses if not use.is_gap),
        citations=sum(len(rule.sources) for rule in kb.rules),
        rules_per_document=tuple(
            (doc.file, sum(1 for r in kb.rules if any(s.document == doc.file for s in r.sources)))
            for doc in kb.documents
        ),
        max_chain_depth=max_chain_depth(kb),
    )
