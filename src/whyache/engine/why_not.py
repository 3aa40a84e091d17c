"""WHY-NOT: why a conclusion did not fire, and what it would take.

Every rule that could conclude the fact is checked alternative by alternative (the ``any``
branches of its condition, see :func:`whyache.engine.conditions.to_dnf`). Each literal of an
alternative has a status:

* ``held``: it is true in the run (negation as failure: ``not X`` holds while X is unknown);
* ``failed``: a given fact contradicts it (a denial, a number out of range, a ruling-out
  feature that is present), or a derived premise can no longer be concluded;
* ``unknown``: it hinges on an input nobody gave, or on a derived fact not concluded yet that
  more inputs could still establish. Derived premises are checked recursively, down to inputs.

The given facts behind failed literals are the ones that *rule out* that alternative. The
smallest sets of additional input conditions that would conclude the fact are found by
combining, alternative by alternative, what each unknown literal needs; each candidate is then
checked by evaluating the rules on the extended case, and only minimal ones are kept.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from whyache.engine.conditions import (
    Compare,
    Literal,
    Present,
    Unknown,
    Value,
    evaluate,
    format_value,
)
from whyache.engine.errors import InputError
from whyache.engine.model import Kind, KnowledgeBase, Source
from whyache.engine.result import Result
from whyache.engine.validation import stratify

#: How many sets of additional facts a report offers at most.
MAX_ADDITIONS = 5
#: How many candidate sets are carried while combining (keeps the search small).
_MAX_CANDIDATES = 32

Need = frozenset[Literal]


class Status(StrEnum):
    HELD = "held"
    FAILED = "failed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Check:
    """One literal of an alternative; ``because`` explains a derived premise not concluded."""

    condition: str
    fact: str
    status: Status
    detail: str
    blockers: tuple[str, ...] = ()
    because: FactWhyNot | None = None


@dataclass(frozen=True)
class AlternativeCheck:
    """One ``any`` branch of a rule (``index`` as in Firing.alternative)."""

    index: int
    status: Status
    checks: tuple[Check, ...]
    blockers: tuple[str, ...]


@dataclass(frozen=True)
class RuleCheck:
    rule: str
    description: str
    sources: tuple[Source, ...]
    alternatives: tuple[AlternativeCheck, ...]


@dataclass(frozen=True)
class FactWhyNot:
    """Why a derived fact was not concluded: each rule that could conclude it, checked.

    ``status`` is ``failed`` when no way is left open (``blockers`` then lists the given facts
    that closed them), ``unknown`` when more inputs could still conclude it. A fact that
    appears earlier in the report is not expanded again (``shown_above``).
    """

    fact: str
    label: str
    kind: Kind
    status: Status
    rules: tuple[RuleCheck, ...]
    blockers: tuple[str, ...]
    shown_above: bool = False
    needs: tuple[Need, ...] = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class Addition:
    """Conditions on inputs that, added to the case, conclude the fact; ``example`` is a case
    extension that satisfies them (usable as ``-f fact=value``)."""

    conditions: tuple[str, ...]
    example: tuple[tuple[str, Value], ...]


@dataclass(frozen=True)
class WhyNotReport:
    fact: str
    label: str
    concluded: bool
    root: FactWhyNot | None
    additions: tuple[Addition, ...]
    ruled_out_by: tuple[tuple[str, Value], ...]
    impossible: bool


def why_not(kb: KnowledgeBase, result: Result, fact_id: str) -> WhyNotReport:
    """Explain why a derived fact was not concluded in ``result`` (see the module docstring)."""
    fact = kb.fact(fact_id)
    if fact.is_input:
        raise InputError(
            f"{fact_id!r} is an input: no rule concludes it, a case gives it",
            hint=f"add it with -f {fact_id}",
        )
    if result.concludes(fact_id):
        return WhyNotReport(fact_id, fact.label, True, None, (), (), False)
    root = _Analyser(kb, result).fact(fact_id, ())
    additions = _additions(kb, result, fact_id, root.needs)
    pruned = _prune(root, set())
    return WhyNotReport(
        fact_id,
        fact.label,
        False,
        pruned,
        additions,
        tuple((f, result.values[f]) for f in root.blockers),
        root.status is Status.FAILED,
    )


def given_support(result: Result, fact_id: str) -> tuple[str, ...]:
    """The given facts a fact rests on, through every derivation, sorted."""
    found: set[str] = set()
    stack, seen = [fact_id], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        if result.case.get(current) is not None:
            found.add(current)
            continue
        for firing in result.derivations(current):
            stack.extend(p.fact for p in firing.premises)
    return tuple(sorted(found))


class _Analyser:
    """Recursive checking with a memo; results cut short by a cycle are not memoised."""

    def __init__(self, kb: KnowledgeBase, result: Result) -> None:
        self.kb = kb
        self.result = result
        self.memo: dict[str, FactWhyNot] = {}
        self.cut = False

    def fact(self, fact_id: str, stack: tuple[str, ...]) -> FactWhyNot:
        if fact_id in self.memo:
            return self.memo[fact_id]
        outer_cut, self.cut = self.cut, False
        fact = self.kb.fact(fact_id)
        rules: list[RuleCheck] = []
        open_needs: list[Need] = []
        for rule in self.kb.rules_concluding(fact_id):
            checked, rule_needs = self._rule(rule.id, (*stack, fact_id))
            rules.append(checked)
            open_needs.extend(rule_needs)
        needs = _minimal(open_needs)
        node = FactWhyNot(
            fact_id,
            fact.label,
            fact.kind,
            Status.UNKNOWN if needs else Status.FAILED,
            tuple(rules),
            _union(a.blockers for r in rules for a in r.alternatives),
            needs=needs,
        )
        if not self.cut:
            self.memo[fact_id] = node
        self.cut = self.cut or outer_cut
        return node

    def _rule(self, rule_id: str, stack: tuple[str, ...]) -> tuple[RuleCheck, list[Need]]:
        """Check each alternative of a rule; also return what the open ones need."""
        rule = self.kb.rule(rule_id)
        alternatives = []
        open_needs: list[Need] = []
        for index, literals in enumerate(rule.alternatives):
            checked = [self._literal(lit, stack) for lit in literals]
            checks = tuple(c for c, _ in checked)
            needs: tuple[Need, ...] = ()
            if any(c.status is Status.FAILED for c in checks):
                status = Status.FAILED
            else:
                needs = self._combine([n for c, n in checked if c.status is not Status.HELD])
                status = Status.UNKNOWN if needs else Status.FAILED
                if needs == (frozenset(),):
                    status = Status.HELD
            open_needs.extend(needs)
            blockers = _union(c.blockers for c in checks if c.status is Status.FAILED)
            alternatives.append(AlternativeCheck(index, status, checks, blockers))
        return RuleCheck(rule.id, rule.description, rule.sources, tuple(alternatives)), open_needs

    def _combine(self, parts: list[tuple[Need, ...]]) -> tuple[Need, ...]:
        combined: tuple[Need, ...] = (frozenset(),)
        for part in parts:
            merged = (a | b for a, b in itertools.product(combined, part))
            combined = _minimal(m for m in merged if _consistent(self.kb, m))[:_MAX_CANDIDATES]
        return combined

    def _literal(self, lit: Literal, stack: tuple[str, ...]) -> tuple[Check, tuple[Need, ...]]:
        text = str(lit)
        fact = self.kb.fact(lit.fact)
        value = self.result.value(lit.fact)
        if fact.is_input:
            if value is not None:
                detail = "given" if value is True else f"given as {format_value(value)}"
                if lit.holds(value):
                    return Check(text, lit.fact, Status.HELD, detail), (frozenset(),)
                return Check(text, lit.fact, Status.FAILED, detail, (lit.fact,)), ()
            if lit.holds(None):
                return Check(text, lit.fact, Status.HELD, "not given"), (frozenset(),)
            return Check(text, lit.fact, Status.UNKNOWN, "not given"), (frozenset({lit}),)
        concluded = self.result.concludes(lit.fact)
        if lit.holds(True if concluded else None):
            detail = "concluded" if concluded else "not concluded"
            return Check(text, lit.fact, Status.HELD, detail), (frozenset(),)
        if concluded:
            support = given_support(self.result, lit.fact)
            detail = f"concluded from {', '.join(support)}" if support else "concluded"
            return Check(text, lit.fact, Status.FAILED, detail, support), ()
        if not lit.is_positive_pattern or not isinstance(lit.atom, Present | Unknown):
            return Check(text, lit.fact, Status.FAILED, "a derived fact is never denied"), ()
        if lit.fact in stack:
            self.cut = True
            return Check(text, lit.fact, Status.FAILED, "not concluded (circular)"), ()
        sub = self.fact(lit.fact, stack)
        status = Status.FAILED if sub.status is Status.FAILED else Status.UNKNOWN
        check = Check(text, lit.fact, status, "not concluded", sub.blockers, sub)
        return check, sub.needs


def _union(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
    return tuple(sorted({item for group in groups for item in group}))


def _need_key(need: Need) -> tuple[int, tuple[str, ...]]:
    return len(need), tuple(sorted(str(lit) for lit in need))


def _minimal(needs: Iterable[Need]) -> tuple[Need, ...]:
    """Sets with no proper subset among the others, smallest first, then by name."""
    ordered = sorted(set(needs), key=_need_key)
    kept: list[Need] = []
    for need in ordered:
        if not any(k <= need for k in kept):
            kept.append(need)
    return tuple(kept)


def _candidates(kb: KnowledgeBase, fact_id: str, literals: Iterable[Literal]) -> list[Value]:
    fact = kb.fact(fact_id)
    if not fact.is_numeric:
        return [True, False]
    values: list[float] = []
    for lit in literals:
        if isinstance(lit.atom, Compare):
            c = lit.atom.value
            values += [c, c + 1, c - 1, c + 0.5, c - 0.5]
    values += [v for v in (fact.minimum, fact.maximum) if v is not None]
    low = fact.minimum if fact.minimum is not None else float("-inf")
    high = fact.maximum if fact.maximum is not None else float("inf")
    return [v for v in dict.fromkeys(values) if low <= v <= high]


def _example(kb: KnowledgeBase, need: Need) -> tuple[tuple[str, Value], ...] | None:
    """A value for each fact that satisfies every literal of the set, or None if none does."""
    chosen: list[tuple[str, Value]] = []
    for fact_id in sorted({lit.fact for lit in need}):
        lits = [lit for lit in need if lit.fact == fact_id]
        value = next(
            (v for v in _candidates(kb, fact_id, lits) if all(lit.holds(v) for lit in lits)),
            None,
        )
        if value is None:
            return None
        chosen.append((fact_id, value))
    return tuple(chosen)


def _consistent(kb: KnowledgeBase, need: Need) -> bool:
    return _example(kb, need) is not None


def derive(kb: KnowledgeBase, values: dict[str, Value]) -> set[str]:
    """Evaluate the rules on input values, stratum by stratum, and return the derived facts.

    The same semantics as the engine (negation as failure judged after lower strata are done),
    without experta: used to check candidate additions without running a case.
    """
    strata = stratify(kb)
    known = dict(values)
    derived: set[str] = set()
    for level in sorted(set(strata.values())):
        rules = [r for r in kb.rules if strata[r.id] == level]
        changed = True
        while changed:
            changed = False
            for rule in rules:
                if evaluate(rule.condition, known.get) is True:
                    for fact_id in rule.concludes:
                        if fact_id not in known:
                            known[fact_id] = True
                            derived.add(fact_id)
                            changed = True
    return derived


def _additions(
    kb: KnowledgeBase, result: Result, fact_id: str, needs: tuple[Need, ...]
) -> tuple[Addition, ...]:
    working: list[tuple[Need, tuple[tuple[str, Value], ...]]] = []
    for need in needs:
        example = _example(kb, need)
        if example is None:
            continue
        values = dict(result.case.facts)
        values.update(example)
        if fact_id in derive(kb, values):
            working.append((need, example))
    kept = set(_minimal(n for n, _ in working))
    return tuple(
        Addition(tuple(sorted(str(lit) for lit in need)), example)
        for need, example in working
        if need in kept
    )[:MAX_ADDITIONS]


def _prune(node: FactWhyNot, seen: set[str]) -> FactWhyNot:
    """Expand each fact once, depth first; later occurrences are marked ``shown_above``."""
    seen.add(node.fact)
    rules = []
    for rule in node.rules:
        alternatives = []
        for alt in rule.alternatives:
            checks = []
            for check in alt.checks:
                sub = check.because
                if sub is not None:
                    if sub.fact in seen:
                        sub = replace(sub, rules=(), shown_above=True)
                    else:
                        sub = _prune(sub, seen)
                    check = replace(check, because=sub)
                checks.append(check)
            alternatives.append(replace(alt, checks=tuple(checks)))
        rules.append(replace(rule, alternatives=tuple(alternatives)))
    return replace(node, rules=tuple(rules))
