"""Text and JSON renderings of HOW trees and WHY-NOT reports: pure functions returning str.

Schema ``whyache.how/1``::

    {"schema": "whyache.how/1", "fact": str, "tree": NODE}
    NODE = {"fact": str, "label": str, "kind": str, "value": true | false | number,
            "given": bool, "condition": str | null,   # as matched by the step above
            "shown_above": bool,                       # expanded earlier in the tree
            "derivations": [{"firing": int, "rule": str, "description": str,
                             "sources": [{"document": str, "section": str}],
                             "assumptions": [str], "premises": [NODE]}]}

Schema ``whyache.why-not/1``::

    {"schema": "whyache.why-not/1", "fact": str, "label": str, "concluded": bool,
     "impossible": bool, "ruled_out_by": [{"fact": str, "value": ...}],
     "additions": [{"conditions": [str], "example": {fact: value}}],
     "tree": FACT | null}
    FACT = {"fact": str, "label": str, "kind": str, "status": "held|failed|unknown",
            "blockers": [str], "shown_above": bool,
            "rules": [{"rule": str, "description": str, "sources": [...],
                       "alternatives": [{"index": int, "status": str, "blockers": [str],
                                         "checks": [{"condition": str, "fact": str,
                                                     "status": str, "detail": str,
                                                     "blockers": [str],
                                                     "because": FACT | null}]}]}]}
"""

from __future__ import annotations

import json
from typing import Any

from whyache.engine.explain.how import HowNode, HowStep, HowTree
from whyache.engine.explain.why_not import FactWhyNot, Status, WhyNotReport
from whyache.engine.model.conditions import format_value
from whyache.engine.model.definitions import Source
from whyache.engine.render.serialize import plain

HOW_SCHEMA = "whyache.how/1"
WHY_NOT_SCHEMA = "whyache.why-not/1"


def kind_name(kind: str) -> str:
    return kind.replace("_", " ")


def fact_heading(fact: str, label: str, kind: str, urgent: bool = False) -> str:
    """``ache — Ache (symptom)``; urgent facts are prefixed with ``!!`` so they stand out."""
    mark = "!! " if urgent else ""
    return f"{mark}{fact} — {label} ({kind_name(kind)})"


def sources_text(sources: tuple[Source, ...]) -> str:
    return "; ".join(str(s) for s in sources)


# HOW ----------------------------------------------------------------------------------------


def how_text(tree: HowTree) -> str:
    """The derivation as an indented tree, the conclusion first."""
    lines: list[str] = []
    _how_node(tree.root, 0, lines)
    return "\n".join(lines) + "\n"


def _how_node(node: HowNode, depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    shown = str(node.premise) if node.premise is not None else node.fact
    if node.given:
        if node.premise is None:
            shown = f"{node.fact} = {format_value(node.value)}"
        lines.append(f"{pad}{shown} — given")
        return
    heading = fact_heading(node.fact, node.label, node.kind, node.urgent)
    if node.shown_above:
        lines.append(f"{pad}{heading}, derived as shown above")
        return
    lines.append(f"{pad}{heading}")
    for step in node.steps:
        _how_step(step, depth + 1, lines)


def _how_step(step: HowStep, depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    lines.append(f"{pad}by rule {step.rule} (firing {step.firing}): {step.description}")
    lines.append(f"{pad}  sources: {sources_text(step.sources)}")
    if step.assumptions:
        lines.append(f"{pad}  assuming: {'; '.join(step.assumptions)}")
    for premise in step.premises:
        _how_node(premise, depth + 1, lines)


def how_to_dict(tree: HowTree) -> dict[str, Any]:
    return {"schema": HOW_SCHEMA, "fact": tree.fact, "tree": _how_node_dict(tree.root)}


def how_json(tree: HowTree) -> str:
    return json.dumps(how_to_dict(tree), indent=2, ensure_ascii=False) + "\n"


def _sources(sources: tuple[Source, ...]) -> list[dict[str, str]]:
    return [{"document": s.document, "section": s.section} for s in sources]


def _how_node_dict(node: HowNode) -> dict[str, Any]:
    return {
        "fact": node.fact,
        "label": node.label,
        "kind": node.kind,
        "value": plain(node.value),
        "given": node.given,
        "condition": node.premise.condition if node.premise is not None else None,
        "shown_above": node.shown_above,
        "derivations": [
            {
                "firing": step.firing,
                "rule": step.rule,
                "description": step.description,
                "sources": _sources(step.sources),
                "assumptions": list(step.assumptions),
                "premises": [_how_node_dict(p) for p in step.premises],
            }
            for step in node.steps
        ],
    }


# WHY-NOT ------------------------------------------------------------------------------------

_MARK = {Status.HELD: "[held]   ", Status.FAILED: "[failed] ", Status.UNKNOWN: "[unknown]"}


def why_not_text(report: WhyNotReport) -> str:
    """Each rule that could conclude the fact, its conditions checked; then what would help."""
    if report.root is None:
        return f"{report.fact} was concluded; see whyache explain {report.fact}\n"
    root = report.root
    lines = [f"Why not {fact_heading(root.fact, root.label, root.kind, root.urgent)}?"]
    if not root.rules:
        lines.append("No rule concludes it.")
    else:
        count = len(root.rules)
        lines.append(f"Not concluded. {count} rule{'s' if count > 1 else ''} could conclude it:")
        _why_not_rules(root, "", lines)
    lines.append("")
    blockers = ", ".join(
        fact if value is True else f"{fact} = {format_value(value)}"
        for fact, value in report.ruled_out_by
    )
    if report.impossible and blockers:
        lines.append(f"Ruled out by the given facts: {blockers}")
    elif report.impossible:
        lines.append("It cannot be concluded from the inputs this knowledge base knows.")
    elif blockers:
        lines.append(f"Some ways are ruled out by the given facts: {blockers}")
    else:
        lines.append("No given fact rules it out.")
    if report.additions:
        lines.append("Smallest additions that would conclude it:")
        for number, addition in enumerate(report.additions, 1):
            example = " ".join(
                f"-f {f}" if v is True else f"-f {f}={format_value(v)}" for f, v in addition.example
            )
            lines.append(f"  {number}. {', '.join(addition.conditions)}  ({example})")
    elif not report.impossible:
        lines.append("No addition of input facts alone would conclude it.")
    return "\n".join(lines) + "\n"


def _why_not_rules(node: FactWhyNot, pad: str, lines: list[str]) -> None:
    for rule in node.rules:
        lines.append(f"{pad}- rule {rule.rule}: {rule.description}")
        lines.append(f"{pad}    sources: {sources_text(rule.sources)}")
        many = len(rule.alternatives) > 1
        for alt in rule.alternatives:
            inner = pad + "    "
            if many:
                lines.append(
                    f"{inner}alternative {alt.index + 1} of {len(rule.alternatives)}: "
                    f"{alt.status.value}"
                )
                inner += "  "
            for check in alt.checks:
                lines.append(f"{inner}{_MARK[check.status]} {check.condition} — {check.detail}")
                sub = check.because
                if sub is None:
                    continue
                if sub.shown_above:
                    lines.append(f"{inner}    (why not {sub.fact}: see above)")
                elif not sub.rules:
                    lines.append(f"{inner}    no rule concludes {sub.fact}")
                else:
                    _why_not_rules(sub, inner + "    ", lines)


def why_not_to_dict(report: WhyNotReport) -> dict[str, Any]:
    return {
        "schema": WHY_NOT_SCHEMA,
        "fact": report.fact,
        "label": report.label,
        "concluded": report.concluded,
        "impossible": report.impossible,
        "ruled_out_by": [{"fact": f, "value": plain(v)} for f, v in report.ruled_out_by],
        "additions": [
            {"conditions": list(a.conditions), "example": {f: plain(v) for f, v in a.example}}
            for a in report.additions
        ],
        "tree": _why_not_dict(report.root) if report.root is not None else None,
    }


def why_not_json(report: WhyNotReport) -> str:
    return json.dumps(why_not_to_dict(report), indent=2, ensure_ascii=False) + "\n"


def _why_not_dict(node: FactWhyNot) -> dict[str, Any]:
    return {
        "fact": node.fact,
        "label": node.label,
        "kind": node.kind,
        "status": node.status.value,
        "blockers": list(node.blockers),
        "shown_above": node.shown_above,
        "rules": [
            {
                "rule": rule.rule,
                "description": rule.description,
                "sources": _sources(rule.sources),
                "alternatives": [
                    {
                        "index": alt.index,
                        "status": alt.status.value,
                        "blockers": list(alt.blockers),
                        "checks": [
                            {
                                "condition": c.condition,
                                "fact": c.fact,
                                "status": c.status.value,
                                "detail": c.detail,
                                "blockers": list(c.blockers),
                                "because": _why_not_dict(c.because) if c.because else None,
                            }
                            for c in alt.checks
                        ],
                    }
                    for alt in rule.alternatives
                ],
            }
            for rule in node.rules
        ],
    }
