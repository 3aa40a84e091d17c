"""HOW: the derivation of one conclusion, as a tree from the conclusion down to given facts.

A fact node holds every firing that concluded it (a fact derived two ways has two steps);
each step holds the premises it matched as fact nodes, recursively, until given facts. A
derived fact that already appears earlier in the tree (depth first, premises in order) is not
expanded again: it is marked ``shown_above``. That keeps the tree linear in the size of the
run and makes cycles (a fact re-derived from its own consequences) finite.

Every node carries its level (given, established or possible) and every step its strength
(its rule's link, the level it gives, its support: :mod:`whyache.engine.explain.strength`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from whyache.engine.errors import InputError
from whyache.engine.explain.strength import Strength, strength
from whyache.engine.model.conditions import Value
from whyache.engine.model.definitions import Source
from whyache.engine.runtime.result import Firing, Premise, Result


@dataclass(frozen=True)
class HowStep:
    """One firing that concluded the fact above it."""

    firing: int
    rule: str
    description: str
    sources: tuple[Source, ...]
    assumptions: tuple[str, ...]
    premises: tuple[HowNode, ...]
    strength: Strength


@dataclass(frozen=True)
class HowNode:
    """A fact in the tree; ``premise`` is how the step above matched it (None at the root)."""

    fact: str
    label: str
    kind: str
    value: Value
    given: bool
    premise: Premise | None = None
    steps: tuple[HowStep, ...] = ()
    shown_above: bool = False
    urgent: bool = False  # of a kind the knowledge base marks urgent (see KindDef)
    level: str | None = None  # given, established or possible (Result.level)


@dataclass(frozen=True)
class HowTree:
    """The answer to "how was this concluded?"."""

    fact: str
    root: HowNode


class NotConcludedError(InputError):
    """Asked to explain a fact the run did not conclude."""

    def __init__(self, fact: str) -> None:
        super().__init__(
            f"{fact!r} was not concluded from the facts given",
            hint=f"see whyache why-not {fact}",
        )
        self.fact = fact


def how(result: Result, fact_id: str) -> HowTree:
    """The derivation tree of a concluded (or given) fact; NotConcludedError otherwise."""
    if result.value(fact_id) is None:
        if result.kb.fact(fact_id).is_input:
            raise InputError(
                f"{fact_id!r} is an input and was not given", hint=f"add it with -f {fact_id}"
            )
        raise NotConcludedError(fact_id)
    seen: set[str] = set()
    return HowTree(fact_id, _node(result, fact_id, None, seen))


def _node(result: Result, fact_id: str, premise: Premise | None, seen: set[str]) -> HowNode:
    fact = result.kb.fact(fact_id)
    value = result.values[fact_id]
    given = result.case.get(fact_id) is not None
    urgent = result.kb.is_urgent(fact_id)
    level = result.level(fact_id)
    base = HowNode(
        fact_id, fact.label, fact.kind, value, given, premise, urgent=urgent, level=level
    )
    if given:
        return base
    if fact_id in seen:
        return replace(base, shown_above=True)
    seen.add(fact_id)
    steps = tuple(_step(result, firing, seen) for firing in result.derivations(fact_id))
    return replace(base, steps=steps)


def _step(result: Result, firing: Firing, seen: set[str]) -> HowStep:
    rule = result.kb.rule(firing.rule)
    return HowStep(
        firing=firing.number,
        rule=firing.rule,
        description=rule.description,
        sources=rule.sources,
        assumptions=firing.assumptions,
        premises=tuple(_node(result, p.fact, p, seen) for p in firing.premises),
        strength=strength(result, firing),
    )
