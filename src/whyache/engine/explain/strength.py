"""How strongly one step of a run holds: its rule's link, the level it gives, its support.

Every explanation that shows a firing (the trace, HOW, the report, WHAT-IF, WHY-NOT, the
graphs, JSON) takes its strength from :func:`strength`, so they cannot disagree. A step is
*possible* when its rule's link only makes the conclusion possible (``can lead to``,
``raises the risk of``...) or when a premise it matched is itself only possible; the
levels themselves are the run's (``Result.level``, ``Result.firing_level``, see
``runtime/levels.py``). Support is how many of the knowledge base's documents the rule
cites. :func:`possible_links` answers "why only possible?": the possible links a possible
conclusion rests on, found by walking back through its possible premises.
"""

from __future__ import annotations

from dataclasses import dataclass

from whyache.engine.model.definitions import ESTABLISHED, POSSIBLE, Link
from whyache.engine.runtime.result import Firing, Result


@dataclass(frozen=True)
class Strength:
    """One firing's strength; ``link`` None: its rule does not say (counts as establishing)."""

    rule: str
    link: Link | None
    level: str  # what the firing gives its conclusions: ESTABLISHED or POSSIBLE
    support: int  # distinct documents its rule cites
    documents: int  # documents the knowledge base has
    premises: tuple[str, ...]  # the facts it matched, each once, in order
    concludes: tuple[str, ...]
    possible_premises: tuple[str, ...]  # premises that are only possible

    @property
    def possible(self) -> bool:
        return self.level == POSSIBLE

    @property
    def possible_link(self) -> bool:
        """The rule's own link makes its conclusions possible only."""
        return self.link is not None and not self.link.establishes


def strength(result: Result, firing: Firing) -> Strength:
    """The strength of one firing of ``result``."""
    kb = result.kb
    rule = kb.rule(firing.rule)
    premises = tuple(dict.fromkeys(p.fact for p in firing.premises))
    return Strength(
        rule=rule.id,
        link=rule.link,
        level=result.firing_level(firing),
        support=rule.support,
        documents=len(kb.documents),
        premises=premises,
        concludes=firing.concludes,
        possible_premises=tuple(f for f in premises if result.level(f) == POSSIBLE),
    )


def first_derivation(result: Result, fact_id: str) -> Firing:
    """The derivation an explanation leads with: the first establishing one of an
    established fact (a possible derivation never hides it), else the first one."""
    derivations = result.derivations(fact_id)
    if result.level(fact_id) == ESTABLISHED:
        for firing in derivations:
            if result.firing_level(firing) == ESTABLISHED:
                return firing
    return derivations[0]


def possible_links(result: Result, fact_id: str) -> tuple[Strength, ...]:
    """The possible links a possible conclusion rests on (none for any other fact).

    Every derivation of a possible fact needs a possible link: its own rule's, or one
    below a premise that is only possible. Each such link is listed once (by rule), in the
    order a walk back from the fact meets them, its first firing standing for it.
    """
    found: dict[str, Strength] = {}
    seen: set[str] = set()
    stack = [fact_id]
    while stack:
        current = stack.pop(0)
        if current in seen or result.level(current) != POSSIBLE:
            continue
        seen.add(current)
        for firing in result.derivations(current):
            step = strength(result, firing)
            if step.possible_link:
                found.setdefault(step.rule, step)
            stack.extend(step.possible_premises)
    return tuple(found.values())


def raises(result: Result) -> dict[int, tuple[str, ...]]:
    """For each firing (by number), the facts that were possible before it and that it
    establishes: a firing that concluded nothing new may still raise a level."""
    from whyache.engine.runtime.levels import Levels

    if not result.kb.possible_rules:  # every link establishes: no level ever rises
        return {}
    levels = Levels(result.kb, (f for f, _ in result.case.facts))
    out: dict[int, tuple[str, ...]] = {}
    concluded: set[str] = set()
    for firing in result.firings:
        new = levels.record(firing)
        earlier = tuple(sorted(f for f in new if f in concluded and f not in firing.new))
        if earlier:
            out[firing.number] = earlier
        concluded.update(firing.new)
    return out
