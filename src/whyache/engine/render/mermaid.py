"""Mermaid flowchart rendering of a derivation graph or knowledge-base map (pure; returns str).

Mermaid node ids are derived from graph node names with a prefix (``f_`` for facts, ``s<n>_``
for firings, ``r_`` for rules) so that fact ids can never clash with Mermaid keywords such as
``end``. Labels are quoted and escaped with Mermaid entity codes. Styles are ``classDef``s per
kind; red flags are hexagons with a thick red border.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from whyache.engine.errors import InputError
from whyache.engine.render.legend import category_label, fact_label, step_label
from whyache.engine.render.order import edge_label, edges_in_order, nodes_in_order

_CLASSES = {
    "input": "fill:#fff7d6,stroke:#b59f3b",
    "mechanism": "fill:#e8f0fe,stroke:#5b7fc7",
    "symptom": "fill:#d2e3fc,stroke:#3b6fd1",
    "condition": "fill:#fde7c8,stroke:#c77f1a,stroke-width:2px",
    "red_flag": "fill:#ffe0e0,stroke:#d00000,stroke-width:4px,color:#b00000,font-weight:bold",
    "recommendation": "fill:#e6f4ea,stroke:#2e7d32",
    "step": "fill:#f1f3f4,stroke:#999999,font-size:11px",
    "category": "fill:#e8f0fe,stroke:#5b7fc7",
    "dimmed": "opacity:0.45",
}
_ESCAPES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "\n": "<br/>"}
_ON_STYLE = "stroke:#1a73e8,stroke-width:3px"
_DIRECTIONS = {"lr": "LR", "tb": "TD"}
#: Mermaid's default ``maxTextSize``: longer diagrams draw only "Maximum text size in diagram
#: exceeded", in GitHub and most viewers alike.
MERMAID_LIMIT = 50_000


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


def _shape(mid: str, label: str, data: dict[str, Any]) -> str:
    text = f'"{escape(label)}"'
    if data.get("type") in {"firing", "rule"}:
        return f"{mid}([{text}])"
    if data.get("kind") == "red_flag":
        return f"{mid}{{{{{text}}}}}"
    if data.get("kind") == "condition":
        return f"{mid}({text})"
    return f"{mid}[{text}]"


def to_mermaid(graph: nx.DiGraph, layout: str = "lr", limit: int | None = MERMAID_LIMIT) -> str:
    """The graph as a Mermaid ``flowchart LR`` (or ``TD``), in a deterministic order.

    A diagram longer than ``limit`` characters is refused (:class:`InputError`) rather than
    printed for a viewer to reject; ``limit=None`` prints it anyway.
    """
    text = _flowchart(graph, layout)
    if limit is not None and len(text) > limit:
        raise InputError(
            f"this Mermaid diagram is {len(text):,} characters, over Mermaid's default limit "
            f"of {limit:,}",
            hint="draw a part with --focus FACT, --from/--to or --depth N, or the --overview",
        )
    return text


def _flowchart(graph: nx.DiGraph, layout: str) -> str:
    highlight = bool(graph.graph.get("highlight"))
    ids = {node: mermaid_id(node, data) for node, data in nodes_in_order(graph)}
    categories = [n for n, d in nodes_in_order(graph) if d.get("type") == "category"]
    ids.update({node: f"c{index}" for index, node in enumerate(categories, 1)})
    lines = [f"flowchart {_DIRECTIONS[layout]}"]
    lines += [f"  classDef {name} {style}" for name, style in _CLASSES.items()]
    members: dict[str, list[str]] = {name: [] for name in _CLASSES}
    for node, data in nodes_in_order(graph):
        if data.get("type") == "fact":
            label = fact_label(node, data)
            members[str(data.get("kind", "mechanism"))].append(ids[node])
        elif data.get("type") == "category":
            label = category_label(data)
            members["red_flag" if data.get("red_flags") else "category"].append(ids[node])
        else:
            label = step_label(node, data)
            members["step"].append(ids[node])
        if highlight and not data.get("highlighted") and data.get("kind") != "red_flag":
            members["dimmed"].append(ids[node])
        lines.append(f"  {_shape(ids[node], label, data)}")
    highlighted_links = []
    for index, (source, target, data) in enumerate(edges_in_order(graph)):
        arrow = "-.->" if data.get("negated") else "-->"
        label = (
            str(data["rules"]) if data.get("role") == "link" else edge_label(graph, source, data)
        )
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
