"""The derivation graph of a result: bipartite, fact -> firing -> fact.

Edge direction (from cause to effect, the way the chains read)::

    hot_weather ──premise──▶ [1:fluid_loss_rule] ──conclusion──▶ dehydration
    inadequate_fluid_intake ──premise──┘

* The graph carries ``documents``: how many documents the knowledge base has (the whole
  that each ``support`` is counted out of).
* Fact nodes are named by the fact id; attributes ``type="fact"``, ``kind``, ``label``,
  ``given`` (True for case inputs), ``value`` (``"yes"``, ``"no"`` or a number as text) and
  ``level`` (``"given"``, ``"established"`` or ``"possible"``).
* Firing nodes are named ``"<number>:<rule id>"`` (fact ids never contain a colon);
  attributes ``type="firing"``, ``rule``, ``number``, ``description``, ``sources`` (a list of
  ``"file § section"``), ``assumptions`` (absence conditions the firing relied on), ``link``
  (the rule's link kind, ``""`` when it does not say), ``level`` (what the firing gives its
  conclusions) and ``support`` (documents the rule cites).
* Edges fact -> firing carry ``role="premise"`` and the ``condition`` matched; edges
  firing -> fact carry ``role="conclusion"``, ``new`` (False when the fact was already known,
  so a fact derived twice has two incoming conclusion edges), ``raised`` (True when the fact
  was only possible before this firing, which establishes it), and the firing's ``link``,
  ``level`` and ``support`` (renderers draw a possible link dashed, wider support heavier).

Nodes and edges are added in a fixed order, so exports are deterministic.
"""

from __future__ import annotations

import networkx as nx

from whyache.engine.explain.strength import raises
from whyache.engine.model.conditions import format_value
from whyache.engine.runtime.result import Firing, Result


def firing_node(firing: Firing) -> str:
    return f"{firing.number}:{firing.rule}"


def derivation_graph(result: Result) -> nx.DiGraph:
    """Build the graph of everything a run established and why."""
    kb = result.kb
    graph = nx.DiGraph(kb=kb.name, kb_version=kb.version, documents=len(kb.documents))

    def add_fact(fact_id: str) -> None:
        if fact_id in graph:
            return
        fact = kb.fact(fact_id)
        value = result.value(fact_id)
        graph.add_node(
            fact_id,
            type="fact",
            kind=fact.kind,
            label=fact.label,
            given=result.case.get(fact_id) is not None,
            value=format_value(value) if value is not None else "unknown",
            level=result.level(fact_id) or "",
        )

    for fact_id, _value in result.case.facts:
        add_fact(fact_id)
    raised = raises(result)
    for firing in result.firings:
        rule = kb.rule(firing.rule)
        node = firing_node(firing)
        step = {
            "link": rule.link.value if rule.link is not None else "",
            "level": result.firing_level(firing),
            "support": rule.support,
        }
        graph.add_node(
            node,
            type="firing",
            rule=firing.rule,
            number=firing.number,
            description=rule.description,
            sources=[str(s) for s in rule.sources],
            assumptions=list(firing.assumptions),
            **step,
        )
        for premise in firing.premises:
            add_fact(premise.fact)
            graph.add_edge(premise.fact, node, role="premise", condition=premise.condition)
        for fact_id in firing.concludes:
            add_fact(fact_id)
            graph.add_edge(
                node,
                fact_id,
                role="conclusion",
                new=fact_id in firing.new,
                raised=fact_id in raised.get(firing.number, ()),
                **step,
            )
    return graph
