"""What each derived fact can still become while some input facts are not yet answered.

A consultation needs to know, before asking anything, which conclusions are already settled
and which could still change. :class:`Outlook` evaluates every rule in three values: an
input that has not been answered is *open* (it may become yes, no, any number in its range,
or stay unknown), and a derived fact is

* ``True``  when it is concluded whatever the open inputs turn out to be,
* ``False`` when no answer to the open inputs can conclude it,
* ``None``  when it is still open.

The evaluation is the reference evaluator's three-valued mode
(:meth:`whyache.engine.runtime.reference.Program.outlook`); this module adds what a consultation
needs around it: which rules an answer can reach, re-evaluating only those (each rule by
:meth:`~whyache.engine.runtime.reference.Program.rule_rank`), and sample answers. Each literal is
judged on its own, so the analysis may call a fact open that a correlated pair of answers
could never conclude; it never calls a fact settled that an answer could change. That errs
towards asking.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

import networkx as nx

from whyache.engine.model.conditions import Compare, Literal, Value
from whyache.engine.model.definitions import FactDef, KnowledgeBase
from whyache.engine.model.validation import stratify
from whyache.engine.runtime import reference

Status = bool | None
"""True: settled as concluded; False: settled as not concluded; None: still open."""

_STATUS: tuple[Status, Status, Status] = (False, None, True)


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
        self.program = reference.program(kb, strata)
        self.followers: dict[str, tuple[str, ...]] = {
            rule.id: tuple(
                dict.fromkeys(
                    user
                    for fact_id in rule.concludes
                    for user in self.users.get(fact_id, ())
                    if self.level[user] == self.level[rule.id]
                )
            )
            for rule in kb.rules
        }
        self.order: tuple[str, ...] | None = self._topological_order()
        self.position: dict[str, int] = {r: i for i, r in enumerate(self.order or ())}
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

    def _topological_order(self) -> tuple[str, ...] | None:
        """Rules ordered so each comes after every rule it depends on; None if rules cycle.

        Without cycles one pass in this order evaluates everything, and a changed answer
        can be propagated rule by rule instead of re-evaluating all that lies downstream.
        """
        graph = nx.DiGraph()
        index = {rule.id: i for i, rule in enumerate(self.kb.rules)}
        graph.add_nodes_from(index)
        for rule_id, facts in self.concludes.items():
            for fact_id in facts:
                graph.add_edges_from((rule_id, user) for user in self.users.get(fact_id, ()))
        if not nx.is_directed_acyclic_graph(graph):
            return None
        return tuple(nx.lexicographical_topological_sort(graph, key=index.__getitem__))

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
            self._satisfiable[compare] = reference.satisfiable(compare, self.kb.fact(compare.fact))
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


class Outlook:
    """The three-valued status of every derived fact for one state of a consultation.

    Given a ``base`` outlook and the one input that ``changed`` since, only what that input
    reaches is evaluated again (the rest cannot differ): rule by rule, following the change,
    when the rules have no cycles; otherwise every fact downstream of the input.
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
        # Status as a rank (0: settled no, 1: open, 2: settled yes) so the loop compares ints.
        self._rank: dict[str, int]
        self._rule_rank: dict[str, int] = {}
        if base is None or changed is None:
            self._rank, self._rule_rank = plan.program.outlook(values, closed)
        elif plan.order is not None:
            self._ordered(plan.order, base, changed)
        else:
            self._layered(base, changed)

    def _rule(self, rule_id: str) -> int:
        return self.plan.program.rule_rank(rule_id, self.values, self.closed, self._rank)

    def _ordered(self, order: tuple[str, ...], base: Outlook, changed: str) -> None:
        """Re-evaluate, in topological order, only the rules the changed input reaches."""
        plan = self.plan
        concludes, concluding, users = plan.concludes, plan.concluding, plan.users
        rank = self._rank = dict(base._rank)
        rule_rank = self._rule_rank = dict(base._rule_rank)
        position = plan.position
        heap = sorted({position[u] for u in users.get(changed, ())})
        queued = set(heap)
        while heap:
            rule_id = order[heapq.heappop(heap)]
            best = self._rule(rule_id)
            before = rule_rank[rule_id]
            if best == before:
                continue
            rule_rank[rule_id] = best
            for fact_id in concludes[rule_id]:
                if best > rank[fact_id]:
                    now = best
                elif before == rank[fact_id]:  # this rule may have been the best support
                    now = max(rule_rank[r] for r in concluding[fact_id])
                else:
                    continue
                if now == rank[fact_id]:
                    continue
                rank[fact_id] = now
                for user in users.get(fact_id, ()):
                    if position[user] not in queued:
                        queued.add(position[user])
                        heapq.heappush(heap, position[user])

    def _layered(self, base: Outlook, changed: str) -> None:
        """Stratum by stratum to a fixpoint, over what lies downstream of the changed input
        (rules with positive cycles need this)."""
        plan = self.plan
        # Only facts downstream of the changed input can differ from the base outlook.
        self._rank = dict(base._rank)
        self._rank.update(dict.fromkeys(plan.downstream(changed), 0))
        self._rule_rank = {}  # not kept up to date here: only the ordered path reads it
        rank, concludes, followers = self._rank, plan.concludes, plan.followers
        for layer in plan.affected(changed):
            if not layer:
                continue
            queue = deque(layer)
            pending = set(layer)
            while queue:
                rule_id = queue.popleft()
                pending.discard(rule_id)
                best = self._rule(rule_id)
                raised = False
                for fact_id in concludes[rule_id]:
                    if best > rank[fact_id]:
                        rank[fact_id] = best
                        raised = True
                if raised:
                    for user in followers[rule_id]:
                        if user not in pending:
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
        return _STATUS[self._rank[fact_id]]

    def literal(self, lit: Literal) -> Status:
        """Status of one literal (for tracing paths)."""
        code = self.plan.program.code(lit)
        return _STATUS[reference.literal_rank(code, self.values, self.closed, self._rank)]

    @cached_property
    def open_facts(self) -> tuple[str, ...]:
        """Derived facts still open, in knowledge-base order."""
        return tuple(f for f in self.plan.derived if self._rank[f] == 1)
