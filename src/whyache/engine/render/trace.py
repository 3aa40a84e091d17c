"""Text rendering of a run: red flags first, then the numbered trace, then conclusions.

Pure functions from a Result to a string, so the output is easy to test and deterministic.
"""

from __future__ import annotations

from whyache.engine import KnowledgeBase, Premise, Result, format_value
from whyache.engine.explain.narrative import (
    chain,
    cited_documents,
    disagreements_in,
    specific_conclusions,
)
from whyache.engine.model.conditions import Value


def given_value(kb: KnowledgeBase, fact_id: str, value: Value) -> str:
    fact = kb.fact(fact_id)
    unit = f" {fact.unit}" if fact.unit and not isinstance(value, bool) else ""
    return f"{format_value(value)}{unit}"


def premise_text(premise: Premise) -> str:
    """``hot_weather``, ``pain_at_rest = no`` or ``hours_since_run = 48 (>= 24)``."""
    return str(premise)


def header(kb: KnowledgeBase) -> str:
    tagline = f" · {kb.tagline}" if kb.tagline else ""
    return f"whyache · {kb.name} {kb.version}{tagline}"


def alert(kb: KnowledgeBase) -> str:
    """The banner over urgent conclusions, from the first urgent kind that declares one."""
    return next((kb.kind(k).alert for k in kb.urgent_kinds if kb.kind(k).alert), "ACT NOW")


def red_flag_block(result: Result) -> list[str]:
    flags = result.red_flags
    if not flags:
        return []
    kb = result.kb
    lines = [f"!!! {alert(kb)} !!!"]
    for flag in flags:
        first = result.derivations(flag)[0]
        because = ", ".join(premise_text(p) for p in first.premises) or "the given facts"
        lines.append(f"  !! {kb.fact(flag).label} [{flag}] because {because}")
    return [*lines, ""]


def render_trace(result: Result) -> str:
    """The whole ``whyache run`` text report."""
    kb = result.kb
    lines = [header(kb), ""]
    lines += red_flag_block(result)
    lines.append("Given")
    if not result.case.facts:
        lines.append("  (no facts given)")
    for fact_id, value in result.case.facts:
        lines.append(f"  {fact_id} = {given_value(kb, fact_id, value)}")
    lines += ["", "Reasoning trace"]
    if not result.firings:
        lines.append("  (no rule fired)")
    width = len(str(len(result.firings)))
    for firing in result.firings:
        rule = kb.rule(firing.rule)
        pad = " " * (width + 4)
        premises = ", ".join(premise_text(p) for p in firing.premises) or "(nothing given)"
        known = [c for c in firing.concludes if c not in firing.new]
        conclusion = ", ".join(firing.concludes)
        if known and not firing.new:
            conclusion += " (already known)"
        lines.append(f"  {firing.number:>{width}}. {firing.rule}")
        lines.append(f"{pad}{premises} ⇒ {conclusion}")
        if firing.assumptions:
            lines.append(f"{pad}assuming: {'; '.join(firing.assumptions)}")
        lines.append(f"{pad}{rule.description}")
        lines.append(f"{pad}sources: {'; '.join(str(s) for s in rule.sources)}")
    lines += ["", "Conclusions"]
    groups = result.by_kind()
    for kind in kb.urgent_kinds:
        if kind not in groups:
            lines.append(f"  {kb.kind(kind).title}: none concluded from the facts given")
    for kind in kb.kind_order:
        for index, fact_id in enumerate(groups.get(kind, ())):
            title = f"{kb.kind(kind).title}:" if index == 0 else ""
            lines.append(f"  {title:<17}{kb.fact(fact_id).label} [{fact_id}]")
    if not groups:
        lines.append("  (nothing concluded)")
    lines += ["", *summary_block(result)]
    if kb.disclaimer:
        lines += ["", kb.disclaimer]
    return "\n".join(lines) + "\n"


def chain_text(result: Result, fact_id: str) -> str:
    """``inadequate fluid intake → dehydration → … → leg ache`` (ids read as words)."""
    return " → ".join(f.replace("_", " ") for f in chain(result, fact_id))


def summary_block(result: Result) -> list[str]:
    """A short plain-language summary for a clinician: red flags first, then the most
    specific conclusions with the chain that led to each, recommendations and sources."""
    kb = result.kb
    lines = ["Summary"]
    if not result.derived:
        return [*lines, "  Nothing was concluded from the facts given."]
    for flag in result.red_flags:
        label = kb.fact(flag).label
        action = kb.kind(kb.fact(flag).kind).action
        lines.append(f"  !! {label}: {chain_text(result, flag)}.{' ' + action if action else ''}")
    for kind in kb.urgent_kinds if not result.red_flags else ():
        singular = kb.kind(kind).singular
        lines.append(
            f"  No {singular} was concluded from the facts given (that does not rule one out)."
        )
    for fact_id in specific_conclusions(result):
        lines.append(f"  {kb.fact(fact_id).label}: {chain_text(result, fact_id)}")
    advice = [kb.fact(f).label for f in result.advice]
    if advice:
        lines.append(f"  {' and '.join(kb.kind(k).title for k in kb.advice_kinds)}:")
    lines += [f"    {label}" for label in advice]
    disputes = disagreements_in(result)
    if disputes:
        lines.append("  Where the sources disagree (both views are kept):")
    for dispute in disputes:
        lines.append(f"    {dispute.topic}: {dispute.note} [rules: {', '.join(dispute.rules)}]")
    documents = cited_documents(result)
    if documents:
        lines.append("  Sources:")
    for file in documents:
        doc = kb.document(file)
        lines.append(f"    {file}: {doc.title}" if doc is not None else f"    {file}")
    return lines
