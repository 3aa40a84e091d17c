"""What explains a reported finding, as phrases and as plain data (the ``explanations`` key).

The ``explanations`` key of ``whyache run --format json`` (and ``demo``, ``consult``)::

    "explanations": [{
        "finding": str, "label": str,
        "denied": bool,                                 # given as no, yet established
        "level": "established" | "possible" | null,     # the best explanation's; null: none
        "documented_causes": int,                       # rules that conclude the finding
        "supported_causes": int,                        # of them, those that fired
        "supported": [{                                 # established first, then by support
            "rule": str, "level": "established" | "possible",
            "support": int, "documents": int,           # documents stating the link / in the KB
            "cause": [str], "chain": str, "given": [str], "first_causes": [str],
            "possible_links": [LINK],                   # possible only: what it rests on
            "establish": [{"conditions": [str], "example": {fact: value}}],
                                                        # possible only: what would establish
                                                        # it (its cause, for a possible link)
            "sources": [str]}],                         # short tags: "000 §2"
        "more_supported": int,
        "not_yet_supported": [{"rule": str, "cause": [str], "support": int,
                               "needs": [NEED], "sources": [str]}],   # fewest facts first
        "more_not_yet_supported": int,
        "out_of_reach": [str],                          # rule ids no added fact can fire
        "through": {fact: "established" | "possible"}}] # facts on a derivation of the finding
    NEED = {"conditions": [str], "example": {fact: value}, "level": "established" | "possible"}
    LINK = {"rule": str, "link": str | null, "level": str, "support": int, "text": str}
                                                        # as the report's possible links

A finding given as present has an entry; a denied one only when the other given facts
establish it (``denied: true``, its established explanations only, nothing "not yet
supported").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from whyache.engine.analysis.findings import Explanation, FindingExplanation, Needed
from whyache.engine.analysis.report import chain_text, short_label, source_tag
from whyache.engine.explain.why_not import Addition
from whyache.engine.model.conditions import AnyOf
from whyache.engine.model.definitions import POSSIBLE, KnowledgeBase
from whyache.engine.render.serialize import additions_dict, plain, strength_dict
from whyache.engine.render.strength import MAX_LINKS, documents_words, links_words, possible_words
from whyache.engine.render.trace import additions_text


def cause_text(kb: KnowledgeBase, rule_id: str, facts: Sequence[str]) -> str:
    """``stress fracture``, ``dehydration + heat``, or ``A or B`` for a rule of alternatives."""
    joiner = " or " if isinstance(kb.rule(rule_id).condition, AnyOf) else " + "
    return joiner.join(short_label(kb, f) for f in facts)


def documents_text(kb: KnowledgeBase, support: int) -> str:
    """``2 of 5 documents``: how many of the knowledge base's documents state a link."""
    return documents_words(support, len(kb.documents))


def count_text(found: FindingExplanation) -> str:
    """``2 of 4 documented causes fit the facts``: the heading's count (report, page)."""
    causes = "documented cause" if found.documented == 1 else "documented causes"
    return f"{found.supported} of {found.documented} {causes} fit the facts"


#: Said under a denied finding the other facts establish (report and page).
DENIED_NOTE = "Check the facts given: one may be wrong, or a link may not hold here."


def unexplained_text(found: FindingExplanation) -> str | None:
    """Why a finding has no explanation listed, or None when it has one (report and page)."""
    if found.explanations:
        return None
    if not found.documented:
        return "The knowledge base documents no cause of it."
    return "Nothing given explains it yet."


def waiting_text(found: FindingExplanation) -> str | None:
    """``26 documented causes are not yet supported by the facts.``; None when none is."""
    waiting = len(found.open_causes) + found.more_open
    if not waiting:
        return None
    noun = "cause is" if waiting == 1 else "causes are"
    return f"{waiting} documented {noun} not yet supported by the facts."


def heading_text(kb: KnowledgeBase, found: FindingExplanation) -> str:
    """``Why aching legs? (reported; 2 of 4 documented causes fit the facts)``, or for a
    denied finding the facts establish, ``Aching legs: denied, yet …`` (report and page)."""
    if found.denied:
        return f"{kb.fact(found.finding).label}: denied, yet the other facts establish it"
    count = f"; {count_text(found)}" if found.documented else ""
    return f"Why {short_label(kb, found.finding)}? (reported{count})"


def explanation_text(kb: KnowledgeBase, explanation: Explanation) -> str:
    """``possible: hot weather → … → aching legs``: an explanation's level and chain."""
    return f"{explanation.level}: {chain_text(kb, explanation.chain)}"


def needs_text(needs: Sequence[Needed], limit: int = 2) -> str:
    """``-f a or -f b -f c (possible)``: the fewest facts that would support a cause, as
    ``-f`` options (as WHY-NOT's additions), with the level they would give when possible."""
    return " or ".join(
        additions_text((Addition(need.conditions, need.example),))
        + (" (possible)" if need.level == POSSIBLE else "")
        for need in needs[:limit]
    )


def establish_text(kb: KnowledgeBase, explanation: Explanation, terse: bool = False) -> str:
    """Why a possible explanation is possible (its possible links, with their support; not
    when ``terse``) and the fewest facts that would establish it, or, when the link into the
    finding is itself possible, the cause it starts from."""
    asides = [] if terse else [f"because {links_words(kb, explanation.links, MAX_LINKS)}"]
    found = additions_text(explanation.establish)
    if kb.rule(explanation.rule).establishes:
        asides.append(f"to establish it: {found}" if found else "no input would establish it")
    elif found or any(step.rule != explanation.rule for step in explanation.links):
        cause = cause_text(kb, explanation.rule, explanation.cause)  # itself only possible
        settle = f"to establish {cause}: {found}" if found else f"no input would establish {cause}"
        asides.append(settle)
    return "; ".join(asides)


def _need(need: Needed) -> dict[str, Any]:
    return {
        "conditions": list(need.conditions),
        "example": {fact: plain(value) for fact, value in need.example},
        "level": need.level,
    }


def findings_to_dict(
    kb: KnowledgeBase, findings: Sequence[FindingExplanation]
) -> list[dict[str, Any]]:
    """The ``explanations`` key of a run's JSON (see the module docstring)."""

    def tags(sources: Sequence[Any]) -> list[str]:
        return list(dict.fromkeys(source_tag(s) for s in sources))

    return [
        {
            "finding": f.finding,
            "label": kb.fact(f.finding).label,
            "denied": f.denied,
            "level": f.level,
            "documented_causes": f.documented,
            "supported_causes": f.supported,
            "supported": [
                {
                    "rule": e.rule,
                    "level": e.level,
                    "support": e.support,
                    "documents": len(kb.documents),
                    "cause": list(e.cause),
                    "chain": chain_text(kb, e.chain),
                    "given": list(e.given),
                    "first_causes": list(e.first_causes),
                    "possible_links": [
                        {"rule": step.rule, **strength_dict(step), "text": possible_words(kb, step)}
                        for step in e.links
                    ],
                    "establish": [additions_dict(a) for a in e.establish],
                    "sources": tags(e.sources),
                }
                for e in f.explanations
            ],
            "more_supported": f.more_explanations,
            "not_yet_supported": [
                {
                    "rule": c.rule,
                    "cause": list(c.cause),
                    "support": c.support,
                    "needs": [_need(n) for n in c.needs],
                    "sources": tags(c.sources),
                }
                for c in f.open_causes
            ],
            "more_not_yet_supported": f.more_open,
            "out_of_reach": list(f.out_of_reach),
            "through": dict(f.through),
        }
        for f in findings
    ]
