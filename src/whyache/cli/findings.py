"""The "why?" section of ``whyache run``: each reported finding, what explains it and what could.

Chosen in :mod:`whyache.engine.analysis.findings`; this module only lays it out, right after
the red flags (which always come first), and at the end of ``--trace``.
"""

from __future__ import annotations

from collections.abc import Sequence

from whyache.cli.report import AfterFlags
from whyache.cli.style import Style, unbroken
from whyache.engine import POSSIBLE, KnowledgeBase, Result
from whyache.engine.analysis.findings import MAX_EXPLANATIONS, Explanation, FindingExplanation
from whyache.engine.analysis.report import tags
from whyache.engine.render.findings import (
    DENIED_NOTE,
    cause_text,
    documents_text,
    establish_text,
    explanation_text,
    heading_text,
    needs_text,
    unexplained_text,
    waiting_text,
)


def findings_block(
    result: Result,
    findings: Sequence[FindingExplanation],
    style: Style,
    shown: int = MAX_EXPLANATIONS,
    terse: bool = False,
) -> list[str]:
    """The section's lines, a blank line after each finding; none when nothing is reported.
    ``shown`` explanations and causes not yet supported of each finding at most (the report
    shortens it to fit one screen); ``terse`` leaves out why each explanation is possible
    and counts the causes not yet supported."""
    kb = result.kb
    lines: list[str] = []
    for found in findings:
        lines += [style.bold(line) for line in style.wrap(heading_text(kb, found))]
        if found.denied:
            for e in found.explanations[:shown]:
                lines += style.wrap(_line(kb, e), "  ", "    ")
            lines += style.wrap(DENIED_NOTE, "  ", "  ")
            lines.append("")
            continue
        unexplained = unexplained_text(found)
        if unexplained is not None:
            lines += style.wrap(unexplained, "  ", "  ")
        for e in found.explanations[:shown]:
            lines += style.wrap(_line(kb, e), "  ", "    ")
            if e.level == POSSIBLE:
                lines += style.wrap(_flags(establish_text(kb, e, terse)), "    ", "    ")
        more = found.more_explanations + len(found.explanations[shown:])
        if more:
            lines += style.wrap(f"and {more} more", "  ", "    ")
        waiting = waiting_text(found)
        if waiting is not None and terse:
            lines += style.wrap(waiting, "  ")
        elif found.open_causes:
            lines += style.wrap("Not yet supported by the facts (what would support it):", "  ")
            for cause in found.open_causes[:shown]:
                text = f"- {cause_text(kb, cause.rule, cause.cause)}"
                text += f" ({unbroken(documents_text(kb, cause.support))}): "
                text += _flags(needs_text(cause.needs, 1))  # the fewest; JSON has more
                lines += style.wrap(text, "    ", "      ")
            more = found.more_open + len(found.open_causes[shown:])
            if more:
                lines += style.wrap(f"and {more} more", "    ", "      ")
        if found.out_of_reach:
            ruled = len(found.out_of_reach)
            noun, them = ("cause is", "it") if ruled == 1 else ("causes are", "them")
            text = f"{ruled} documented {noun} out of reach: no fact added would support {them}."
            lines += style.wrap(text, "  ")
        lines.append("")
    return lines


def _line(kb: KnowledgeBase, e: Explanation) -> str:
    """``- possible: a → b → finding (2 of 5 documents)  [000 §2 · 001 §2]``."""
    text = f"- {explanation_text(kb, e)} ({unbroken(documents_text(kb, e.support))})"
    return f"{text}  [{tags(e.sources, 2, more=False)}]"


def _flags(text: str) -> str:
    """Each ``-f fact`` kept on one line when the text wraps."""
    return text.replace("-f ", unbroken("-f "))


def cited_documents(
    findings: Sequence[FindingExplanation], shown: int = MAX_EXPLANATIONS
) -> tuple[str, ...]:
    """The document files the section's tags name (the first two of each line), in order."""
    files: dict[str, None] = {}
    for found in findings:
        for e in found.explanations[:shown]:
            files.update(dict.fromkeys(tuple(dict.fromkeys(s.document for s in e.sources))[:2]))
    return tuple(files)


def findings_section(
    result: Result, findings: Sequence[FindingExplanation], style: Style
) -> AfterFlags:
    """The section as the report lays it out after the red flags: its lines and the
    documents they cite, for as many items as the report shows."""

    def section(shown: int, terse: bool) -> tuple[list[str], tuple[str, ...]]:
        return findings_block(result, findings, style, shown, terse), cited_documents(
            findings, shown
        )

    return section
