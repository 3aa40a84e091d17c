"""Graphviz DOT rendering of a derivation graph or knowledge-base map (pure; returns str).

Facts are styled by the style their kind declares in kb.yaml (``styles`` maps kind to style;
the engine knows no kinds but ``input``): ``alert`` facts are red, bold double octagons so they
cannot be missed.
Firings (or rules, on the map) are small boxes labelled by rule id. Edges keep the documented
direction fact -> firing -> fact. Premise edges show their condition when it says more than the
fact id (``water = no``, ``hours >= 24``); absence conditions on the map are dashed. With
``highlight`` set on the graph, what the case used is drawn blue and the rest is greyed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from whyache.engine.model.definitions import KnowledgeBase
from whyache.engine.render.order import edge_label, edges_in_order, nodes_in_order

#: The styles a kind may declare (``style:`` in kb.yaml), by name.
STYLES: dict[str, dict[str, str]] = {
    "input": {"shape": "box", "style": "filled", "fillcolor": "#fff7d6"},
    "plain": {"shape": "ellipse", "style": "filled", "fillcolor": "#e8f0fe"},
    "step": {"shape": "ellipse", "style": "filled", "fillcolor": "#e8f0fe"},
    "felt": {"shape": "ellipse", "style": "filled", "fillcolor": "#d2e3fc"},
    "named": {"shape": "box", "style": "rounded,filled,bold", "fillcolor": "#fde7c8"},
    "alert": {
        "shape": "doubleoctagon",
        "style": "filled,bold",
        "fillcolor": "#ffe0e0",
        "color": "red",
        "fontcolor": "red",
        "penwidth": "2.5",
    },
    "advice": {"shape": "note", "style": "filled", "fillcolor": "#e6f4ea"},
}
_STEP_STYLE = {
    "shape": "box",
    "style": "rounded,filled",
    "fillcolor": "#f1f3f4",
    "fontsize": "9",
    "height": "0.25",
}
_ON = {"color": "#1a73e8", "penwidth": "2.5"}
_OFF = {"color": "#bbbbbb", "fontcolor": "#888888"}


def quote(text: object) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines as ``\\n``."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _attrs(attrs: dict[str, str]) -> str:
    return ", ".join(f"{key}={quote(value)}" for key, value in attrs.items())


def kind_styles(kb: KnowledgeBase) -> dict[str, str]:
    """Each kind of the knowledge base with the diagram style it declares."""
    return {kind: kb.kind(kind).style for kind in kb.kind_order}


def style_of(data: dict[str, Any], styles: Mapping[str, str] | None) -> str:
    """The style name of a fact node: its kind's declared style, ``plain`` if none."""
    kind = str(data.get("kind", ""))
    style = (styles or {}).get(kind) or ("input" if kind == "input" else "plain")
    return style if style in STYLES else "plain"


def _node_attrs(
    node: str, data: dict[str, Any], highlight: bool, styles: Mapping[str, str] | None
) -> dict[str, str]:
    if data.get("type") == "fact":
        attrs = {"label": f"{data.get('label', node)}\n[{node}]"}
        style = style_of(data, styles)
        attrs.update(STYLES[style])
        if data.get("given"):
            attrs["peripheries"] = "2"
        if highlight and style != "alert":
            attrs.update(_ON if data.get("highlighted") else _OFF)
        return attrs
    attrs = {"label": str(data.get("rule", node)), **_STEP_STYLE}
    if data.get("description"):
        attrs["tooltip"] = str(data["description"])
    if highlight:
        attrs.update(_ON if data.get("highlighted") else _OFF)
    return attrs


def _edge_attrs(graph: nx.DiGraph, source: str, data: dict[str, Any], highlight: bool) -> str:
    attrs: dict[str, str] = {}
    label = edge_label(graph, source, data)
    if label:
        attrs["label"] = label
        attrs["fontsize"] = "9"
    if data.get("negated"):
        attrs["style"] = "dashed"
    elif data.get("role") == "conclusion" and data.get("new") is False:
        attrs["style"] = "dotted"
    if highlight:
        attrs.update(_ON if data.get("highlighted") else {"color": "#cccccc"})
    return f" [{_attrs(attrs)}]" if attrs else ""


def to_dot(graph: nx.DiGraph, styles: Mapping[str, str] | None = None) -> str:
    """The graph as a DOT ``digraph``, nodes and edges in a deterministic order.

    ``styles`` maps each kind to its declared style (see :func:`kind_styles`).
    """
    highlight = bool(graph.graph.get("highlight"))
    title = f"{graph.graph.get('kb', 'whyache')} {graph.graph.get('kb_version', '')}".strip()
    lines = [
        f"digraph {quote('whyache')} {{",
        f"  graph [{_attrs({'rankdir': 'LR', 'label': title, 'fontname': 'Helvetica'})}];",
        f"  node [{_attrs({'fontname': 'Helvetica'})}];",
        f"  edge [{_attrs({'fontname': 'Helvetica'})}];",
    ]
    for node, data in nodes_in_order(graph):
        lines.append(f"  {quote(node)} [{_attrs(_node_attrs(node, data, highlight, styles))}];")
    for source, target, data in edges_in_order(graph):
        attrs = _edge_attrs(graph, source, data, highlight)
        lines.append(f"  {quote(source)} -> {quote(target)}{attrs};")
    lines.append("}")
    return "\n".join(lines) + "\n"
