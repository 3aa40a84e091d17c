"""Graphviz DOT rendering of a derivation graph or knowledge-base map (pure; returns str).

Facts are styled by the style their kind declares in kb.yaml (``styles`` maps kind to style;
the engine knows no kinds but ``input``): ``alert`` facts (a medical knowledge base's red
flags) are red, bold double octagons so they cannot be missed. Firings (or rules, on the
map) are small boxes labelled by rule id; labels are wrapped so a top-to-bottom picture stays
narrow, and a legend node says what every mark means: each kind by its declared title. Edges
keep the documented direction fact -> firing -> fact. Premise edges show their condition when
it says more than the fact id (``water = no``, ``hours >= 24``); absence conditions on the
map are dotted. A conclusion edge of a possible link (``can lead to``, ``raises the risk
of``...) is dashed, and heavier the more documents state its link (``penwidth``, see
:func:`~whyache.engine.render.legend.support_width`); a fact that is only possible has a
dashed border. With ``highlight`` set on the graph, what the case used is drawn blue and the
rest is greyed.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import networkx as nx

from whyache.engine.model.definitions import KnowledgeBase
from whyache.engine.render.legend import (
    category_label,
    fact_label,
    legend,
    possible_fact,
    possible_link,
    step_label,
    style_of,
    support_width,
)
from whyache.engine.render.order import edge_label, edges_in_order, nodes_in_order

#: The styles a kind may declare (``style:`` in kb.yaml), by name (see ``STYLE_NAMES``).
STYLES: dict[str, dict[str, str]] = {
    "input": {"shape": "box", "style": "filled", "fillcolor": "#fff7d6"},
    "plain": {"shape": "box", "style": "rounded,filled", "fillcolor": "#e8f0fe"},
    "step": {"shape": "box", "style": "rounded,filled", "fillcolor": "#e8f0fe"},
    "felt": {"shape": "box", "style": "rounded,filled", "fillcolor": "#d2e3fc"},
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
#: Font sizes in points; at Graphviz's 96 dpi, 11 pt is about 15 px: legible on a projector.
_NORMAL, _SMALL = "14", "11"
_FONT = "Helvetica"
_GRAPH = {"fontname": _FONT, "fontsize": _NORMAL, "nodesep": "0.2", "ranksep": "0.3"}
_STEP_STYLE = {
    "shape": "box",
    "style": "rounded,filled",
    "fillcolor": "#f1f3f4",
    "fontsize": _SMALL,
    "height": "0.25",
}
#: A slide in inches (Graphviz ``size``): 1920 x 1080 pixels at 96 dpi.
SLIDE = "20,11.25"
#: The most nodes one fan puts side by side in a row (see :func:`staggered`).
FAN = 3
_CATEGORY_STYLE = {"shape": "box", "style": "rounded,filled", "fillcolor": "#e8f0fe"}
_EDGE_SAMPLES = {
    "solid": "——▶",
    "dashed": "- - ▶",
    "dotted": "· · ▶",
    "highlighted": "━━▶",
    "heavy": "━━▶",
    "link": "——▶",
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


def _node_attrs(
    node: str, data: dict[str, Any], highlight: bool, styles: Mapping[str, str] | None
) -> dict[str, str]:
    if data.get("type") == "category":
        attrs = {"label": category_label(data), **_CATEGORY_STYLE}
        if data.get("red_flags"):
            attrs.update(STYLES["alert"], shape="box")
        return attrs
    if data.get("type") == "fact":
        attrs = {"label": fact_label(node, data)}
        style = style_of(data, styles)
        attrs.update(STYLES[style])
        if possible_fact(data):
            attrs["style"] += ",dashed"
        if data.get("given"):
            attrs["peripheries"] = "2"
        if highlight and style != "alert":
            attrs.update(_ON if data.get("highlighted") else _OFF)
        return attrs
    attrs = {"label": step_label(node, data), **_STEP_STYLE}
    if data.get("description"):
        attrs["tooltip"] = str(data["description"])
    if highlight:
        attrs.update(_ON if data.get("highlighted") else _OFF)
    return attrs


def staggered(graph: nx.DiGraph) -> dict[tuple[str, str], int]:
    """Edge lengths that spread a wide fan over several rows (as Graphviz's ``unflatten``).

    Fourteen firings that all conclude ``leg_ache`` would otherwise stand side by side in one
    rank, a picture four screens wide; giving their edges lengths 1, 2, 3, 1, 2, 3, ... stacks
    them in rows of at most :data:`FAN` instead.
    """
    lengths: dict[tuple[str, str], int] = {}
    into: dict[str, list[tuple[str, str]]] = {}
    out_of: dict[str, list[tuple[str, str]]] = {}
    for u, v, _d in edges_in_order(graph):
        out_of.setdefault(u, []).append((u, v))
        into.setdefault(v, []).append((u, v))
    for node, _data in nodes_in_order(graph):
        for edges in (into.get(node, []), out_of.get(node, [])):
            rows = -(-len(edges) // FAN)
            if rows > 1:
                for index, edge in enumerate(edges):
                    lengths[edge] = max(lengths.get(edge, 1), 1 + index % rows)
    return lengths


def _edge_attrs(
    graph: nx.DiGraph, source: str, data: dict[str, Any], highlight: bool, length: int = 1
) -> str:
    attrs: dict[str, str] = {}
    if length > 1:
        attrs["minlen"] = str(length)
    label = edge_label(graph, source, data)
    if data.get("role") == "link":
        count = int(data.get("rules", 1))
        label = str(count)
        attrs["penwidth"] = str(min(1 + count / 3, 5))
    if label:
        attrs["label"] = label
        attrs["fontsize"] = _NORMAL if data.get("role") == "link" else _SMALL
    if data.get("negated"):
        attrs["style"] = "dotted"
    elif possible_link(data):
        attrs["style"] = "dashed"
    elif data.get("role") == "conclusion" and data.get("new") is False and not data.get("raised"):
        attrs["style"] = "dotted"
    width = support_width(data)
    if width is not None:
        attrs["penwidth"] = f"{width:g}"
    if highlight:
        attrs.update(_ON if data.get("highlighted") else {"color": "#cccccc"})
    return f" [{_attrs(attrs)}]" if attrs else ""


def _cell(text: str) -> str:
    return html.escape(text, quote=True)


def legend_label(
    graph: nx.DiGraph,
    styles: Mapping[str, str] | None = None,
    titles: Mapping[str, str] | None = None,
) -> str:
    """The legend as one Graphviz HTML-like table: a swatch and a line per entry."""
    rows = ['<TR><TD COLSPAN="2" ALIGN="LEFT"><B>Legend</B></TD></TR>']
    for entry in legend(graph, styles, titles):
        if entry.section == "kinds":
            style = STYLES[entry.style]
            swatch = f'<TD BGCOLOR="{style["fillcolor"]}" WIDTH="28"></TD>'
        elif entry.key == "given":
            swatch = '<TD BORDER="3" WIDTH="28"></TD>'
        elif entry.key in {"step", "category"}:
            swatch = f'<TD BGCOLOR="{_STEP_STYLE["fillcolor"]}" WIDTH="28"></TD>'
        elif entry.key == "possible":
            swatch = '<TD BORDER="1" STYLE="dashed" WIDTH="28"></TD>'
        else:
            swatch = f'<TD BORDER="0">{_cell(_EDGE_SAMPLES.get(entry.key, "→"))}</TD>'
        rows.append(f'<TR>{swatch}<TD BORDER="0" ALIGN="LEFT">{_cell(entry.text)}</TD></TR>')
    body = "".join(rows)
    return f'<<TABLE BORDER="1" CELLBORDER="1" CELLSPACING="4" CELLPADDING="2">{body}</TABLE>>'


def to_dot(
    graph: nx.DiGraph,
    styles: Mapping[str, str] | None = None,
    layout: str = "lr",
    with_legend: bool = True,
    fit: bool = True,
    titles: Mapping[str, str] | None = None,
) -> str:
    """The graph as a DOT ``digraph``, nodes and edges in a deterministic order.

    ``styles`` maps each kind to its declared style (see :func:`kind_styles`), ``titles`` to
    its legend line (:func:`whyache.engine.render.legend.kind_titles`).

    ``layout`` is ``"tb"`` (top to bottom, for slides: at most :data:`SLIDE`, 1920 x 1080 px
    at Graphviz's 96 dpi) or ``"lr"`` (left to right, unscaled: a poster). The legend is one
    extra node, ``"whyache:legend"``, which no edge touches. ``fit=False`` leaves the drawing
    unscaled (a page that pans and zooms).
    """
    highlight = bool(graph.graph.get("highlight"))
    title = f"{graph.graph.get('kb', 'whyache')} {graph.graph.get('kb_version', '')}".strip()
    page = {"rankdir": layout.upper(), "label": title, **_GRAPH}
    if layout == "tb" and fit:
        page["size"] = SLIDE  # shrink to fit a slide, never enlarge
    lines = [
        f"digraph {quote('whyache')} {{",
        f"  graph [{_attrs(page)}];",
        f"  node [{_attrs({'fontname': _FONT, 'fontsize': _NORMAL})}];",
        f"  edge [{_attrs({'fontname': _FONT, 'fontsize': _SMALL})}];",
    ]
    for node, data in nodes_in_order(graph):
        lines.append(f"  {quote(node)} [{_attrs(_node_attrs(node, data, highlight, styles))}];")
    stagger = staggered(graph)
    for source, target, data in edges_in_order(graph):
        attrs = _edge_attrs(graph, source, data, highlight, stagger.get((source, target), 1))
        lines.append(f"  {quote(source)} -> {quote(target)}{attrs};")
    if with_legend and graph.number_of_nodes():
        lines.append(
            f'  "whyache:legend" [shape="plain", label={legend_label(graph, styles, titles)}];'
        )
    lines.append("}")
    return "\n".join(lines) + "\n"
