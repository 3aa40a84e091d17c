"""Graphs as data: networkx node-link JSON, GraphML, and a plain-text outline (pure).

JSON schema ``whyache.graph/1`` is networkx node-link data (``edges="edges"``)::

    {"directed": true, "multigraph": false,
     "graph": {"schema": "whyache.graph/1", "kb": str, "kb_version": str,
               "view": "knowledge_base"?, "focus": str?, "highlight": bool?},
     "nodes": [{"id": str, "type": "fact" | "firing" | "rule", ...}],
     "edges": [{"source": str, "target": str, "role": "premise" | "conclusion", ...}]}

Node and edge attributes are those documented in :mod:`whyache.engine.explain.graph` (a case) and
:mod:`whyache.engine.analysis.kb_graph` (the knowledge-base map). Read it back with
``networkx.node_link_graph(data, edges="edges")``. Nodes and edges are in the order of
:mod:`whyache.engine.render.order`. GraphML carries the same attributes, lists joined by
``"; "`` (GraphML has no list type).
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from whyache.engine.render.order import edge_label, edges_in_order, nodes_in_order

GRAPH_SCHEMA = "whyache.graph/1"


def ordered(graph: nx.DiGraph) -> nx.DiGraph:
    """A copy whose nodes and edges are in the deterministic render order."""
    copy = nx.DiGraph(**graph.graph, schema=GRAPH_SCHEMA)
    copy.add_nodes_from(nodes_in_order(graph))
    copy.add_edges_from(edges_in_order(graph))
    return copy


def to_node_link(graph: nx.DiGraph) -> dict[str, Any]:
    data: dict[str, Any] = nx.node_link_data(ordered(graph), edges="edges")
    return data


def to_json(graph: nx.DiGraph) -> str:
    return json.dumps(to_node_link(graph), indent=2, ensure_ascii=False) + "\n"


def _scalar(value: Any) -> Any:
    return "; ".join(str(v) for v in value) if isinstance(value, list | tuple) else value


def to_graphml(graph: nx.DiGraph) -> str:
    flat = nx.DiGraph(**{k: _scalar(v) for k, v in ordered(graph).graph.items()})
    flat.add_nodes_from(
        (n, {k: _scalar(v) for k, v in d.items()}) for n, d in nodes_in_order(graph)
    )
    flat.add_edges_from(
        (u, v, {k: _scalar(x) for k, x in d.items()}) for u, v, d in edges_in_order(graph)
    )
    return "\n".join(nx.generate_graphml(flat)) + "\n"


def to_text(graph: nx.DiGraph) -> str:
    """One line per firing or rule: its premises (with conditions) => its conclusions."""
    lines = []
    # The edges in order once, grouped by node (asking for them per node was quadratic).
    into: dict[str, list[str]] = {}
    out_of: dict[str, list[str]] = {}
    for u, v, d in edges_in_order(graph):
        into.setdefault(v, []).append(edge_label(graph, u, d) or u)
        out_of.setdefault(u, []).append(v)
    for node, data in nodes_in_order(graph):
        if data.get("type") == "fact":
            continue
        premises = into.get(node, [])
        conclusions = out_of.get(node, [])
        mark = "* " if data.get("highlighted") else ""
        lines.append(
            f"{mark}{node}: {', '.join(premises) or '(nothing)'} => {', '.join(conclusions)}"
        )
    isolated = [
        n for n, d in nodes_in_order(graph) if d.get("type") == "fact" and graph.degree(n) == 0
    ]
    if isolated:
        lines.append(f"facts on no chain: {', '.join(isolated)}")
    return "\n".join(lines) + "\n" if lines else "(empty graph)\n"
