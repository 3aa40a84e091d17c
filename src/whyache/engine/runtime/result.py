"""What a run returns: given facts, firings with their premises, and derived facts.

Everything here is frozen, so a result can be cached, compared, and handed to renderers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from whyache.engine.model.case import Case
from whyache.engine.model.conditions import Value, format_value
from whyache.engine.model.definitions import ESTABLISHED, GIVEN, POSSIBLE, KnowledgeBase
from whyache.engine.runtime.levels import Levels


@dataclass(frozen=True)
class Premise:
    """A fact a firing matched, with its value and the condition it satisfied."""

    fact: str
    value: Value
    condition: str

    def __str__(self) -> str:
        """``hot_weather``, ``pain_at_rest = no`` or ``hours_since_run = 48 (>= 24)``."""
        if self.value is True:
            return self.fact
        shown = f"{self.fact} = {format_value(self.value)}"
        test = self.condition.removeprefix(self.fact).strip()
        if test and not test.startswith(("=", "is ")):
            shown += f" ({test})"
        return shown


@dataclass(frozen=True)
class Firing:
    """One rule firing.

    ``alternative`` is the index of the ``any`` branch that matched (0 when the rule has one).
    ``assumptions`` are the conditions that held because something was *not* established
    (absence, ``not``): they match no fact, so they are recorded as text.
    ``new`` are the conclusions this firing established first; the rest were already known.
    """

    number: int
    rule: str
    alternative: int
    premises: tuple[Premise, ...]
    assumptions: tuple[str, ...]
    concludes: tuple[str, ...]
    new: tuple[str, ...]


_new = object.__new__


def make_firing(
    number: int,
    rule: str,
    alternative: int,
    premises: tuple[Premise, ...],
    assumptions: tuple[str, ...],
    concludes: tuple[str, ...],
    new: tuple[str, ...],
) -> Firing:
    """``Firing(...)`` for the engines' inner loops: the same frozen record, equal to one made
    the usual way, made without the frozen dataclass's ``__init__``, which sets each of the
    seven fields through ``object.__setattr__`` (a third of the reference evaluator's time
    per firing). Firing has no ``__post_init__`` to skip; assigning to a field afterwards
    still raises ``FrozenInstanceError``.
    """
    firing: Firing = _new(Firing)
    firing.__dict__.update(
        number=number,
        rule=rule,
        alternative=alternative,
        premises=premises,
        assumptions=assumptions,
        concludes=concludes,
        new=new,
    )
    return firing


@dataclass(frozen=True)
class Result:
    """A run: the knowledge base, the case, and the firings in order.

    ``known_established``: the established facts, when the engine computed them as its rules
    fired (the reference evaluator does); None, and :attr:`established` replays the firings
    through :class:`~whyache.engine.runtime.levels.Levels` when first asked. Either way the
    same set (a property test compares them); it takes no part in equality.
    """

    kb: KnowledgeBase
    case: Case
    firings: tuple[Firing, ...]
    known_established: frozenset[str] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def derived(self) -> tuple[str, ...]:
        """Derived facts in the order they were first established."""
        return tuple(f for firing in self.firings for f in firing.new)

    @cached_property
    def values(self) -> dict[str, Value]:
        """Every known fact: given values, and True for derived ones."""
        known: dict[str, Value] = dict(self.case.facts)
        known.update(dict.fromkeys(self.derived, True))
        return known

    def value(self, fact_id: str) -> Value | None:
        return self.values.get(fact_id)

    def concludes(self, fact_id: str) -> bool:
        return fact_id in self.derived

    def derivations(self, fact_id: str) -> tuple[Firing, ...]:
        """Every firing that concluded a fact, the first one first."""
        return self._derivations.get(fact_id, ())

    @cached_property
    def _derivations(self) -> dict[str, tuple[Firing, ...]]:
        """Fact id -> the firings concluding it, built once (a scan per fact asked was
        quadratic in a large run)."""
        found: dict[str, list[Firing]] = {}
        for firing in self.firings:
            for fact_id in firing.concludes:
                found.setdefault(fact_id, []).append(firing)
        return {fact_id: tuple(firings) for fact_id, firings in found.items()}

    def conclusions(self, kind: str) -> tuple[str, ...]:
        return self._by_kind.get(kind, ())

    @cached_property
    def _by_kind(self) -> dict[str, tuple[str, ...]]:
        """Derived facts by kind, in the order they were established (one pass, not one
        per kind asked)."""
        groups: dict[str, list[str]] = {}
        for fact_id in self.derived:
            groups.setdefault(self.kb.fact(fact_id).kind, []).append(fact_id)
        return {kind: tuple(facts) for kind, facts in groups.items()}

    @cached_property
    def _given(self) -> frozenset[str]:
        return frozenset(f for f, _ in self.case.facts)

    @cached_property
    def established(self) -> frozenset[str]:
        """Given facts, and conclusions with a derivation of establishing links only."""
        if self.known_established is not None:
            return self.known_established
        if not self.kb.possible_rules:  # every link establishes: so does every derivation
            return frozenset(self.values)
        levels = Levels(self.kb, (f for f, _ in self.case.facts))
        for firing in self.firings:
            levels.record(firing)
        return frozenset(levels.established)

    def level(self, fact_id: str) -> str | None:
        """``given``, ``established`` or ``possible``; None when neither given nor concluded.

        A finding both given and concluded is ``given``: its derivations are explanations.
        """
        if fact_id in self._given:
            return GIVEN
        if fact_id not in self.values:
            return None
        return ESTABLISHED if fact_id in self.established else POSSIBLE

    def firing_level(self, firing: Firing) -> str:
        """The level a firing gives its conclusions: established when its rule establishes
        and every premise is given or established, possible otherwise."""
        rule = self.kb.rule(firing.rule)
        if rule.establishes and all(p.fact in self.established for p in firing.premises):
            return ESTABLISHED
        return POSSIBLE

    @property
    def red_flags(self) -> tuple[str, ...]:
        """Raised conclusions of the knowledge base's urgent kinds (see ``KindDef.urgent``):
        established ones, and possible ones whose concluding rule says to raise them
        (``raise_when_possible``); :attr:`possible_red_flags` holds the rest."""
        return tuple(
            f for kind in self.kb.urgent_kinds for f in self.conclusions(kind) if self._raised(f)
        )

    @property
    def possible_red_flags(self) -> tuple[str, ...]:
        """Urgent conclusions that only possible links reach: shown, not raised."""
        return tuple(
            f
            for kind in self.kb.urgent_kinds
            for f in self.conclusions(kind)
            if not self._raised(f)
        )

    def _raised(self, fact_id: str) -> bool:
        return fact_id in self.established or any(
            self.kb.rule(firing.rule).raise_when_possible for firing in self.derivations(fact_id)
        )

    @property
    def advice(self) -> tuple[str, ...]:
        """Conclusions of the knowledge base's advice kinds (see ``KindDef.advice``)."""
        return tuple(f for kind in self.kb.advice_kinds for f in self.conclusions(kind))

    def by_kind(self) -> dict[str, tuple[str, ...]]:
        """Conclusions grouped by kind in report order (urgent first); empty kinds left out."""
        groups = {kind: self.conclusions(kind) for kind in self.kb.kind_order}
        return {kind: facts for kind, facts in groups.items() if facts}

    def fired(self, rule_id: str) -> bool:
        return any(f.rule == rule_id for f in self.firings)
