"""Text rendering of a run: red flags first, then the numbered trace, then conclusions.

Pure functions from a Result to a string, so the output is easy to test and deterministic.
Possible red flags (reached only through possible links, not raised) stand right under the
raised ones; a possible step adds one ``possible: …`` line, an established one only its
support beside its sources; a firing that concluded nothing new is folded into one line
unless it raised a possible fact to established.
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
from whyache.engine.analysis.report import (
    advice_timing,
    because_text,
    chain_links,
    chain_of,
    flagged,
)
from whyache.engine.analysis.report import chain_text as linked_chain_text
from whyache.engine.explain.narrative import cited_documents, disagreements_in, specific_conclusions
from whyache.engine.explain.strength import raises, strength
from whyache.engine.explain.why_not import Addition, why_not
from whyache.engine.model.conditions import Value
from whyache.engine.model.definitions import POSSIBLE
from whyache.engine.render.strength import MAX_LINKS, links_words, sources_heading, step_note

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


def possible_alert(kb: KnowledgeBase, count: int) -> str:
    """The heading over possible red flags: what they are, and that they are not raised."""
    name, them = (f"{urgent_name(kb)}s", "them") if count > 1 else (urgent_name(kb), "it")
    return f"Possible {name} to rule out (not raised: only possible links reach {them})"


def additions_text(additions: tuple[Addition, ...], limit: int = 2) -> str:
    """``-f a -f b or -f c``: the fewest facts that would do it, as ``-f`` options."""
    shown = [
        " ".join(f"-f {f}" if v is True else f"-f {f}={format_value(v)}" for f, v in a.example)
        for a in additions[:limit]
    ]
    return " or ".join(shown)


def establish_text(result: Result, fact_id: str) -> str:
    """``to establish it: -f a``, or that no fact given could (a possible fact only)."""
    found = additions_text(why_not(result.kb, result, fact_id).additions)
    return f"to establish it: {found}" if found else "no input would establish it"


def possible_note(result: Result, fact_id: str, limit: int | None = None) -> str:
    """``possible: a can lead to b, 3 of 5 documents``: the possible links a fact rests on,
    those of its chain first (at most ``limit``)."""
    links = chain_links(result, fact_id, chain_of(result, fact_id))
    return f"possible: {links_words(result.kb, links, limit)}" if links else "possible"


def _raised(result: Result, flag: str) -> str:
    """`` (possible: …; raised even so, as its rule says)`` for a red flag raised at the
    possible level (``raise_when_possible``); nothing for an established one."""
    if result.level(flag) != POSSIBLE:
        return ""
    return f" ({possible_note(result, flag)}; raised even so, as its rule says)"


def red_flag_block(result: Result) -> list[str]:
    kb = result.kb
    lines = []
    if result.red_flags:
        lines.append(f"!!! {alert(kb)} !!!")
    for flag in result.red_flags:
        because = because_text(kb, chain_of(result, flag))
        lines.append(f"  !! {kb.fact(flag).label} [{flag}] from {because}{_raised(result, flag)}")
    possible = result.possible_red_flags
    if possible:
        lines.append(f"?? {possible_alert(kb, len(possible))}")
    for flag in possible:
        because = because_text(kb, chain_of(result, flag))
        lines.append(f"  ?? {kb.fact(flag).label} [{flag}] from {because}")
        lines.append(f"     {possible_note(result, flag)}; {establish_text(result, flag)}")
    return [*lines, ""] if lines else []


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
    raised = raises(result)
    for firing in result.firings:
        if not firing.new and firing.number not in raised:
            folded.append(firing)  # repeats what is known: one line with its neighbours
            continue
        lines += _folded(folded, width)
        folded = []
        rule = kb.rule(firing.rule)
        step = strength(result, firing)
        premises = ", ".join(premise_text(p) for p in firing.premises) or "(nothing given)"
        lines.append(f"  {firing.number:>{width}}. {firing.rule}")
        lines.append(f"{pad}{premises} ⇒ {', '.join(firing.concludes)}")
        if firing.assumptions:
            lines.append(f"{pad}assuming: {'; '.join(firing.assumptions)}")
        lines.append(f"{pad}{rule.description}")
        note = step_note(kb, step)
        if note:
            lines.append(f"{pad}{note}")
        if firing.number in raised:
            lines.append(f"{pad}establishes what was possible: {', '.join(raised[firing.number])}")
        if rule.kb_threshold:
            lines.append(f"{pad}threshold chosen by the knowledge base: {rule.kb_threshold}")
        sources = "; ".join(str(s) for s in rule.sources)
        lines.append(f"{pad}{sources_heading(step)}: {sources}")
    lines += _folded(folded, width)
    lines += ["", "Conclusions"]
    groups = result.by_kind()
    for kind in kb.urgent_kinds:
        if kind not in groups:
            lines.append(f"  {kb.kind(kind).title}: none concluded from the facts given")
    for kind in kb.kind_order:
        for index, fact_id in enumerate(groups.get(kind, ())):
            title = f"{kb.kind(kind).title}:" if index == 0 else ""
            mark = _level_mark(result, fact_id)
            lines.append(f"  {title:<17}{kb.fact(fact_id).label} [{fact_id}]{mark}")
    if not groups:
        lines.append("  (nothing concluded)")
    lines += ["", *summary_block(result)]
    if kb.disclaimer:
        lines += ["", kb.disclaimer]
    return "\n".join(lines) + "\n"


def _level_mark(result: Result, fact_id: str) -> str:
    """`` (possible)``, or `` (possible, not raised)`` for an urgent fact; nothing when
    established."""
    if result.level(fact_id) != POSSIBLE:
        return ""
    if fact_id in result.possible_red_flags:
        return " (possible, not raised)"
    return " (possible, raised)" if fact_id in result.red_flags else " (possible)"


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
        raised = _raised(result, flag)
        lines.append(
            f"  !! {label}: {chain_text(result, flag)}{raised}.{' ' + action if action else ''}"
        )
    for flag in result.possible_red_flags:
        label = kb.fact(flag).label
        lines.append(
            f"  ?? {label}, possible (not raised): {chain_text(result, flag)}; "
            f"{establish_text(result, flag)}."
        )
    for kind in kb.urgent_kinds if not flagged(result) else ():
        singular = kb.kind(kind).singular
        lines.append(
            f"  No {singular} was concluded from the facts given (that does not rule one out)."
        )
    for fact_id in specific_conclusions(result):
        possible = result.level(fact_id) == POSSIBLE
        level = f" ({possible_note(result, fact_id, MAX_LINKS)})" if possible else ""
        lines.append(f"  {kb.fact(fact_id).label}: {chain_text(result, fact_id)}{level}")
    held = flagged(result)
    timed = [(f, *advice_timing(kb, f, held)) for f in result.advice]
    advice_title = " and ".join(kb.kind(k).title for k in kb.advice_kinds)
    waiting = "is up" if result.red_flags else "is not ruled out"
    for timing in Timing:
        group = [(f, moved) for f, t, moved in timed if t is timing]
        if group:
            lines.append(f"  {advice_title}, {TIMING_WORDS[timing]}:")
        for fact_id, moved in group:
            notes = ["possible"] if result.level(fact_id) == POSSIBLE else []
            if moved:
                notes.append(f"self-care: waits while a {urgent_name(kb)} {waiting}")
            aside = f" ({'; '.join(notes)})" if notes else ""
            lines.append(f"    {kb.fact(fact_id).label}{aside}")
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
