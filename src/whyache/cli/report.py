"""The short text report of a run: one screen a clinician reads first (``--trace`` for all).

Red flags first, each with the given facts that raised it, then the possible red flags (not
raised, ``??``) with what would establish each; then what the run explains, each with a
chain that names every premise (a possible one says which possible links it rests on, with
their support); what to ask next; advice by timing; disagreements in one line each; sources
as short tags (``000 §2``) with the titles once at the end. What is chosen is decided in
:mod:`whyache.engine.analysis.report`; this module only lays it out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from whyache.cli.style import Style
from whyache.engine import KnowledgeBase, Result, Source, Timing
from whyache.engine.analysis.report import (
    Flag,
    Report,
    because_text,
    build_report,
    chain_text,
    doc_tag,
    short_label,
    tags,
)
from whyache.engine.model.definitions import POSSIBLE
from whyache.engine.render.strength import MAX_LINKS, links_words
from whyache.engine.render.trace import additions_text, alert, possible_alert, urgent_name

if TYPE_CHECKING:
    from whyache.engine.analysis.consultation import Question  # networkx: not at start-up

#: Lines that follow the red flags and the document files they cite, given how many items
#: of each kind to show and whether to leave out what only repeats (see :func:`render_report`).
AfterFlags = Callable[[int, bool], tuple[list[str], tuple[str, ...]]]


def _nothing(shown: int, terse: bool) -> tuple[list[str], tuple[str, ...]]:
    return [], ()


#: The report aims at one screen: conclusions and advice are shortened (never the red
#: flags) until it fits in this many lines, down to ``MIN_SHOWN`` of each kind.
SCREEN_LINES = 40
MAX_SHOWN = 3
MIN_SHOWN = 1

TIMING_TITLES = {
    Timing.IMMEDIATE: "Now",
    Timing.AFTER_REVIEW: "After a clinician has seen it",
    Timing.PREVENTION: "Long-term prevention",
}


def render_report(
    result: Result,
    style: Style,
    header: str,
    questions: tuple[Question, ...] = (),
    report: Report | None = None,
    after_flags: AfterFlags | None = None,
) -> str:
    """The whole short report of ``whyache run`` (and ``demo``), at most one screen when the
    red flags allow it: they are always shown in full. ``after_flags(shown, terse)``: the
    lines that follow them and the document files they cite (what explains a reported
    finding, see ``cli/findings.py``), shortened with the rest."""
    after = after_flags or _nothing
    report = report or build_report(result)
    shown = MAX_SHOWN
    lines = _lines(result, report, style, header, questions, shown, after)
    while len(lines) > SCREEN_LINES and shown > MIN_SHOWN:
        shown -= 1
        lines = _lines(result, report, style, header, questions, shown, after)
    if len(lines) > SCREEN_LINES:  # last: leave out what only repeats the red flags' facts
        terse = _lines(result, report, style, header, questions, shown, after, terse=True)
        lines = min(lines, terse, key=len)
    return "\n".join(lines) + "\n"


def flag_block(result: Result, style: Style, report: Report | None = None) -> list[str]:
    """The red flags as the report opens with them (also the head of ``explain``)."""
    report = report or build_report(result)
    kb = result.kb
    if not report.flags and not report.possible_flags:
        return [
            line
            for kind in kb.urgent_kinds
            for line in style.wrap(
                f"No {kb.kind(kind).singular} from the facts given (that does not rule one out)."
            )
        ]
    lines = [style.alarm(alert(kb))] if report.flags else []
    for flag in report.flags:
        label = style.wrap(f"!! {kb.fact(flag.fact).label}", "  ", "     ")
        lines += [style.alarm(line) for line in label]
        lines += _because(kb, flag, style, raised=True)
    if report.possible_flags:
        heading = possible_alert(kb, len(report.possible_flags))
        lines += [style.bold(line) for line in style.wrap(heading)]
    for flag in report.possible_flags:
        lines += [style.bold(line) for line in style.wrap(f"?? {kb.fact(flag.fact).label}", "  ")]
        lines += _because(kb, flag, style, raised=False)
        found = additions_text(flag.establish)
        settle = f"to establish it: {found}" if found else "no input would establish it"
        lines += style.wrap(settle, "     ", "       ")
    return lines


def _because(kb: KnowledgeBase, flag: Flag, style: Style, raised: bool) -> list[str]:
    """``from a + b (thresholds) (possible: a can lead to b, 2 of 5 documents)  [000 §2]``;
    a flag raised at the possible level (its rule says so) adds ``raised even so``."""
    notes = "".join(f" ({threshold_text(n)})" for n in flag.thresholds)
    if flag.level == POSSIBLE:
        even = "; raised even so" if raised else ""
        notes += f" (possible: {links_words(kb, flag.links, MAX_LINKS)}{even})"
    cited = tags(flag.sources, 2, more=False)
    because = f"from {because_text(kb, flag.chain)}{notes}  [{cited}]"
    return style.wrap(because, "     ", "       ")


def threshold_text(note: str) -> str:
    """``72 h: the knowledge base's own cut-off`` from a rule's ``kb_threshold`` note."""
    return f"{note.split(':', 1)[0].strip()}: the knowledge base's own cut-off"


def _lines(
    result: Result,
    report: Report,
    style: Style,
    header: str,
    questions: tuple[Question, ...],
    shown: int,
    after: AfterFlags | None = None,
    terse: bool = False,
) -> list[str]:

    kb = result.kb
    cited: dict[str, None] = {}

    def cite(sources: tuple[Source, ...]) -> str:
        """Tags for up to two documents; the documents are listed by title at the end."""
        shown = tuple(dict.fromkeys(s.document for s in sources))[:2]
        cited.update(dict.fromkeys(shown))
        return tags(sources, 2, more=False)

    lines = [*(style.bold(line) for line in style.wrap(header)), ""]
    lines += flag_block(result, style, report)
    flags = (*report.flags, *report.possible_flags)
    for flag in flags:
        cite(flag.sources)
    lines.append("")
    if after is not None:
        section, documents = after(shown, terse)
        lines += section
        cited.update(dict.fromkeys(documents))
    explained = report.explained
    if terse:
        flagged = {leaf.fact for flag in flags for leaf in flag.chain.given()}
        explained = tuple(e for e in explained if not {g.fact for g in e.chain.given()} <= flagged)
    if explained:
        total = len(report.explained)
        listed = min(shown, len(explained))
        count = f" ({listed} of {total}; --trace for all)" if listed < total else ""
        lines += [style.bold(line) for line in style.wrap(f"Explained{count}")]
        for item in explained[:shown]:
            ways = f" (1 of {item.other_ways + 1} ways)" if item.other_ways else ""
            notes = "".join(f" ({threshold_text(n)})" for n in item.thresholds)
            if item.level == POSSIBLE:
                links = links_words(kb, item.links, MAX_LINKS)
                notes += f" (possible: {links})" if links else " (possible)"
            text = f"- {chain_text(kb, item.chain)}{ways}{notes}  [{cite(item.sources)}]"
            lines += style.wrap(text, "  ", "    ")
        lines.append("")
    elif not result.derived:
        lines += ["Nothing was concluded from the facts given.", ""]
    if report.near_misses or questions:
        lines.append(style.bold("Ask next"))
        for miss in report.near_misses[:shown]:
            needs = " ".join(f"-f {f}" if " " not in f else f"({f})" for f in miss.missing)
            lines += style.wrap(f"{short_label(kb, miss.fact)}: {needs}", "  ", "    ")
        for question in questions:
            asks = (
                f"{question.group} ({len(question.facts)} facts at once)"
                if question.group
                else f"-f {question.fact}"
            )
            lines += style.wrap(f"{asks}: {question.text}", "  ", "    ")
        lines.append("")
    if report.advice:
        lines.append(style.bold("Advice"))
        for timing in Timing:
            group = [a for a in report.advice if a.timing is timing]
            if not group:
                continue
            moved = any(a.moved for a in group)
            if report.flags:
                waits = f"{urgent_name(kb)} is up"
            else:
                waits = f"possible {urgent_name(kb)} is not ruled out"
            asides = [f"self-care waits: a {waits}"] if moved else []
            if len(group) > shown:
                asides.append(f"{shown} of {len(group)}")
            title = TIMING_TITLES[timing] + (f" ({'; '.join(asides)})" if asides else "")
            lines += style.wrap(title, "  ", "    ")
            for advice in group[:shown]:
                possible = " (possible)" if advice.level == POSSIBLE else ""
                text = f"- {kb.fact(advice.fact).label}{possible}  [{cite(advice.sources)}]"
                lines += style.wrap(text, "    ", "      ")
        lines.append("")
    if report.disagreements:
        lines += style.wrap("The sources disagree (both views are kept):")
        for dispute in report.disagreements:
            files = sorted({s.document for r in dispute.rules for s in kb.rule(r).sources})
            cited.update(dict.fromkeys(files))
            docs = ", ".join(doc_tag(f) for f in files)
            lines += style.wrap(f"- {dispute.topic} ({docs})", "  ", "    ")
    if report.unused:
        names = ", ".join(report.unused)
        lines += style.wrap(f"Given but used by no rule that fired: {names}", "")
    if cited:
        titles = []
        for file in sorted(cited):
            doc = kb.document(file)
            titles.append(f"{doc_tag(file)} {doc.title}" if doc is not None else file)
        lines += style.wrap("Sources: " + " · ".join(titles), "")
    disclaimer = kb.disclaimer or "Educational output, not a diagnosis."
    lines += style.wrap(f"{disclaimer} Every step: --trace.", "")
    return lines
