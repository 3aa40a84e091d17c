"""Text rendering of a run: red flags first, then the numbered trace, then conclusions.

Pure functions from a Result to a string, so the output is easy to test and deterministic.
"""

from __future__ import annotations

from whyache.engine import (
    Firing,
    KnowledgeBase,
    Premise,
    Result,
    Timing,
    format_value,
)
from whyache.engine.analysis.report import advice_timing, because_text, chain_of
from whyache.engine.analysis.report import chain_text as linked_chain_text
from whyache.engine.explain.narrative import cited_documents, disagreements_in, specific_conclusions
from whyache.engine.model.conditions import Value

TIMING_WORDS = {
    Timing.IMMEDIATE: "now",
    Timing.AFTER_REVIEW: "after a clinician has seen it",
    Timing.PREVENTION: "long-term prevention",
}


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


def urgent_name(kb: KnowledgeBase) -> str:
    """One urgent fact in words (``red flag``), from the first urgent kind."""
    return next((kb.kind(k).singular for k in kb.urgent_kinds), "urgent finding")


def red_flag_block(result: Result) -> list[str]:
    flags = result.red_flags
    if not flags:
        return []
    kb = result.kb
    lines = [f"!!! {alert(kb)} !!!"]
    for flag in flags:
        because = because_text(kb, chain_of(result, flag))
        lines.append(f"  !! {kb.fact(flag).label} [{flag}] from {because}")
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
    pad = " " * (width + 4)
    folded: list[Firing] = []
    for firing in result.firings:
        if not firing.new:  # repeats what is known: folded into one line with its neighbours
            folded.append(firing)
            continue
        lines += _folded(folded, width)
        folded = []
        rule = kb.rule(firing.rule)
        premises = ", ".join(premise_text(p) for p in firing.premises) or "(nothing given)"
        lines.append(f"  {firing.number:>{width}}. {firing.rule}")
        lines.append(f"{pad}{premises} ⇒ {', '.join(firing.concludes)}")
        if firing.assumptions:
            lines.append(f"{pad}assuming: {'; '.join(firing.assumptions)}")
        lines.append(f"{pad}{rule.description}")
        if rule.kb_threshold:
            lines.append(f"{pad}threshold chosen by the knowledge base: {rule.kb_threshold}")
        lines.append(f"{pad}sources: {'; '.join(str(s) for s in rule.sources)}")
    lines += _folded(folded, width)
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


def _folded(firings: list[Firing], width: int) -> list[str]:
    """Firings that concluded only what was already known, as one line per run of them."""
    if not firings:
        return []
    first, last = firings[0].number, firings[-1].number
    numbers = f"{first}" if first == last else f"{first}-{last}"
    rules = ", ".join(f"{f.rule} ⇒ {', '.join(f.concludes)}" for f in firings)
    return [f"  {numbers:>{width}}. (already known) {rules}"]


def chain_text(result: Result, fact_id: str) -> str:
    """The chain of a fact's first derivation, every premise of a conjunction named."""
    return linked_chain_text(result.kb, chain_of(result, fact_id))


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
    flagged = bool(result.red_flags)
    timed = [(f, *advice_timing(kb, f, flagged)) for f in result.advice]
    advice_title = " and ".join(kb.kind(k).title for k in kb.advice_kinds)
    for timing in Timing:
        group = [(f, moved) for f, t, moved in timed if t is timing]
        if group:
            lines.append(f"  {advice_title}, {TIMING_WORDS[timing]}:")
        for fact_id, moved in group:
            waits = f" (self-care: waits while a {urgent_name(kb)} is up)" if moved else ""
            lines.append(f"    {kb.fact(fact_id).label}{waits}")
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
