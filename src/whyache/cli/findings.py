"""The "why?" section of ``whyache run``: each reported finding, what explains it and what could.

Chosen in :mod:`whyache.engine.analysis.findings`; this module only lays it out, right after
the red flags (which always come first), and at the end of ``--trace``.
"""

from __future__ import annotations

from collections.abc import Sequence

from whyache.cli.style import Style, unbroken
from whyache.engine import Result
from whyache.engine.analysis.findings import FindingExplanation, Needed
from whyache.engine.analysis.report import chain_text, short_label, tags
from whyache.engine.render.findings import (
    cause_text,
    documents_text,
    example_flags,
    weak_links_text,
)


def findings_block(
    result: Result, findings: Sequence[FindingExplanation], style: Style
) -> list[str]:
    """The section's lines, a blank line after each finding; none when nothing is reported."""
    kb = result.kb
    lines: list[str] = []
    for found in findings:
        label = short_label(kb, found.finding)
        title = f"Why {label}? (reported; {_count(found)})"
        lines += [style.bold(line) for line in style.wrap(title)]
        if not found.explanations:
            lines += style.wrap("Nothing given explains it yet.", "  ", "  ")
        for e in found.explanations:
            text = f"- {e.level}: {chain_text(kb, e.chain)}"
            text += f" ({unbroken(documents_text(kb, e.support))})"
            text += f"  [{tags(e.sources, 2, more=False)}]"
            lines += style.wrap(text, "  ", "    ")
            if e.level == "possible":
                weak = weak_links_text(kb, e)
                asides = [f"possible: {weak}"] if weak else []
                asides.append(
                    f"established with {_alternatives(e.establish)}"
                    if e.establish
                    else "no fact added would establish it"
                )
                lines += style.wrap("; ".join(asides), "    ", "    ")
        if found.more_explanations:
            lines += style.wrap(f"and {found.more_explanations} more", "  ", "    ")
        if found.open_causes:
            lines += style.wrap("Not yet supported by the facts (what would support it):", "  ")
            for cause in found.open_causes:
                text = f"- {cause_text(kb, cause.rule, cause.cause)}"
                text += f" ({unbroken(documents_text(kb, cause.support))}): "
                text += _alternatives(cause.needs)
                lines += style.wrap(text, "    ", "      ")
            if found.more_open:
                lines += style.wrap(f"and {found.more_open} more", "    ", "      ")
        if found.out_of_reach:
            count = len(found.out_of_reach)
            noun = "cause is" if count == 1 else "causes are"
            lines += style.wrap(f"{count} documented {noun} ruled out by the facts given.", "  ")
        lines.append("")
    return lines


def _count(found: FindingExplanation) -> str:
    causes = "documented cause" if found.documented == 1 else "documented causes"
    return f"{found.supported} of {found.documented} {causes} fit the facts"


def _alternatives(needs: Sequence[Needed]) -> str:
    """``-f a, or -f b -f c (possible)``: each set of facts, its level when only possible."""
    return ", or ".join(
        " ".join(unbroken(flag) for flag in example_flags(n))
        + (" (possible)" if n.level == "possible" else "")
        for n in needs
    )


def cited_documents(findings: Sequence[FindingExplanation]) -> tuple[str, ...]:
    """The document files the section's tags name (the first two of each line), in order."""
    files: dict[str, None] = {}
    for found in findings:
        for e in found.explanations:
            files.update(dict.fromkeys(tuple(dict.fromkeys(s.document for s in e.sources))[:2]))
    return tuple(files)
