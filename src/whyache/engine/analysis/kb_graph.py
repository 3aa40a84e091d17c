"""The whole knowledge base as a map of facts and rules, and views of any graph.

The map is the causal network an educator teaches from, case-independent. It is bipartite
like the derivation graph (:mod:`whyache.engine.explain.graph`), with rules where a run has
firings::

    hot_weather ──premise──▶ [rule:sweat_loses_fluid] ──conclusion──▶ sweat_fluid_loss

* Fact nodes are named by the fact id; attributes ``type="fact"``, ``kind``, ``label``.
* Rule nodes are named ``"rule:<rule id>"``; attributes ``type="rule"``, ``rule``,
  ``description``, ``sources`` (a list of ``"file § section"``).
* Edges fact -> rule carry ``role="premise"``, ``condition`` (every condition the rule puts on
  that fact, joined by ``"; "``) and ``negated`` (True when the rule needs the fact to be
  absent or not established, e.g. ``not pain_at_rest``); edges rule -> fact carry
  ``role="conclusion"``.

:func:`focus` keeps the chains through one fact; :func:`highlight` marks, on the map, the
facts, rules and edges a case actually used (attribute ``highlighted`` on every node and
edge, and graph attribute ``highlight=True``).
"""

from __future__ import annotations

import networkx as nx

from whyache.engine.errors import InputError
from whyache.engine.model.definitions import KnowledgeBase
from whyache.engine.runtime.result import Result


def rule_node(rule_id: str) -> str:
    return f"rule:{rule_id}"


def kb_graph(kb: KnowledgeBase) -> nx.DiGraph:
    """The map of every fact and rule, in knowledge-base order."""
    graph = nx.DiGraph(kb=kb.name, kb_version=kb.version, view="knowledge_base")
    for fact in kb.facts:
        graph.add_node(fact.id, type="fact", kind=fact.kind, label=fact.label)
    for rule in kb.rules:
        node = rule_node(rule.id)
        graph.add_node(
            node,
            type="rule",
            rule=rule.id,
            description=rule.description,
            sources=[str(s) for s in rule.sources],
        )
        literals = [lit for alternative in rule.alternatives for lit in alternative]
        for fact_id in rule.premises:
            mine = [lit for lit in literals if lit.fact == fact_id]
            graph.add_edge(
                fact_id,
                node,
                role="premise",
                condition="; ".join(dict.fromkeys(str(lit) for lit in mine)),
                negated=all(not lit.is_positive_pattern for lit in mine),
            )
        for fact_id in rule.concludes:
            graph.add_edge(node, fact_id, role="conclusion")
    return graph


def focus(graph: nx.DiGraph, fact_id: str) -> nx.DiGraph:
    """Only the chains through one fact: it, everything upstream and everything downstream."""
    if fact_id not in graph:
        raise InputError(
            f"{fact_id!r} is not in this graph",
            hint="in a case graph, focus on a fact that was given or concluded",
        )
    keep = {fact_id} | nx.ancestors(graph, fact_id) | nx.descendants(graph, fact_id)
    view = nx.DiGraph(**graph.graph, focus=fact_id)
    view.add_nodes_from((n, graph.nodes[n]) for n in graph if n in keep)
    view.add_edges_from((u, v, d) for u, v, d in graph.edges(data=True) if u in keep and v in keep)
    return view


def highlight(graph: nx.DiGraph, result: Result) -> nx.DiGraph:
    """A copy of a knowledge-base map with what the case used marked ``highlighted``."""
    used_rules = {f.rule for f in result.firings}
    used_premises = {(p.fact, rule_node(f.rule)) for f in result.firings for p in f.premises}
    used_conclusions = {(rule_node(f.rule), c) for f in result.firings for c in f.concludes}
    marked = nx.DiGraph(**graph.graph, highlight=True)
    for node, data in graph.nodes(data=True):
        if data["type"] == "rule":
            on = data["rule"] in used_rules
        else:
            on = result.value(node) is not None
        marked.add_node(node, **data, highlighted=on)
    for u, v, data in graph.edges(data=True):
        on = (u, v) in used_premises or (u, v) in used_conclusions
        marked.add_edge(u, v, **data, highlighted=on)
    return marked
