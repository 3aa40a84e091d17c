"""What each derived fact can still become while some input facts are not yet answered.

A consultation needs to know, before asking anything, which conclusions are already settled
and which could still change. :class:`Outlook` evaluates every rule in three values: an
input that has not been answered is *open* (it may become yes, no, any number in its range,
or stay unknown), and a derived fact is

* ``True``  when it is concluded whatever the open inputs turn out to be,
* ``False`` when no answer to the open inputs can conclude it,
* ``None``  when it is still open.

Rules are evaluated stratum by stratum (the order the engine fires them in), so a ``not``
over a derived fact is judged only once that fact is final. Each literal is judged on its own,
so the analysis may call a fact open that a correlated pair of answers could never conclude;
it never calls a fact settled that an answer could change. That errs towards asking.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from whyache.engine.conditions import Compare, Denied, Literal, Present, Unknown, Value
from whyache.engine.model import FactDef, KnowledgeBase
from whyache.engine.validation import stratify

Status = bool | None
"""True: settled as concluded; False: settled as not concluded; None: still open."""

_RANK = {False: 0, None: 1, True: 2}


@dataclass(frozen=True)
class _Alternative:
    rule: str
    index: int
    literals: tuple[Literal, ...]


class Plan:
    """A knowledge base prepared for repeated three-valued evaluation (build once per KB)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        strata = stratify(kb)
        self.inputs: frozenset[str] = frozenset(f.id for f in kb.facts if f.is_input)
        self.derived: tuple[str, ...] = tuple(f.id for f in kb.facts if not f.is_input)
        self.alternatives: dict[str, tuple[_Alternative, ...]] = {
            rule.id: tuple(
                _Alternative(rule.id, index, literals)
                for index, literals in enumerate(rule.alternatives)
            )
            for rule in kb.rules
        }
        levels = sorted(set(strata.values()))
        self.layers: tuple[tuple[str, ...], ...] = tuple(
            tuple(r.id for r in kb.rules if strata[r.id] == level) for level in levels
        )
        self.level: dict[str, int] = {
            rule_id: index for index, layer in enumerate(self.layers) for rule_id in layer
        }
        self.concludes: dict[str, tuple[str, ...]] = {r.id: r.concludes for r in kb.rules}
        self.concluding: dict[str, tuple[str, ...]] = {
            f.id: tuple(r.id for r in kb.rules_concluding(f.id)) for f in kb.facts
        }
        self.users: dict[str, tuple[str, ...]] = {
            f.id: tuple(r.id for r in kb.rules_using(f.id)) for f in kb.facts
        }
        self._downstream: dict[str, frozenset[str]] = {}
        self._satisfiable: dict[Compare, bool] = {}
        self._affected: dict[str, tuple[tuple[str, ...], ...]] = {}
        self.thresholds: dict[str, tuple[Compare, ...]] = {}
        for alternatives in self.alternatives.values():
            for alt in alternatives:
                for lit in alt.literals:
                    if isinstance(lit.atom, Compare):
                        known = self.thresholds.setdefault(lit.fact, ())
                        if lit.atom not in known:
                            self.thresholds[lit.fact] = (*known, lit.atom)

    def outlook(self, values: Mapping[str, Value], closed: Iterable[str] = ()) -> Outlook:
        """Evaluate with ``values`` known; inputs in ``closed`` stay unknown for good."""
        return Outlook(self, dict(values), frozenset(closed))

    def affected(self, fact_id: str) -> tuple[tuple[str, ...], ...]:
        """Per stratum, the rules that conclude something downstream of a fact (cached)."""
        if fact_id not in self._affected:
            rules = {r for f in self.downstream(fact_id) for r in self.concluding[f]}
            self._affected[fact_id] = tuple(
                tuple(r for r in layer if r in rules) for layer in self.layers
            )
        return self._affected[fact_id]

    def satisfiable(self, compare: Compare) -> bool:
        """Whether some number in the fact's range passes the comparison (cached)."""
        if compare not in self._satisfiable:
            self._satisfiable[compare] = _satisfiable(compare, self.kb.fact(compare.fact))
        return self._satisfiable[compare]

    def downstream(self, fact_id: str) -> frozenset[str]:
        """Derived facts whose status can depend on a fact (through any chain of rules)."""
        if fact_id not in self._downstream:
            found: set[str] = set()
            todo = [fact_id]
            while todo:
                for rule_id in self.users.get(todo.pop(), ()):
                    for concluded in self.concludes[rule_id]:
                        if concluded not in found:
                            found.add(concluded)
                            todo.append(concluded)
            self._downstream[fact_id] = frozenset(found)
        return self._downstream[fact_id]

    def sample_answers(self, fact: FactDef) -> tuple[Value, ...]:
        """One answer per distinct way a fact can make its comparisons come out.

        Yes/no facts: yes and no. Numbers: one value in range for each pattern of the
        comparisons the knowledge base makes on the fact, lowest first.
        """
        if not fact.is_numeric:
            return (True, False)
        low = fact.minimum if fact.minimum is not None else 0.0
        high = fact.maximum if fact.maximum is not None else low
        compares = self.thresholds.get(fact.id, ())
        cuts = sorted({low, high, *(c.value for c in compares if low <= c.value <= high)})
        points = list(cuts) + [(a + b) / 2 for a, b in itertools.pairwise(cuts)]
        seen: dict[tuple[bool, ...], float] = {}
        for point in sorted(points):
            pattern = tuple(c.test(point) for c in compares)
            seen.setdefault(pattern, point)
        return tuple(sorted(seen.values()))


def _satisfiable(compare: Compare, fact: FactDef) -> bool:
    """Whether some number in the fact's range passes the comparison."""
    low = fact.minimum if fact.minimum is not None else -math.inf
    high = fact.maximum if fact.maximum is not None else math.inf
    op, value = compare.op, compare.value
    if op == "<":
        return low < value
    if op == "<=":
        return low <= value
    if op == ">":
        return high > value
    if op == ">=":
        return high >= value
    if op == "=":
        return low <= value <= high
    return not low == high == value  # "!="


class Outlook:
    """The three-valued status of every derived fact for one state of a consultation.

    Given a ``base`` outlook and the one input that ``changed`` since, only the facts
    downstream of that input are evaluated again (the rest cannot differ).
    """

    def __init__(
        self,
        plan: Plan,
        values: dict[str, Value],
        closed: frozenset[str],
        base: Outlook | None = None,
        changed: str | None = None,
    ) -> None:
        self.plan = plan
        self.values = values
        self.closed = closed
        self._status: dict[str, Status]
        if base is not None and changed is not None:
            # Only facts downstream of the changed input can differ from the base outlook.
            self._status = dict(base._status)
            self._status.update(dict.fromkeys(plan.downstream(changed), False))
            layers = plan.affected(changed)
        else:
            self._status = dict.fromkeys(plan.derived, False)
            layers = plan.layers
        for level, layer in enumerate(layers):
            queue = deque(layer)
            pending = set(layer)
            while queue:
                rule_id = queue.popleft()
                pending.discard(rule_id)
                best: Status = False
                for alt in plan.alternatives[rule_id]:
                    best = _higher(best, self.alternative(alt))
                    if best is True:
                        break
                for fact_id in plan.concludes[rule_id]:
                    if _RANK[best] > _RANK[self._status[fact_id]]:
                        self._status[fact_id] = best
                        for user in plan.users.get(fact_id, ()):
                            if plan.level[user] == level and user not in pending:
                                queue.append(user)
                                pending.add(user)

    def is_open_input(self, fact_id: str) -> bool:
        return (
            fact_id in self.plan.inputs
            and fact_id not in self.values
            and fact_id not in self.closed
        )

    def status(self, fact_id: str) -> Status:
        """Status of a derived fact (inputs: True/False when known, None when open)."""
        if fact_id in self.plan.inputs:
            if self.is_open_input(fact_id):
                return None
            return self.values.get(fact_id, False) is not False
        return self._status[fact_id]

    def literal(self, lit: Literal) -> Status:
        fact_id = lit.fact
        atom = lit.atom
        if fact_id in self.plan.inputs:
            if fact_id in self.values or fact_id in self.closed:
                return _holds(lit, self.values.get(fact_id))
            if isinstance(atom, Compare) and not self.plan.satisfiable(atom):
                return lit.negated
            return None
        status = self._status[fact_id]
        if status is None:
            # A derived fact is only ever present, so "= no" can never hold.
            return lit.negated if isinstance(atom, Denied) else None
        return _holds(lit, True if status else None)

    def alternative(self, alt: _Alternative) -> Status:
        result: Status = True
        for lit in alt.literals:
            value = self.literal(lit)
            if value is False:
                return False
            if value is None:
                result = None
        return result

    @cached_property
    def open_facts(self) -> tuple[str, ...]:
        """Derived facts still open, in knowledge-base order."""
        return tuple(f for f in self.plan.derived if self._status[f] is None)


def _holds(lit: Literal, value: Value | None) -> bool:
    """Literal.holds without the general evaluator: this runs in the innermost loop."""
    atom = lit.atom
    if isinstance(atom, Present):
        result = value is not None and value is not False
    elif isinstance(atom, Denied):
        result = value is False
    elif isinstance(atom, Unknown):
        result = value is None
    else:
        result = value is not None and atom.test(value)
    return result != lit.negated


def _higher(a: Status, b: Status) -> Status:
    return a if _RANK[a] >= _RANK[b] else b
