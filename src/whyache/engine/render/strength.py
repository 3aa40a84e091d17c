"""Level and support in words, the same in every text output (pure; returns str).

Clinicians want a trace they can read fast, so an established step gets no mark of its own
(only its support, ``2 of 5 documents``, beside its sources) and a possible step one short
note: ``possible: hot weather can lead to dehydration, 3 of 5 documents`` when its own link
is possible, ``possible: dehydration is only possible`` when a premise is. See
:mod:`whyache.engine.explain.strength` for what is measured.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from whyache.engine.analysis.report import short_label
from whyache.engine.explain.strength import Strength
from whyache.engine.model.definitions import KnowledgeBase

#: A summary names at most this many of a possible conclusion's links (the steps: all).
MAX_LINKS = 2


def support_words(step: Strength) -> str:
    """``3 of 5 documents``: how many of the knowledge base's documents state the link."""
    return documents_words(step.support, step.documents)


def documents_words(support: int, documents: int) -> str:
    """``3 of 5 documents``, from the two counts (a rule not fired has no :class:`Strength`)."""
    noun = "document" if documents == 1 else "documents"
    return f"{support} of {documents} {noun}"


def _names(kb: KnowledgeBase, facts: Iterable[str], joiner: str) -> str:
    return joiner.join(short_label(kb, f) for f in facts)


def link_words(kb: KnowledgeBase, step: Strength) -> str:
    """``hot weather can lead to dehydration``: premises, the link in words, conclusions."""
    link = step.link.words if step.link is not None else "establishes"
    premises = _names(kb, step.premises, " + ")
    concludes = _names(kb, step.concludes, " and ")
    return f"{premises} {link} {concludes}" if premises else f"{link} {concludes}"


def possible_words(kb: KnowledgeBase, step: Strength) -> str:
    """Why a possible step is possible: its own link (with its support), or its premises."""
    if step.possible_link:
        return f"{link_words(kb, step)}, {support_words(step)}"
    names = _names(kb, step.possible_premises, " and ")
    verb = "are" if len(step.possible_premises) > 1 else "is"
    return f"{names} {verb} only possible"


def step_note(kb: KnowledgeBase, step: Strength) -> str:
    """``possible: …`` for a possible step; nothing for an established one."""
    return f"possible: {possible_words(kb, step)}" if step.possible else ""


def links_words(kb: KnowledgeBase, steps: Sequence[Strength], limit: int | None = None) -> str:
    """The possible links a conclusion rests on, joined: ``a can lead to b, 3 of 5 …; …``;
    past ``limit`` of them, ``and 2 more possible links``."""
    shown = [possible_words(kb, step) for step in steps[:limit]]
    rest = len(steps) - len(shown)
    if rest:
        shown.append(f"and {rest} more possible link{'s' if rest > 1 else ''}")
    return "; ".join(shown)


def sources_heading(step: Strength) -> str:
    """``sources (2 of 5 documents)`` for an established step; a possible step's note
    already gives its support, so it reads ``sources``."""
    return "sources" if step.possible_link else f"sources ({support_words(step)})"
