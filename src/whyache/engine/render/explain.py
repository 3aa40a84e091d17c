"""Text and JSON renderings of HOW trees and WHY-NOT reports: pure functions returning str.

Schema ``whyache.how/1``::

    {"schema": "whyache.how/1", "fact": str, "tree": NODE}
    NODE = {"fact": str, "label": str, "kind": str, "value": true | false | number,
            "given": bool, "condition": str | null,   # as matched by the step above
            "shown_above": bool,                       # expanded earlier in the tree
            "level": "given" | "established" | "possible",
            "derivations": [{"firing": int, "rule": str, "description": str,
                             "link": str | null, "level": str, "support": int,
                             "sources": [{"document": str, "section": str}],
                             "assumptions": [str], "premises": [NODE]}]}

Schema ``whyache.why-not/1``::

    {"schema": "whyache.why-not/1", "fact": str, "label": str, "concluded": bool,
     "impossible": bool,
     "level": null | "possible",   # possible: concluded, and the rest asks what establishes it
     "possible_links": [{"rule": str, "link": str, "level": str, "support": int}],
     "ruled_out_by": [{"fact": str, "value": ...}],
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
from whyache.engine.model.definitions import POSSIBLE, KnowledgeBase, Source
from whyache.engine.render.serialize import additions_dict, plain, strength_dict
from whyache.engine.render.strength import links_words, sources_heading, step_note

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


def how_text(tree: HowTree, kb: KnowledgeBase) -> str:
    """The derivation as an indented tree, the conclusion first; a possible fact is marked
    ``, possible`` and a possible step says why (see :mod:`whyache.engine.render.strength`)."""
    lines: list[str] = []
    _how_node(kb, tree.root, 0, lines)
    return "\n".join(lines) + "\n"


def _how_node(kb: KnowledgeBase, node: HowNode, depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    shown = str(node.premise) if node.premise is not None else node.fact
    if node.given:
        if node.premise is None:
            shown = f"{node.fact} = {format_value(node.value)}"
        lines.append(f"{pad}{shown} — given")
        return
    heading = fact_heading(node.fact, node.label, node.kind, node.urgent)
    if node.level == POSSIBLE:
        heading += ", possible"
    if node.shown_above:
        lines.append(f"{pad}{heading}, derived as shown above")
        return
    lines.append(f"{pad}{heading}")
    for step in node.steps:
        _how_step(kb, step, depth + 1, lines)


def _how_step(kb: KnowledgeBase, step: HowStep, depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    lines.append(f"{pad}by rule {step.rule} (firing {step.firing}): {step.description}")
    note = step_note(kb, step.strength)
    if note:
        lines.append(f"{pad}  {note}")
    lines.append(f"{pad}  {sources_heading(step.strength)}: {sources_text(step.sources)}")
    if step.assumptions:
        lines.append(f"{pad}  assuming: {'; '.join(step.assumptions)}")
    for premise in step.premises:
        _how_node(kb, premise, depth + 1, lines)


def how_to_dict(tree: HowTree) -> dict[str, Any]:
    return {"schema": HOW_SCHEMA, "fact": tree.fact, "tree": _how_node_dict(tree.root)}


def how_json(tree: HowTree, explanations: list[dict[str, Any]] | None = None) -> str:
    """``explain --format json``; ``explanations``: what explains a reported finding, as the
    ``explanations`` key of a run (only when the fact explained is one)."""
    data = how_to_dict(tree)
    if explanations is not None:
        data["explanations"] = explanations
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


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
        "level": node.level,
        "derivations": [
            {
                "firing": step.firing,
                "rule": step.rule,
                "description": step.description,
                **strength_dict(step.strength),
                "sources": _sources(step.sources),
                "assumptions": list(step.assumptions),
                "premises": [_how_node_dict(p) for p in step.premises],
            }
            for step in node.steps
        ],
    }


# WHY-NOT ------------------------------------------------------------------------------------

_MARK = {Status.HELD: "[held]   ", Status.FAILED: "[failed] ", Status.UNKNOWN: "[unknown]"}


def why_not_text(report: WhyNotReport, kb: KnowledgeBase) -> str:
    """Each rule that could conclude the fact, its conditions checked; then what would help.

    For a fact concluded only at the possible level: the possible links it rests on, then
    the same for the rules that could *establish* it."""
    if report.root is None:
        return f"{report.fact} was concluded; see whyache explain {report.fact}\n"
    root = report.root
    heading = fact_heading(root.fact, root.label, root.kind, root.urgent)
    verb = "establish" if report.possible_only else "conclude"
    if report.possible_only:
        lines = [f"Possible only: {heading}"]
        lines.append(f"Concluded through possible links only: {links_words(kb, report.links)}.")
    else:
        lines = [f"Why not {heading}?"]
    if not root.rules:
        lines.append(f"No rule {verb}{'e' if verb.endswith('h') else ''}s it.")
    else:
        count = len(root.rules)
        lead = "What would establish it:" if report.possible_only else "Not concluded."
        lines.append(f"{lead} {count} rule{'s' if count > 1 else ''} could {verb} it:")
        _why_not_rules(root, "", lines)
    lines.append("")
    blockers = ", ".join(
        fact if value is True else f"{fact} = {format_value(value)}"
        for fact, value in report.ruled_out_by
    )
    past = f"{verb}ed" if verb.endswith("h") else f"{verb}d"
    if report.impossible and blockers:
        lines.append(f"Ruled out by the given facts: {blockers}")
    elif report.impossible:
        lines.append(f"It cannot be {past} from the inputs this knowledge base knows.")
    elif blockers:
        lines.append(f"Some ways are ruled out by the given facts: {blockers}")
    else:
        lines.append("No given fact rules it out.")
    if report.additions:
        lines.append(f"Smallest additions that would {verb} it:")
        for number, addition in enumerate(report.additions, 1):
            example = " ".join(
                f"-f {f}" if v is True else f"-f {f}={format_value(v)}" for f, v in addition.example
            )
            lines.append(f"  {number}. {', '.join(addition.conditions)}  ({example})")
    elif not report.impossible:
        lines.append(f"No addition of input facts alone would {verb} it.")
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
        "level": report.level,
        "possible_links": [{"rule": step.rule, **strength_dict(step)} for step in report.links],
        "ruled_out_by": [{"fact": f, "value": plain(v)} for f, v in report.ruled_out_by],
        "additions": [additions_dict(a) for a in report.additions],
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
