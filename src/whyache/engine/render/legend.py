"""What a diagram's legend says, and labels wrapped to fit a slide (shared by every drawing).

A picture explains its own marks: :func:`legend` lists only what the graph actually shows
(the kinds of fact in it, given facts, steps, and the edge styles used), in a fixed order, so
DOT, Mermaid and HTML legends agree. Link levels, when the model gains them, add one
:class:`Entry` per level in :func:`legend` (section ``"levels"``); renderers draw every entry
they are given and need no change.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import networkx as nx

from whyache.engine.model.definitions import KIND_ORDER

#: Characters per line of a wrapped label: a node stays narrow enough for a top-down slide.
WRAP = 22

KIND_NAMES = {
    "red_flag": "red flag: see a clinician",
    "condition": "condition",
    "symptom": "symptom",
    "mechanism": "mechanism",
    "recommendation": "advice",
    "input": "input (what the runner reports)",
}


@dataclass(frozen=True)
class Entry:
    """One legend line: ``section`` is ``"kinds"``, ``"marks"``, ``"edges"`` or ``"levels"``;
    ``key`` is what renderers style it by (a kind, ``"given"``, ``"step"``, an edge style)."""

    section: str
    key: str
    text: str


def legend(graph: nx.DiGraph) -> tuple[Entry, ...]:
    """The legend of exactly what this graph shows."""
    nodes = [d for _n, d in graph.nodes(data=True)]
    edges = [d for _u, _v, d in graph.edges(data=True)]
    kinds = {d.get("kind") for d in nodes if d.get("type") == "fact"}
    out = [Entry("kinds", k.value, KIND_NAMES[k.value]) for k in KIND_ORDER if k.value in kinds]
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
        out.append(Entry("edges", "dashed", "dashed: only while this is absent"))
    if any(d.get("role") == "conclusion" and d.get("new") is False for d in edges):
        out.append(Entry("edges", "dotted", "dotted: concluded again, already known"))
    if graph.graph.get("highlight"):
        out.append(Entry("edges", "highlighted", "blue: the path this case took"))
    return tuple(out)


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
    facts, rules = data.get("facts", 0), data.get("rules", 0)
    flags = data.get("red_flags", 0)
    counts = f"{facts} facts · {rules} rules" + (f"\n{flags} red flags" if flags else "")
    return f"{wrap_text(str(data.get('label', '')))}\n{counts}"
