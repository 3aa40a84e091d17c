"""WHY-NOT: why a conclusion did not fire, and what it would take.

Every rule that could conclude the fact is checked alternative by alternative (the ``any``
branches of its condition, see :func:`whyache.engine.model.conditions.to_dnf`). Each literal of an
alternative has a status:

* ``held``: it is true in the run (negation as failure: ``not X`` holds while X is unknown);
* ``failed``: a given fact contradicts it (a denial, a number out of range, a ruling-out
  feature that is present), or a derived premise can no longer be concluded;
* ``unknown``: it hinges on an input nobody gave, or on a derived fact not concluded yet that
  more inputs could still establish. Derived premises are checked recursively, down to inputs.

The given facts behind failed literals are the ones that *rule out* that alternative. The
smallest sets of additional input conditions that would conclude the fact are found by
combining, alternative by alternative, what each unknown literal needs (a least fixpoint over
the rules, so a fact that could only support itself through a cycle needs nothing it can get);
at most 32 candidates are carried per fact. Each candidate is then checked by evaluating the
rules on the extended case (:func:`derive`), and only minimal ones are kept.

A fact concluded only at the *possible* level (every derivation needs a "can lead to" or
"raises the risk of" link, see ``runtime/levels.py``) gets the same analysis asking what
would *establish* it: only establishing rules count, a positive test of a derived premise
holds when it is established (``possible only`` otherwise, and checked beneath), and each
candidate is checked by the established level of a run of the extended case. Absences
(``not X``, ``X is unknown``) read every conclusion in both questions, as they do in a run:
a possible X blocks ``not X`` as an established one would.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from whyache.engine.errors import InputError
from whyache.engine.explain.strength import Strength, possible_links
from whyache.engine.model.case import Case
from whyache.engine.model.conditions import (
    Compare,
    Literal,
    Present,
    Unknown,
    Value,
    format_value,
)
from whyache.engine.model.definitions import POSSIBLE, KnowledgeBase, RuleDef, Source
from whyache.engine.model.validation import stratify
from whyache.engine.runtime import reference
from whyache.engine.runtime.result import Result

#: How many sets of additional facts a report offers at most.
MAX_ADDITIONS = 5
#: How many candidate sets are carried while combining (keeps the search small).
_MAX_CANDIDATES = 32

Need = frozenset[str]
"""Texts of literals on inputs that must all hold (looked up in ``_Analysis.literals``)."""


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
    kind: str
    status: Status
    rules: tuple[RuleCheck, ...]
    blockers: tuple[str, ...]
    shown_above: bool = False
    urgent: bool = False  # of a kind the knowledge base marks urgent (see KindDef)


@dataclass(frozen=True)
class Addition:
    """Conditions on inputs that, added to the case, conclude the fact; ``example`` is a case
    extension that satisfies them (usable as ``-f fact=value``)."""

    conditions: tuple[str, ...]
    example: tuple[tuple[str, Value], ...]


@dataclass(frozen=True)
class WhyNotReport:
    """Why a fact was not concluded, or, when ``level`` is ``possible``, why it is only
    possible: then ``root`` checks the rules that could establish it, ``additions`` would
    establish it and ``impossible`` says no addition of inputs could."""

    fact: str
    label: str
    concluded: bool
    root: FactWhyNot | None
    additions: tuple[Addition, ...]
    ruled_out_by: tuple[tuple[str, Value], ...]
    impossible: bool
    level: str | None = None  # the fact's level in the run (None: not concluded)
    links: tuple[Strength, ...] = ()  # possible only: the possible links it rests on

    @property
    def possible_only(self) -> bool:
        return self.level == POSSIBLE


def why_not(kb: KnowledgeBase, result: Result, fact_id: str) -> WhyNotReport:
    """Explain why a derived fact was not concluded in ``result`` (see the module docstring)."""
    fact = kb.fact(fact_id)
    if fact.is_input:
        raise InputError(
            f"{fact_id!r} is an input: no rule concludes it, a case gives it",
            hint=f"add it with -f {fact_id}",
        )
    level = result.level(fact_id)
    if level is not None and level != POSSIBLE:
        return WhyNotReport(fact_id, fact.label, True, None, (), (), False, level)
    analysis = _Analysis(kb, result, establish=level == POSSIBLE)
    root = analysis.tree(fact_id, set())
    return WhyNotReport(
        fact_id,
        fact.label,
        level is not None,
        root,
        _additions(kb, result, fact_id, analysis),
        tuple((f, result.values[f]) for f in root.blockers),
        root.status is Status.FAILED,
        level,
        possible_links(result, fact_id),
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


class _Analysis:
    """What each derived fact not concluded still needs, and which given facts block it.

    Both are least fixpoints over the rules (not a recursion), so cycles among derived facts
    cost nothing extra: a fact supported only through itself simply never gets a need. The
    report tree is then built depth first, expanding each fact once.
    """

    def __init__(self, kb: KnowledgeBase, result: Result, establish: bool = False) -> None:
        self.kb = kb
        self.result = result
        self.establish = establish
        # What a positive test of a derived fact reads: concluded, or (establish) established.
        self.has = self._established if establish else result.concludes
        pending = [f.id for f in kb.facts if not f.is_input and not self.has(f.id)]
        self.needs: dict[str, tuple[Need, ...]] = dict.fromkeys(pending, ())
        self.blockers: dict[str, tuple[str, ...]] = dict.fromkeys(pending, ())
        self.alt_needs: dict[tuple[str, int], tuple[Need, ...]] = {}
        self.alternatives = {rule.id: rule.alternatives for rule in kb.rules}
        self.literals: dict[str, Literal] = {}
        self.strata = stratify(kb)
        # Worklist: recompute a fact when a fact its rules test has changed.
        feeds: dict[str, set[str]] = {}
        for fact_id in pending:
            for rule in self.rules(fact_id):
                for premise in rule.premises:
                    feeds.setdefault(premise, set()).add(fact_id)
        queue = list(pending)
        queued = set(queue)
        budget = len(pending) * (len(kb.facts) + 2)
        while queue and budget > 0:
            budget -= 1
            fact_id = queue.pop(0)
            queued.discard(fact_id)
            open_needs: list[Need] = []
            for rule in self.rules(fact_id):
                for index, literals in enumerate(self.alternatives[rule.id]):
                    alt_needs = self._alt_needs(literals)
                    self.alt_needs[(rule.id, index)] = alt_needs
                    open_needs.extend(alt_needs)
            needs = _minimal(open_needs)[:_MAX_CANDIDATES]
            if needs != self.needs[fact_id]:
                self.needs[fact_id] = needs
                for other in sorted(feeds.get(fact_id, ())):
                    if other not in queued:
                        queue.append(other)
                        queued.add(other)
        for _ in range(len(kb.facts) + 2):
            changed = False
            for fact_id in pending:
                found = _union(
                    self._check(lit).blockers
                    for rule in self.rules(fact_id)
                    for literals in self.alternatives[rule.id]
                    for lit in literals
                )
                if found != self.blockers[fact_id]:
                    self.blockers[fact_id] = found
                    changed = True
            if not changed:
                break

    def _established(self, fact_id: str) -> bool:
        return fact_id in self.result.established

    def rules(self, fact_id: str) -> tuple[RuleDef, ...]:
        """The rules that could conclude (establish) the fact."""
        rules = self.kb.rules_concluding(fact_id)
        return tuple(r for r in rules if r.establishes) if self.establish else tuple(rules)

    def _reads(self, lit: Literal) -> bool:
        """Whether the derived fact a literal tests counts as present: a positive test reads
        :attr:`has`, an absence every conclusion (as a run does)."""
        return self.has(lit.fact) if lit.is_positive_pattern else self.result.concludes(lit.fact)

    def _alt_needs(self, literals: tuple[Literal, ...]) -> tuple[Need, ...]:
        combined: tuple[Need, ...] = (frozenset(),)
        for lit in literals:
            part = self._literal_needs(lit)
            merged = (a | b for a, b in itertools.product(combined, part))
            combined = _minimal(m for m in merged if self._consistent(m))[:_MAX_CANDIDATES]
            if not combined:
                break
        return combined

    def _literal_needs(self, lit: Literal) -> tuple[Need, ...]:
        fact = self.kb.fact(lit.fact)
        value = self.result.value(lit.fact)
        if fact.is_input or self.result.case.get(lit.fact) is not None:  # or a given finding
            if value is not None:
                return (frozenset(),) if lit.holds(value) else ()
            if lit.holds(None):
                return (frozenset(),)
            text = str(lit)
            self.literals[text] = lit
            return (frozenset({text}),)
        concluded = self._reads(lit)
        if lit.holds(True if concluded else None):
            return (frozenset(),)
        if concluded or not self._recursive(lit):
            return ()
        return self.needs[lit.fact]

    def _consistent(self, need: Need) -> bool:
        """False when two conditions on one fact cannot both hold (e.g. ``x`` and ``x = no``)."""
        facts = [self.literals[text].fact for text in need]
        if len(set(facts)) == len(facts):
            return True  # one condition per fact: the final check (_additions) covers the rest
        return _example(self.kb, [self.literals[text] for text in need]) is not None

    @staticmethod
    def _recursive(lit: Literal) -> bool:
        """A positive test of a derived fact: more inputs could still make it hold."""
        return lit.is_positive_pattern and isinstance(lit.atom, Present | Unknown)

    def _check(self, lit: Literal) -> Check:
        """The status of one literal (blockers only for failed ones); no subtree."""
        text = str(lit)
        fact = self.kb.fact(lit.fact)
        value = self.result.value(lit.fact)
        if fact.is_input or self.result.case.get(lit.fact) is not None:  # or a given finding
            if value is not None:
                detail = "given" if value is True else f"given as {format_value(value)}"
                if lit.holds(value):
                    return Check(text, lit.fact, Status.HELD, detail)
                return Check(text, lit.fact, Status.FAILED, detail, (lit.fact,))
            status = Status.HELD if lit.holds(None) else Status.UNKNOWN
            return Check(text, lit.fact, status, "not given")
        concluded = self._reads(lit)
        verb = "established" if self.establish and lit.is_positive_pattern else "concluded"
        if lit.holds(True if concluded else None):
            detail = verb if concluded else self._missing(lit.fact)
            return Check(text, lit.fact, Status.HELD, detail)
        if concluded:
            support = given_support(self.result, lit.fact)
            detail = f"{verb} from {', '.join(support)}" if support else verb
            return Check(text, lit.fact, Status.FAILED, detail, support)
        if not self._recursive(lit):
            return Check(text, lit.fact, Status.FAILED, "a derived fact is never denied")
        missing = self._missing(lit.fact)
        if self.needs[lit.fact]:
            return Check(text, lit.fact, Status.UNKNOWN, missing)
        blockers = self.blockers.get(lit.fact, ())
        return Check(text, lit.fact, Status.FAILED, missing, blockers)

    def _missing(self, fact_id: str) -> str:
        """``not concluded``, or ``possible only`` (concluded, not established)."""
        if self.result.concludes(fact_id) and not self._established(fact_id):
            return POSSIBLE_ONLY
        return "not concluded"

    def tree(self, fact_id: str, seen: set[str]) -> FactWhyNot:
        """The report for one fact; premises already expanded are marked ``shown_above``."""
        seen.add(fact_id)
        fact = self.kb.fact(fact_id)
        rules = []
        for rule in self.rules(fact_id):
            alternatives = []
            for index, literals in enumerate(self.alternatives[rule.id]):
                checks = []
                for lit in literals:
                    check = self._check(lit)
                    if check.detail in _EXPANDED and check.status is not Status.HELD:
                        if lit.fact in seen:
                            sub = self._stub(lit.fact)
                        else:
                            sub = self.tree(lit.fact, seen)
                        check = replace(check, because=sub)
                    checks.append(check)
                needs = self.alt_needs[(rule.id, index)]
                if not needs or any(c.status is Status.FAILED for c in checks):
                    status = Status.FAILED
                elif needs == (frozenset(),):
                    status = Status.HELD
                else:
                    status = Status.UNKNOWN
                blockers = _union(c.blockers for c in checks if c.status is Status.FAILED)
                alternatives.append(AlternativeCheck(index, status, tuple(checks), blockers))
            rules.append(RuleCheck(rule.id, rule.description, rule.sources, tuple(alternatives)))
        needs = self.needs[fact_id]
        status = Status.UNKNOWN if needs else Status.FAILED
        return FactWhyNot(
            fact_id,
            fact.label,
            fact.kind,
            status,
            tuple(rules),
            self.blockers[fact_id],
            urgent=self.kb.is_urgent(fact_id),
        )

    def _stub(self, fact_id: str) -> FactWhyNot:
        fact = self.kb.fact(fact_id)
        status = Status.UNKNOWN if self.needs[fact_id] else Status.FAILED
        return FactWhyNot(
            fact_id,
            fact.label,
            fact.kind,
            status,
            (),
            self.blockers[fact_id],
            shown_above=True,
            urgent=self.kb.is_urgent(fact_id),
        )


#: The detail of a derived premise that holds at the possible level only.
POSSIBLE_ONLY = "possible only"
#: Details of a derived premise whose own WHY-NOT is shown beneath it.
_EXPANDED = frozenset({"not concluded", POSSIBLE_ONLY})


def _union(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
    return tuple(sorted({item for group in groups for item in group}))


def _need_key(need: Need) -> tuple[int, tuple[str, ...]]:
    return len(need), tuple(sorted(need))


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


def _example(kb: KnowledgeBase, need: list[Literal]) -> tuple[tuple[str, Value], ...] | None:
    """A value for each fact that satisfies every literal of the set, or None if none does."""
    chosen: list[tuple[str, Value]] = []
    for fact_id in sorted({lit.fact for lit in need}):
        # Sorted, so that the example does not depend on the order a set handed the literals
        # over in (it varied with the hash seed: hours 24 in one process, 72 in another).
        lits = sorted((lit for lit in need if lit.fact == fact_id), key=str)
        value = next(
            (v for v in _candidates(kb, fact_id, lits) if all(lit.holds(v) for lit in lits)),
            None,
        )
        if value is None:
            return None
        chosen.append((fact_id, value))
    return tuple(chosen)


def derive(
    kb: KnowledgeBase, values: dict[str, Value], strata: dict[str, int] | None = None
) -> set[str]:
    """The facts the rules conclude from input values, by the reference evaluator (the
    engine's semantics without experta): used to check candidate additions cheaply."""
    return reference.program(kb, strata).derive(values)


def establish(
    kb: KnowledgeBase, values: dict[str, Value], strata: dict[str, int] | None = None
) -> frozenset[str]:
    """The facts established from input values (given ones included), by the reference
    evaluator: used to check candidate additions that should establish a possible fact."""
    case = Case(tuple(sorted(values.items())))
    return reference.program(kb, strata).run(case).established


def _additions(
    kb: KnowledgeBase, result: Result, fact_id: str, analysis: _Analysis
) -> tuple[Addition, ...]:
    working: list[tuple[Need, tuple[tuple[str, Value], ...]]] = []
    check = establish if analysis.establish else derive
    for need in analysis.needs[fact_id]:
        example = _example(kb, [analysis.literals[text] for text in need])
        if example is None:
            continue
        values = dict(result.case.facts)
        values.update(example)
        if fact_id in check(kb, values, analysis.strata):
            working.append((need, example))
    kept = set(_minimal(n for n, _ in working))
    return tuple(
        Addition(tuple(sorted(need)), example) for need, example in working if need in kept
    )[:MAX_ADDITIONS]


def rule_additions(
    kb: KnowledgeBase,
    result: Result,
    rule_ids: Iterable[str],
    limit: int = MAX_ADDITIONS,
    *,
    establish: bool = False,
) -> dict[str, tuple[Addition, ...]]:
    """For each rule: the smallest sets of input conditions that, added to the case, make it
    fire (``establish``: fire with every premise established, as WHY-NOT's establish mode
    reads premises), at most ``limit``, fewest first; from one analysis, each checked by a
    run of the extended case as :func:`why_not` checks its additions. ``()``: no addition of
    inputs does it; one empty addition: nothing needs adding."""
    analysis = _Analysis(kb, result, establish=establish)
    program = reference.program(kb, analysis.strata)
    found: dict[str, tuple[Addition, ...]] = {}
    for rule_id in rule_ids:
        # An antichain already: every set that checks out is kept, in order.
        needs = _minimal(
            n for lits in analysis.alternatives[rule_id] for n in analysis._alt_needs(lits)
        )
        kept: list[Addition] = []
        for need in needs[:_MAX_CANDIDATES]:
            if len(kept) >= limit:
                break
            example = _example(kb, [analysis.literals[text] for text in need])
            if example is None:
                continue
            values = dict(result.case.facts)
            values.update(example)
            run = program.run(Case(tuple(sorted(values.items()))))
            if any(
                not establish or all(p.fact in run.established for p in firing.premises)
                for firing in run.firings
                if firing.rule == rule_id
            ):
                kept.append(Addition(tuple(sorted(need)), example))
        found[rule_id] = tuple(kept)
    return found
