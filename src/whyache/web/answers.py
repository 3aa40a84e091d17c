"""What the teaching page asks, answered with the engine: plain data ready for JSON.

A case arrives as ``{"facts": {fact: value}}`` with values as a person types them (``"yes"``,
``"no"``, ``"48"``). Each pair goes through the same parsing as ``-f FACT=VALUE`` on the command
line, so a wrong name or value gets the very message the CLI prints ("did you mean ...").
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from whyache.api import Session
from whyache.engine import (
    INPUT,
    POSSIBLE,
    Case,
    InputError,
    KnowledgeBase,
    Result,
    build_case,
    derivation_graph,
    parse_assignment,
)
from whyache.engine.analysis.findings import FindingExplanation, explain_findings
from whyache.engine.analysis.report import tags
from whyache.engine.explain.what_if import compare
from whyache.engine.render.dot import kind_styles, to_dot
from whyache.engine.render.findings import (
    DENIED_NOTE,
    documents_text,
    establish_text,
    explanation_text,
    heading_text,
    unexplained_text,
    waiting_text,
)
from whyache.engine.render.html import explanations, fact_panel, not_concluded
from whyache.engine.render.legend import kind_titles, legend
from whyache.engine.render.serialize import plain

#: The page's first group of controls: findings of an observed kind (``observed:`` in kb.yaml).
REPORTED = "Reported findings"
#: Most facts one request may give (the bundled knowledge base has ~120 inputs).
MAX_FACTS = 500


class Answers:
    """The engine behind the page, through the public API (a :class:`whyache.Session`). One
    compiled engine, shared: runs take turns (a lock), because an experta engine is reset and
    run in place; drawing happens outside the lock."""

    def __init__(self, session: Session, draw: Callable[[str], str]) -> None:
        self.session = session
        self.kb = session.kb
        self.draw = draw
        self._lock = threading.Lock()
        self.styles = kind_styles(self.kb)
        self.titles = kind_titles(self.kb)

    def run(self, case: Case) -> Result:
        with self._lock:
            return self.session.run(case).result

    def case(self, data: Any, key: str = "facts") -> Case:
        """The case in ``data[key]``, validated exactly as the CLI validates ``-f``."""
        if not isinstance(data, Mapping):
            raise InputError("the request must be a JSON object", hint='{"facts": {...}}')
        facts = data.get(key, {})
        if not isinstance(facts, Mapping):
            raise InputError(
                f"{key!r} must map fact names to values", hint='{"hot_weather": "yes"}'
            )
        if len(facts) > MAX_FACTS:
            raise InputError(f"too many facts ({len(facts)}; at most {MAX_FACTS})")
        pairs = []
        for name, value in facts.items():
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                shown = "yes/no" if isinstance(value, bool) else type(value).__name__
                raise InputError(
                    f"the value of {name!r} must be text or a number, not {shown}",
                    hint='"yes", "no" or a number',
                )
            pairs.append(parse_assignment(f"{name}={value}"))
        return build_case(self.kb, pairs)

    def inputs(self) -> dict[str, Any]:
        """The facts a case may give, for the page's controls: the findings a runner reports
        first (what the page asks "why?" about), then the inputs by category, in
        knowledge-base order."""
        groups: dict[str, list[dict[str, Any]]] = {REPORTED: []}
        for fact in self.kb.facts:
            if not self.kb.can_give(fact.id):
                continue
            group = REPORTED if fact.kind != INPUT else fact.category or "(no category)"
            groups.setdefault(group, []).append(
                {
                    "id": fact.id,
                    "label": fact.label,
                    "question": fact.question or fact.label,
                    "type": fact.type.value,
                    "unit": fact.unit,
                }
            )
        return {
            "kb": {"name": self.kb.name, "version": self.kb.version},
            "disclaimer": self.kb.disclaimer,
            "categories": [{"category": c, "facts": f} for c, f in groups.items() if f],
        }

    def answer(self, data: Any) -> dict[str, Any]:
        """The report and the drawn map of a case; with ``baseline``, what changed from it."""
        case = self.case(data)
        result = self.run(case)
        graph = derivation_graph(result)
        dot = to_dot(graph, self.styles, layout="tb", with_legend=False, fit=False)
        svg = self.draw(dot) if graph else ""
        out: dict[str, Any] = {
            "given": {k: plain(v) for k, v in case.facts},
            "kinds": [
                {"kind": k, "title": self.titles[k], "urgent": self.kb.kind(k).urgent}
                for k in report_kinds(self.kb)
            ],
            "report": report(result),
            "findings": findings(result, explain_findings(result)),
            "svg": svg,
            "legend": [entry.text for entry in legend(graph, self.styles, self.titles)],
            "not_concluded": [
                {"fact": f, "label": label, "kind": kind}
                for f, label, kind in not_concluded(result)
            ],
        }
        if isinstance(data, Mapping) and data.get("baseline") is not None:
            before = self.run(self.case(data, "baseline"))
            change = compare(before, result)
            out["what_if"] = {
                "gained": [c.fact for c in change.gained],
                "lost": [c.fact for c in change.lost],
                "changed": [f"{c.fact} ({c.before} → {c.after})" for c in change.changed],
            }
        return out

    def explain(self, data: Any) -> dict[str, str]:
        """The panel for one node of a case's map (HOW, the rule, or WHY-NOT)."""
        case = self.case(data)
        node = data.get("node") if isinstance(data, Mapping) else None
        if not isinstance(node, str):
            raise InputError("say which node to explain", hint='{"node": "dehydration"}')
        result = self.run(case)
        panels = explanations(result, derivation_graph(result))
        if node not in panels:
            if not self.kb.has_fact(node):
                raise InputError(f"{node!r} is not a node of this case's map")
            panel = fact_panel(result, node)
        else:
            panel = panels[node]
        return {"node": node, "title": panel.title, "text": panel.text}


def report_kinds(kb: KnowledgeBase) -> list[str]:
    """The kinds a report lists: urgent kinds (red flags) first, never buried, then the others
    in knowledge-base order; inputs are what the page sets, not conclusions."""
    kinds = [k for k in kb.kind_order if k != INPUT]
    return sorted(kinds, key=lambda k: not kb.kind(k).urgent)


def findings(result: Result, found: tuple[FindingExplanation, ...]) -> list[dict[str, Any]]:
    """What explains each finding the case reports, in the report's own words ("Why aching
    legs?"): the page shows these strings as they are, so its wording is the CLI's."""
    kb = result.kb
    return [
        {
            "finding": f.finding,
            "heading": heading_text(kb, f),
            "denied": f.denied,
            "note": DENIED_NOTE if f.denied else None,
            "explanations": [
                {
                    "level": e.level,
                    "text": explanation_text(kb, e),
                    "support": documents_text(kb, e.support),
                    "sources": tags(e.sources, 2, more=False),
                    "establish": establish_text(kb, e) if e.level == POSSIBLE else None,
                }
                for e in f.explanations
            ],
            # Said under the list, in the report's words (none, some or all of these).
            "notes": [
                text
                for text in (
                    DENIED_NOTE if f.denied else None,
                    unexplained_text(f),
                    f"And {f.more_explanations} more explanations."
                    if f.more_explanations
                    else None,
                    waiting_text(f),
                )
                if text is not None
            ],
        }
        for f in found
    ]


def report(result: Result) -> dict[str, Any]:
    """The short report: conclusions by kind (see :func:`report_kinds`), each with its label,
    its level (established or possible) and, for an urgent kind, whether it is raised."""
    kb = result.kb
    return {
        kind: [
            {
                "fact": f,
                "label": kb.fact(f).label,
                "level": result.level(f),
                "raised": f in result.red_flags,
            }
            for f in result.conclusions(kind)
        ]
        for kind in report_kinds(kb)
    }
