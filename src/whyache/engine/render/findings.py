"""What explains a reported finding, as phrases and as plain data (the ``explanations`` key).

The ``explanations`` key of ``whyache run --format json`` (and ``demo``, ``consult``)::

    "explanations": [{
        "finding": str, "label": str,
        "level": "established" | "possible" | null,     # the best explanation's; null: none
        "documented_causes": int,                       # rules that conclude the finding
        "supported_causes": int,                        # of them, those that fired
        "supported": [{                                 # established first, then by support
            "rule": str, "level": "established" | "possible",
            "support": int, "documents": int,           # documents stating the link / in the KB
            "cause": [str], "chain": str, "given": [str], "first_causes": [str],
            "possible_links": [str],                    # rules on the chain that only make possible
            "establish": [NEED],                        # possible only: what would establish
                                                        # it (its cause, for a possible link)
            "sources": [str]}],                         # short tags: "000 §2"
        "more_supported": int,
        "not_yet_supported": [{"rule": str, "cause": [str], "support": int,
                               "needs": [NEED], "sources": [str]}],   # fewest facts first
        "more_not_yet_supported": int,
        "out_of_reach": [str],                          # rule ids no added fact can fire
        "through": {fact: "established" | "possible"}}] # facts on a derivation of the finding
    NEED = {"conditions": [str], "example": {fact: value}, "level": "established" | "possible"}

A finding given as present has an entry; none is written for a denied one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from whyache.engine.analysis.findings import Explanation, FindingExplanation, Needed
from whyache.engine.analysis.report import Link as Chain
from whyache.engine.analysis.report import chain_text, short_label, source_tag
from whyache.engine.model.conditions import AnyOf, format_value
from whyache.engine.model.definitions import POSSIBLE, KnowledgeBase
from whyache.engine.render.serialize import plain


def example_flags(need: Needed) -> tuple[str, ...]:
    """``-f drank_little``, ``-f hours_since_run=72``: the facts to add, as ``run`` takes them."""
    return tuple(
        f"-f {fact}" if value is True else f"-f {fact}={format_value(value)}"
        for fact, value in need.example
    )


def cause_text(kb: KnowledgeBase, rule_id: str, facts: Sequence[str]) -> str:
    """``stress fracture``, ``dehydration + heat``, or ``A or B`` for a rule of alternatives."""
    joiner = " or " if isinstance(kb.rule(rule_id).condition, AnyOf) else " + "
    return joiner.join(short_label(kb, f) for f in facts)


def documents_text(kb: KnowledgeBase, support: int) -> str:
    """``2 of 5 documents``: how many documents state a link, of those the KB encodes."""
    total = len(kb.documents)
    noun = "document" if total == 1 else "documents"
    return f"{support} of {total} {noun}" if total else f"{support} {noun}"


def weak_links_text(kb: KnowledgeBase, explanation: Explanation) -> str:
    """``fluid lost in sweat can lead to dehydration``: the possible links of its chain."""
    steps = []
    for link in _links(explanation.chain):
        rule = kb.rule(link.rule)
        if link.rule in explanation.possible_links and rule.link is not None:
            premises = " + ".join(short_label(kb, p.fact) for p in link.premises)
            steps.append(f"{premises} {rule.link.words} {short_label(kb, link.fact)}")
    return "; ".join(dict.fromkeys(steps))


def explanation_text(kb: KnowledgeBase, explanation: Explanation) -> str:
    """``possible: hot weather → … → aching legs``: an explanation's level and chain."""
    return f"{explanation.level}: {chain_text(kb, explanation.chain)}"


def needs_text(needs: Sequence[Needed], flag: Callable[[str], str] = str) -> str:
    """``-f a, or -f b -f c (possible)``: each set of facts, its level when only possible;
    ``flag`` lays out each ``-f`` (the terminal keeps one on one line)."""
    return ", or ".join(
        " ".join(flag(f) for f in example_flags(n)) + (" (possible)" if n.level == POSSIBLE else "")
        for n in needs
    )


def establish_text(
    kb: KnowledgeBase, explanation: Explanation, flag: Callable[[str], str] = str
) -> str:
    """What makes a possible explanation possible, and what would establish it (or, when the
    link into the finding is itself possible, what would establish the cause it starts from)."""
    weak = weak_links_text(kb, explanation)
    asides = [f"because {weak}"] if weak else []
    needs = needs_text(explanation.establish[:1], flag)  # the fewest; JSON has more
    if kb.rule(explanation.rule).establishes:
        asides.append(f"established with {needs}" if needs else "no fact added would establish it")
    elif needs:
        cause = cause_text(kb, explanation.rule, explanation.cause)
        asides.append(f"{cause} would be established with {needs}")
    return "; ".join(asides)


def _links(chain: Chain) -> list[Chain]:
    """The derived steps of a chain, cause first."""
    found: list[Chain] = []
    for premise in chain.premises:
        found += _links(premise)
    if chain.rule:
        found.append(chain)
    return found


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
                    "possible_links": list(e.possible_links),
                    "establish": [_need(n) for n in e.establish],
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
