"""Mermaid flowchart rendering of a derivation graph or knowledge-base map (pure; returns str).

Mermaid node ids are derived from graph node names with a prefix (``f_`` for facts, ``s<n>_``
for firings, ``r_`` for rules) so that fact ids can never clash with Mermaid keywords such as
``end``. Labels are quoted and escaped with Mermaid entity codes. Styles are ``classDef``s per
kind, each drawn in the style the kind declares (``alert`` facts are hexagons with a thick red
border).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from whyache.engine.render.dot import style_of
from whyache.engine.render.order import edge_label, edges_in_order, nodes_in_order

_STYLE_CSS = {
    "input": "fill:#fff7d6,stroke:#b59f3b",
    "plain": "fill:#e8f0fe,stroke:#5b7fc7",
    "step": "fill:#e8f0fe,stroke:#5b7fc7",
    "felt": "fill:#d2e3fc,stroke:#3b6fd1",
    "named": "fill:#fde7c8,stroke:#c77f1a,stroke-width:2px",
    "alert": "fill:#ffe0e0,stroke:#d00000,stroke-width:4px,color:#b00000,font-weight:bold",
    "advice": "fill:#e6f4ea,stroke:#2e7d32",
}
#: Classes of their own for rule and firing nodes, and for what a highlight leaves out.
_FIXED = {"step": "fill:#f1f3f4,stroke:#999999,font-size:11px", "dimmed": "opacity:0.45"}
_ESCAPES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "\n": "<br/>"}
_ON_STYLE = "stroke:#1a73e8,stroke-width:3px"


def escape(text: object) -> str:
    """Text safe inside a double-quoted Mermaid label."""
    return "".join(_ESCAPES.get(ch, ch) for ch in str(text))


def mermaid_id(node: str, data: dict[str, Any]) -> str:
    kind = data.get("type")
    if kind == "firing":
        return f"s{data.get('number', 0)}_{data.get('rule', '')}"
    if kind == "rule":
        return f"r_{data.get('rule', '')}"
    return f"f_{node}"


def _shape(mid: str, label: str, data: dict[str, Any], style: str) -> str:
    text = f'"{escape(label)}"'
    if data.get("type") in {"firing", "rule"}:
        return f"{mid}([{text}])"
    if style == "alert":
        return f"{mid}{{{{{text}}}}}"
    if style == "named":
        return f"{mid}({text})"
    return f"{mid}[{text}]"


def to_mermaid(graph: nx.DiGraph, styles: Mapping[str, str] | None = None) -> str:
    """The graph as a Mermaid ``flowchart LR``, in a deterministic order.

    ``styles`` maps each kind to its declared style (see :func:`kind_styles`); each kind
    becomes a ``classDef`` named after it.
    """
    highlight = bool(graph.graph.get("highlight"))
    ids = {node: mermaid_id(node, data) for node, data in nodes_in_order(graph)}
    kinds = dict.fromkeys(["input", *(styles or {})])
    fact_kinds = (
        str(d.get("kind", "")) for _, d in nodes_in_order(graph) if d.get("type") == "fact"
    )
    kinds.update(dict.fromkeys(fact_kinds))
    classes = {k: _STYLE_CSS[style_of({"kind": k}, styles)] for k in kinds if k not in _FIXED}
    classes.update(_FIXED)
    lines = ["flowchart LR"]
    lines += [f"  classDef {name} {css}" for name, css in classes.items()]
    members: dict[str, list[str]] = {name: [] for name in classes}
    for node, data in nodes_in_order(graph):
        style = style_of(data, styles)
        if data.get("type") == "fact":
            label = f"{data.get('label', node)}\n[{node}]"
            kind = str(data.get("kind", ""))
            members["step" if kind in _FIXED else kind].append(ids[node])
        else:
            label = str(data.get("rule", node))
            members["step"].append(ids[node])
        if highlight and not data.get("highlighted") and style != "alert":
            members["dimmed"].append(ids[node])
        lines.append(f"  {_shape(ids[node], label, data, style)}")
    highlighted_links = []
    for index, (source, target, data) in enumerate(edges_in_order(graph)):
        arrow = "-.->" if data.get("negated") else "-->"
        label = edge_label(graph, source, data)
        shown = f'|"{escape(label)}"|' if label else ""
        lines.append(f"  {ids[source]} {arrow}{shown} {ids[target]}")
        if highlight and data.get("highlighted"):
            highlighted_links.append(str(index))
    for name, nodes in members.items():
        if nodes:
            lines.append(f"  class {','.join(nodes)} {name}")
    if highlighted_links:
        lines.append(f"  linkStyle {','.join(highlighted_links)} {_ON_STYLE}")
    return "\n".join(lines) + "\n"
