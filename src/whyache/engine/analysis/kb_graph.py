"""The whole knowledge base as a map of facts and rules, and views of any graph.

The map is the causal network an educator teaches from, case-independent. It is bipartite
like the derivation graph (:mod:`whyache.engine.explain.graph`), with rules where a run has
firings::

    hot_weather ──premise──▶ [rule:sweat_loses_fluid] ──conclusion──▶ sweat_fluid_loss

* Fact nodes are named by the fact id; attributes ``type="fact"``, ``kind``, ``label``.
* Rule nodes are named ``"rule:<rule id>"``; attributes ``type="rule"``, ``rule``,
  ``description``, ``sources`` (a list of ``"file § section"``), ``link`` (the rule's link
  kind, ``""`` when it does not say) and ``support`` (documents it cites); the graph carries
  ``documents``, how many the knowledge base has.
* Edges fact -> rule carry ``role="premise"``, ``condition`` (every condition the rule puts on
  that fact, joined by ``"; "``) and ``negated`` (True when the rule needs the fact to be
  absent or not established, e.g. ``not pain_at_rest``); edges rule -> fact carry
  ``role="conclusion"`` and the rule's ``link`` and ``support``.

:func:`focus` keeps the chains through one fact and :func:`chains` those between two (both
keep every fact of an urgent kind, a red flag, one step from what they draw: the caller names
the urgent kinds, ``kb.urgent_kinds``, since kinds are the knowledge base's data);
:func:`highlight` marks, on the map, the facts, rules and edges a case actually used
(attribute ``highlighted`` on every node and edge, ``level`` on facts as in the run, and graph
attribute ``highlight=True``).
"""

from __future__ import annotations

from collections.abc import Collection

import networkx as nx

from whyache.engine.errors import InputError
from whyache.engine.model.definitions import KnowledgeBase
from whyache.engine.runtime.result import Result


def rule_node(rule_id: str) -> str:
    return f"rule:{rule_id}"


def kb_graph(kb: KnowledgeBase) -> nx.DiGraph:
    """The map of every fact and rule, in knowledge-base order."""
    graph = nx.DiGraph(
        kb=kb.name, kb_version=kb.version, view="knowledge_base", documents=len(kb.documents)
    )
    for fact in kb.facts:
        graph.add_node(fact.id, type="fact", kind=fact.kind, label=fact.label)
    for rule in kb.rules:
        node = rule_node(rule.id)
        link = {"link": rule.link.value if rule.link is not None else "", "support": rule.support}
        graph.add_node(
            node,
            type="rule",
            rule=rule.id,
            description=rule.description,
            sources=[str(s) for s in rule.sources],
            **link,
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
            graph.add_edge(node, fact_id, role="conclusion", **link)
    return graph


def focus(
    graph: nx.DiGraph, fact_id: str, depth: int | None = None, *, urgent: Collection[str]
) -> nx.DiGraph:
    """Only the chains through one fact: it, what leads to it and what follows from it.

    ``depth`` counts steps (one rule or firing each) either way. Red flags concluded from the
    same evidence are kept too (see :func:`_with_red_flags`).
    """
    _require(graph, fact_id)
    keep = _within(graph, fact_id, depth, upstream=True) | _within(graph, fact_id, depth)
    return _view(graph, _with_red_flags(graph, keep, urgent), focus=fact_id)


def chains(
    graph: nx.DiGraph,
    source: str | None,
    target: str | None,
    depth: int | None = None,
    *,
    urgent: Collection[str],
) -> nx.DiGraph:
    """The chains from ``source`` to ``target``; with one of them, all chains from or to it."""
    if source is None and target is None:
        raise InputError("chains need a fact to start or end at", hint="give --from or --to")
    keep: set[str] = set()
    if source is not None:
        _require(graph, source)
        keep = _within(graph, source, depth)
    if target is not None:
        _require(graph, target)
        upstream = _within(graph, target, depth, upstream=True)
        keep = upstream if source is None else keep & upstream
    if source is not None and target is not None and target not in keep:
        within = "" if depth is None else f" within {depth} steps"
        raise InputError(
            f"no chain leads from {source!r} to {target!r}{within}",
            hint="try --to alone for everything that leads there",
        )
    attrs = {k: v for k, v in (("from", source), ("to", target)) if v is not None}
    return _view(graph, _with_red_flags(graph, keep, urgent), **attrs)


def _require(graph: nx.DiGraph, fact_id: str) -> None:
    if fact_id not in graph:
        raise InputError(
            f"{fact_id!r} is not in this graph",
            hint="in a case graph, focus on a fact that was given or concluded",
        )


def _within(graph: nx.DiGraph, start: str, depth: int | None, upstream: bool = False) -> set[str]:
    """Nodes reachable from ``start`` (against the edges when ``upstream``), ``depth`` steps."""
    walk = graph.reverse(copy=False) if upstream else graph
    cutoff = None if depth is None else 2 * depth  # a step is fact -> rule -> fact
    return set(nx.single_source_shortest_path_length(walk, start, cutoff=cutoff))


def _with_red_flags(graph: nx.DiGraph, keep: set[str], urgent: Collection[str]) -> set[str]:
    """``keep`` plus every red flag (fact of an ``urgent`` kind) one step from it, so that no
    view hides a red flag.

    A rule or firing that is drawn may conclude, besides what is drawn, a sign that a red flag
    rule reads (``stress_fracture_pain_pattern`` concludes ``stress_fracture`` and
    ``stress_fracture_signs``, which raises ``flag_possible_stress_fracture``). That sign, the
    red-flag step and the flag join the view; so do red flags a drawn fact raises directly.
    """
    out = set(keep)

    def is_flag(node: str) -> bool:
        return graph.nodes[node].get("kind") in urgent

    def flag_steps(fact: str) -> set[str]:
        found: set[str] = set()
        for step in graph.successors(fact):
            flags = {c for c in graph.successors(step) if is_flag(c)}
            if flags:
                found |= {step, *flags}
        return found

    for node in keep:
        if graph.nodes[node].get("type") == "fact":
            out |= flag_steps(node)
            continue
        for conclusion in graph.successors(node):
            if conclusion in keep:
                continue
            if is_flag(conclusion):
                out.add(conclusion)
            elif more := flag_steps(conclusion):
                out |= {conclusion, *more}
    return out


def _view(graph: nx.DiGraph, keep: set[str], **attrs: str) -> nx.DiGraph:
    view = nx.DiGraph(**graph.graph, **attrs)
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
            marked.add_node(node, **data, highlighted=on)
            continue
        on = result.value(node) is not None
        marked.add_node(node, **data, highlighted=on, level=result.level(node) or "")
    for u, v, data in graph.edges(data=True):
        on = (u, v) in used_premises or (u, v) in used_conclusions
        marked.add_edge(u, v, **data, highlighted=on)
    return marked
