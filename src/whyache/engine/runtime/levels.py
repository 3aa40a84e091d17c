"""How strongly each concluded fact holds: established or possible.

A fact is **established** when some derivation of it uses establishing links only, all the
way back to given facts; a fact that is concluded but not established is **possible**
(every derivation of it needs at least one "can lead to" or "raises the risk of" link).
That is the least fixpoint below, over the firings of a run: given facts are established,
and a firing of an establishing rule whose premises are all established establishes what it
concludes. A possible conclusion still chains: the firings that use it happen, and what
they conclude is possible unless another derivation establishes it. An established
derivation always wins: a possible one beside it never lowers the level.

Levels change which rules fire in one way only, and not here: a negated condition (``not
X``, ``X is unknown``) asks whether X was concluded *at all*, so a possible X blocks a
conclusion that needs X absent, exactly as an established one would. The bundled knowledge
base gates self-care advice on ``not stress_fracture_signs``; a possible stress fracture must
hold that advice back. So the firings, their order and the stratification are those of the
two-valued run, in both engines and in every analysis, and levels are computed from the
firings, by this one class: when a result is first asked (the experta engine's results),
or as the rules fire, where the reference evaluator records each establishing firing
(``Program._fire`` in ``reference.py``) and hands the established facts to its results, so
a batch never replays its firings; ``tests/engine/runtime/test_levels.py`` holds the two
equal on random and bundled knowledge bases.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from whyache.engine.model.definitions import KnowledgeBase

if TYPE_CHECKING:  # result.py replays its firings through Levels
    from whyache.engine.runtime.result import Firing


class Levels:
    """The established facts of one run, kept as firings are recorded (counter-based)."""

    def __init__(self, kb: KnowledgeBase, given: Iterable[str]) -> None:
        self._possible = kb.possible_rules
        self.established: set[str] = set(given)
        # Firings of establishing rules still waiting for premises to be established: for
        # each fact, the waiting entries [premises still missing, the firing's conclusions].
        self._waiting: dict[str, list[list[Any]]] = {}

    def record(self, firing: Firing) -> list[str]:
        """Take one firing; return the facts it (and what it unblocked) newly establishes."""
        if firing.rule in self._possible:
            return []
        return self.establishing(dict.fromkeys(p.fact for p in firing.premises), firing.concludes)

    def establishing(self, premises: Iterable[str], concludes: Iterable[str]) -> list[str]:
        """Take one firing of an establishing rule by its premises' facts and its conclusions
        (the reference evaluator records so, from its compiled plans, as its rules fire)."""
        missing = [f for f in premises if f not in self.established]
        if not missing:
            return self._establish(concludes)
        entry = [len(missing), concludes]
        for fact_id in missing:
            self._waiting.setdefault(fact_id, []).append(entry)
        return []

    def _establish(self, facts: Iterable[str]) -> list[str]:
        new: list[str] = []
        stack = [f for f in facts if f not in self.established]
        while stack:
            fact_id = stack.pop()
            if fact_id in self.established:
                continue
            self.established.add(fact_id)
            new.append(fact_id)
            for entry in self._waiting.pop(fact_id, ()):
                entry[0] -= 1
                if not entry[0]:
                    stack.extend(f for f in entry[1] if f not in self.established)
        return new
