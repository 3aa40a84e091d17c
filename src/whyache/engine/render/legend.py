"""What a diagram's legend says, and labels wrapped to fit a slide (shared by every drawing).

A picture explains its own marks: :func:`legend` lists only what the graph actually shows
(the kinds of fact in it, given facts, steps, and the edge styles used), in a fixed order, so
DOT, Mermaid and HTML legends agree. Kinds are data (kb.yaml): a kind's line is its declared
title, drawn in its declared style, in knowledge-base order; an urgent kind's line adds what
to do about it (``Red flags: see a clinician``). Links and levels have their section
(``"levels"``): a possible link is a dashed arrow (its kinds named as the graph has them),
wider support a heavier arrow (:func:`support_width`), and a fact that is only possible a
dashed border. Renderers draw every entry they are given.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from whyache.engine.model.definitions import INPUT, POSSIBLE, KnowledgeBase, Link

#: Characters per line of a wrapped label: a node stays narrow enough for a top-down slide.
WRAP = 22
#: The diagram styles a kind may declare (``style:`` in kb.yaml); every renderer draws each.
STYLE_NAMES = ("input", "plain", "step", "felt", "named", "alert", "advice")


@dataclass(frozen=True)
class Entry:
    """One legend line: ``section`` is ``"kinds"``, ``"marks"``, ``"edges"`` or ``"levels"``;
    ``key`` is what renderers style it by (a kind, ``"given"``, ``"step"``, an edge style);
    ``style`` is a kind's declared diagram style (empty for other entries)."""

    section: str
    key: str
    text: str
    style: str = ""


def possible_link(data: Mapping[str, object]) -> bool:
    """An edge (or rule) whose link makes its conclusions possible only."""
    link = str(data.get("link") or "")
    return link in Link.__members__.values() and not Link(link).establishes


def possible_fact(data: Mapping[str, object]) -> bool:
    return data.get("type") == "fact" and data.get("level") == POSSIBLE


def support_width(data: Mapping[str, object]) -> float | None:
    """A conclusion edge's line width for its support: None (the default, 1) for one
    document, then 0.75 more per document, at most 4."""
    support = data.get("support")
    if data.get("role") != "conclusion" or not isinstance(support, int) or support < 2:
        return None
    return min(1 + 0.75 * (support - 1), 4.0)


def style_of(data: Mapping[str, object], styles: Mapping[str, str] | None) -> str:
    """The style name of a fact node: its kind's declared style, ``plain`` if none."""
    kind = str(data.get("kind", ""))
    style = (styles or {}).get(kind) or ("input" if kind == INPUT else "plain")
    return style if style in STYLE_NAMES else "plain"


def kind_titles(kb: KnowledgeBase) -> dict[str, str]:
    """Each kind of the knowledge base with its legend line: its title, and for an urgent
    kind what to do about it."""
    out = {}
    for kind_id in kb.kind_order:
        kind = kb.kind(kind_id)
        action = kind.action[:1].lower() + kind.action[1:].rstrip(".") if kind.urgent else ""
        out[kind_id] = f"{kind.title}: {action}" if action else kind.title
    return out


def legend(
    graph: nx.DiGraph,
    styles: Mapping[str, str] | None = None,
    titles: Mapping[str, str] | None = None,
) -> tuple[Entry, ...]:
    """The legend of exactly what this graph shows.

    ``styles`` maps each kind to its declared style and ``titles`` to its legend line (see
    :func:`whyache.engine.render.dot.kind_styles` and :func:`kind_titles`); kinds come in
    their order, then any the mappings do not name, by id.
    """
    nodes = [d for _n, d in graph.nodes(data=True)]
    edges = [d for _u, _v, d in graph.edges(data=True)]
    shown = {str(d.get("kind", "")) for d in nodes if d.get("type") == "fact"}
    order = [*(styles or {}), *(titles or {})]
    kinds = [k for k in dict.fromkeys(order) if k in shown] + sorted(shown - set(order))
    out = [
        Entry(
            "kinds", k, (titles or {}).get(k) or k.replace("_", " "), style_of({"kind": k}, styles)
        )
        for k in kinds
    ]
    if any(d.get("given") for d in nodes):
        out.append(Entry("marks", "given", "double border: given in the case"))
    if any(d.get("type") == "firing" for d in nodes):
        out.append(Entry("marks", "step", "grey box: a rule that fired (number: rule)"))
    elif any(d.get("type") == "rule" for d in nodes):
        out.append(Entry("marks", "step", "grey box: a rule"))
    if any(d.get("type") == "category" for d in nodes):
        out.append(Entry("marks", "category", "box: a category of the knowledge base"))
        out.append(Entry("edges", "link", "arrow: rules lead from one to the other (count)"))
    if any(d.get("role") in {"premise", "conclusion"} for d in edges):
        out.append(Entry("edges", "solid", "solid arrow: premise → rule → conclusion"))
    if any(d.get("negated") for d in edges):
        out.append(Entry("edges", "dotted", "dotted: only while this is absent"))
    if any(
        d.get("role") == "conclusion"
        and d.get("new") is False
        and not d.get("raised")
        and not possible_link(d)
        for d in edges
    ):
        out.append(Entry("edges", "dotted", "dotted: concluded again, already known"))
    if graph.graph.get("highlight"):
        out.append(Entry("edges", "highlighted", "blue: the path this case took"))
    return (*out, *_levels(graph, nodes, edges))


def _levels(
    graph: nx.DiGraph, nodes: list[dict[str, object]], edges: list[dict[str, object]]
) -> list[Entry]:
    """The legend's ``levels`` section: possible links, support, possible facts."""
    out = []
    # Kept as short as the other lines: a wider legend would shrink a slide's drawing.
    links = [Link(str(d["link"])) for d in edges if possible_link(d)]
    if links:
        first = next(link for link in Link if link in links)
        more = "…" if len(set(links)) > 1 else ""
        out.append(Entry("levels", "dashed", f"dashed arrow: possible link ({first.words}{more})"))
    supports = [int(str(d["support"])) for d in edges if support_width(d) is not None]
    if supports:
        whole = graph.graph.get("documents")
        of = f" of {whole}" if whole else ""
        text = f"heavier arrow: more documents ({max(supports)}{of})"
        out.append(Entry("levels", "heavy", text))
    if any(possible_fact(d) for d in nodes):
        out.append(Entry("levels", "possible", "dashed border: possible only"))
    return out


def wrap_text(text: str, width: int = WRAP) -> str:
    """Words wrapped into lines of about ``width`` characters, joined by newlines."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


def wrap_id(identifier: str, width: int = WRAP) -> str:
    """A snake_case id broken after underscores, so ``a_long_rule_id`` stays narrow."""
    lines: list[str] = []
    for part in identifier.split("_"):
        piece = part if not lines else f"_{part}"
        if lines and len(lines[-1]) + len(piece) <= width:
            lines[-1] += piece
        elif lines:
            lines[-1] += "_"
            lines.append(part)
        else:
            lines.append(part)
    return "\n".join(lines)


def fact_label(node: str, data: dict[str, object]) -> str:
    """A fact's wrapped label above its id, the id on a line of its own."""
    return f"{wrap_text(str(data.get('label', node)))}\n[{node}]"


def step_label(node: str, data: dict[str, object]) -> str:
    """A firing or rule: its rule id wrapped, firings numbered ``3: rule_id``."""
    rule = wrap_id(str(data.get("rule", node)))
    number = data.get("number")
    return f"{number}: {rule}" if data.get("type") == "firing" and number is not None else rule


def category_label(data: dict[str, object]) -> str:
    """A category of the overview: its title, its counts, and its urgent facts by kind."""
    facts, rules = data.get("facts", 0), data.get("rules", 0)
    urgent = data.get("urgent") or {}
    assert isinstance(urgent, Mapping)
    flags = "".join(f"\n{count} {title.lower()}" for title, count in urgent.items() if count)
    return f"{wrap_text(str(data.get('label', '')))}\n{facts} facts · {rules} rules{flags}"
