"""Mermaid flowchart rendering of a derivation graph or knowledge-base map (pure; returns str).

Mermaid node ids are derived from graph node names with a prefix (``f_`` for facts, ``s<n>_``
for firings, ``r_`` for rules) so that fact ids can never clash with Mermaid keywords such as
``end``. Labels are quoted and escaped with Mermaid entity codes. Styles are ``classDef``s per
kind, in knowledge-base order, each drawn in the style the kind declares (``alert`` facts, a
medical knowledge base's red flags, are hexagons with a thick red border). As in DOT, a
possible link's conclusion edge is dotted (``-.->``), an establishing one that more than one
document states thick (``==>``), each widened by a ``linkStyle`` as its support grows; an
absence on the map ends in a circle (``--o``); a fact that is only possible has a dashed
border (class ``possible``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from whyache.engine.errors import InputError
from whyache.engine.render.legend import (
    category_label,
    fact_label,
    possible_fact,
    possible_link,
    step_label,
    style_of,
    support_width,
)
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
#: Classes of their own for rule and firing nodes, for what a highlight leaves out, and (when
#: the diagram has one) for a fact that is only possible, added beside its kind's class.
_FIXED = {"step": "fill:#f1f3f4,stroke:#999999,font-size:11px", "dimmed": "opacity:0.45"}
_POSSIBLE = {"possible": "stroke-dasharray:5 4"}
#: Classes of the overview's category nodes (only in an overview): one with urgent facts is
#: drawn as an ``alert``.
_CATEGORY = {"category": "fill:#e8f0fe,stroke:#5b7fc7", "urgent_category": _STYLE_CSS["alert"]}
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


def _shape(mid: str, label: str, data: dict[str, Any], style: str) -> str:
    text = f'"{escape(label)}"'
    if data.get("type") in {"firing", "rule"}:
        return f"{mid}([{text}])"
    if data.get("type") == "fact" and style == "alert":
        return f"{mid}{{{{{text}}}}}"
    if data.get("type") == "fact" and style == "named":
        return f"{mid}({text})"
    return f"{mid}[{text}]"


def _arrow(data: dict[str, Any], width: float | None) -> str:
    """``--o`` an absence, ``-.->`` a possible link, ``==>`` an establishing link that more
    than one document states, ``-->`` the rest."""
    if data.get("negated"):
        return "--o"
    if possible_link(data):
        return "-.->"
    return "==>" if width is not None else "-->"


def to_mermaid(
    graph: nx.DiGraph,
    styles: Mapping[str, str] | None = None,
    layout: str = "lr",
    limit: int | None = MERMAID_LIMIT,
) -> str:
    """The graph as a Mermaid ``flowchart LR`` (or ``TD``), in a deterministic order.

    ``styles`` maps each kind to its declared style (see
    :func:`whyache.engine.render.dot.kind_styles`); each kind becomes a ``classDef`` named
    after it. A diagram longer than ``limit`` characters is refused (:class:`InputError`)
    rather than printed for a viewer to reject; ``limit=None`` prints it anyway.
    """
    text = _flowchart(graph, styles, layout)
    if limit is not None and len(text) > limit:
        raise InputError(
            f"this Mermaid diagram is {len(text):,} characters, over Mermaid's default limit "
            f"of {limit:,}",
            hint="draw a part with --focus FACT, --from/--to or --depth N, or the --overview",
        )
    return text


def _flowchart(graph: nx.DiGraph, styles: Mapping[str, str] | None, layout: str) -> str:
    highlight = bool(graph.graph.get("highlight"))
    ids = {node: mermaid_id(node, data) for node, data in nodes_in_order(graph)}
    categories = [n for n, d in nodes_in_order(graph) if d.get("type") == "category"]
    ids.update({node: f"c{index}" for index, node in enumerate(categories, 1)})
    kinds = dict.fromkeys(["input", *(styles or {})])
    fact_kinds = (
        str(d.get("kind", "")) for _, d in nodes_in_order(graph) if d.get("type") == "fact"
    )
    kinds.update(dict.fromkeys(fact_kinds))
    possible = any(possible_fact(d) for _, d in nodes_in_order(graph))
    fixed = {**_FIXED, **(_CATEGORY if categories else {}), **(_POSSIBLE if possible else {})}
    classes = {k: _STYLE_CSS[style_of({"kind": k}, styles)] for k in kinds if k not in fixed}
    classes.update(fixed)
    lines = [f"flowchart {_DIRECTIONS[layout]}"]
    lines += [f"  classDef {name} {css}" for name, css in classes.items()]
    members: dict[str, list[str]] = {name: [] for name in classes}
    for node, data in nodes_in_order(graph):
        style = style_of(data, styles)
        if data.get("type") == "fact":
            label = fact_label(node, data)
            kind = str(data.get("kind", ""))
            members["step" if kind in fixed else kind].append(ids[node])
        elif data.get("type") == "category":
            label = category_label(data)
            style = "alert" if data.get("red_flags") else "plain"
            members["urgent_category" if data.get("red_flags") else "category"].append(ids[node])
        else:
            label = step_label(node, data)
            members["step"].append(ids[node])
        if highlight and not data.get("highlighted") and style != "alert":
            members["dimmed"].append(ids[node])
        if possible_fact(data):
            members["possible"].append(ids[node])
        lines.append(f"  {_shape(ids[node], label, data, style)}")
    highlighted_links = []
    widths: dict[float, list[str]] = {}
    for index, (source, target, data) in enumerate(edges_in_order(graph)):
        width = support_width(data)
        arrow = _arrow(data, width)
        label = (
            str(data["rules"]) if data.get("role") == "link" else edge_label(graph, source, data)
        )
        shown = f'|"{escape(label)}"|' if label else ""
        lines.append(f"  {ids[source]} {arrow}{shown} {ids[target]}")
        if width is not None:
            widths.setdefault(width, []).append(str(index))
        if highlight and data.get("highlighted"):
            highlighted_links.append(str(index))
    for name, nodes in members.items():
        if nodes:
            lines.append(f"  class {','.join(nodes)} {name}")
    for width, links in sorted(widths.items()):
        lines.append(f"  linkStyle {','.join(links)} stroke-width:{width:g}px")
    if highlighted_links:
        lines.append(f"  linkStyle {','.join(highlighted_links)} {_ON_STYLE}")
    return "\n".join(lines) + "\n"
