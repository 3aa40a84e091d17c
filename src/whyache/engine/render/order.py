"""One deterministic order of nodes and edges shared by every graph renderer.

Facts come first, by id; then firings by number; then knowledge-base rules by id. Edges are
ordered by their end points in that same order. Insertion order never leaks into output.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

_TYPE_RANK = {"category": 0, "fact": 0, "firing": 1, "rule": 2}


def node_key(graph: nx.DiGraph, node: str) -> tuple[int, int, str]:
    data = graph.nodes[node]
    return _TYPE_RANK.get(data.get("type", ""), 3), int(data.get("number", 0)), node


def nodes_in_order(graph: nx.DiGraph) -> list[tuple[str, dict[str, Any]]]:
    return [(n, graph.nodes[n]) for n in sorted(graph.nodes, key=lambda n: node_key(graph, n))]


def edges_in_order(graph: nx.DiGraph) -> list[tuple[str, str, dict[str, Any]]]:
    def key(edge: tuple[str, str, dict[str, Any]]) -> tuple[Any, ...]:
        return node_key(graph, edge[0]), node_key(graph, edge[1])

    return sorted(graph.edges(data=True), key=key)


def edge_label(graph: nx.DiGraph, source: str, data: dict[str, Any]) -> str:
    """The condition on a premise edge when it says more than the fact id; else nothing."""
    condition = str(data.get("condition", ""))
    return "" if data.get("role") != "premise" or condition == source else condition
