"""WHAT-IF: run a case and a changed copy of it, and compare what each concludes.

Both runs start from a clean working memory with the same engine, so retracting a given
fact withdraws exactly what depended only on it, in cascade, and nothing else: a conclusion
that still has another derivation stays. That re-run *is* the truth-maintenance semantics
(experta has none of its own), and it cannot drift from what ``whyache run`` says.

A conclusion that both runs reach at different levels (possible in one, established in the
other, see ``runtime/levels.py``) is a change too: it is listed under ``changed``, with the
establishing firings of the run where it is established, and not under ``kept``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from whyache.engine.errors import InputError
from whyache.engine.model.case import Case
from whyache.engine.model.conditions import Value
from whyache.engine.model.definitions import ESTABLISHED, POSSIBLE
from whyache.engine.runtime.engines import Runner
from whyache.engine.runtime.result import Firing, Result


@dataclass(frozen=True)
class InputChange:
    """A given fact that the change added, removed or gave a new value (None: not given)."""

    fact: str
    before: Value | None
    after: Value | None


@dataclass(frozen=True)
class Change:
    """A conclusion gained or lost, with the firings that support it in the run where it holds
    (the new run for a gain, the old run for a loss)."""

    fact: str
    label: str
    kind: str
    firings: tuple[Firing, ...]
    urgent: bool = False  # of a kind the knowledge base marks urgent (see KindDef)
    level: str = ESTABLISHED  # its level in the run where it holds


@dataclass(frozen=True)
class LevelChange:
    """A conclusion of both runs whose level changed; ``firings`` are the establishing ones
    of the run where it is established (the new run when it rose, the old one when it fell)."""

    fact: str
    label: str
    kind: str
    before: str
    after: str
    firings: tuple[Firing, ...]
    urgent: bool = False

    @property
    def rose(self) -> bool:
        return self.after == ESTABLISHED


@dataclass(frozen=True)
class WhatIf:
    """Conclusions gained, lost, changed in level, and kept (concluded in both at one level)."""

    before: Result
    after: Result
    inputs: tuple[InputChange, ...]
    gained: tuple[Change, ...]
    lost: tuple[Change, ...]
    kept: tuple[str, ...]
    changed: tuple[LevelChange, ...] = ()


def changed_case(case: Case, add: Case, remove: Iterable[str]) -> Case:
    """The case with facts removed, then facts added (an added fact replaces its old value)."""
    changed = case
    for fact_id in remove:
        if case.get(fact_id) is None:
            raise InputError(
                f"{fact_id!r} is not given in the case, so it cannot be removed",
                hint="--remove takes a fact given with -f or --case",
            )
        if add.get(fact_id) is not None:
            raise InputError(f"{fact_id!r} is both added and removed", hint="keep one")
        changed = changed.without(fact_id)
    for fact_id, value in add.facts:
        changed = changed.with_fact(fact_id, value)
    return changed


def what_if(engine: Runner, case: Case, add: Case, remove: Iterable[str] = ()) -> WhatIf:
    """Compare the case with its changed copy (see :func:`changed_case`)."""
    after_case = changed_case(case, add, tuple(remove))
    return compare(engine.run(case), engine.run(after_case))


def compare(before: Result, after: Result) -> WhatIf:
    facts = sorted(set(before.case.values) | set(after.case.values))
    inputs = tuple(
        InputChange(f, before.case.get(f), after.case.get(f))
        for f in facts
        if before.case.get(f) != after.case.get(f)
    )
    gained = _changes(after, [f for f in after.derived if not before.concludes(f)])
    lost = _changes(before, [f for f in before.derived if not after.concludes(f)])
    both = [f for f in after.derived if before.concludes(f)]
    moved = [f for f in both if before.level(f) != after.level(f)]
    kept = tuple(f for f in both if f not in moved)
    return WhatIf(before, after, inputs, gained, lost, kept, _level_changes(before, after, moved))


def _ordered(result: Result, facts: list[str]) -> list[str]:
    kb = result.kb
    return sorted(facts, key=lambda f: kb.kind_rank(kb.fact(f).kind))  # stable: run order


def _changes(result: Result, facts: list[str]) -> tuple[Change, ...]:
    kb = result.kb
    return tuple(
        Change(
            f,
            kb.fact(f).label,
            kb.fact(f).kind,
            result.derivations(f),
            kb.is_urgent(f),
            result.level(f) or ESTABLISHED,
        )
        for f in _ordered(result, facts)
    )


def _level_changes(before: Result, after: Result, facts: list[str]) -> tuple[LevelChange, ...]:
    kb = after.kb
    out = []
    for f in _ordered(after, facts):
        old, new = before.level(f) or POSSIBLE, after.level(f) or POSSIBLE
        where = after if new == ESTABLISHED else before
        firings = tuple(
            firing for firing in where.derivations(f) if where.firing_level(firing) == ESTABLISHED
        )
        fact = kb.fact(f)
        out.append(LevelChange(f, fact.label, fact.kind, old, new, firings, kb.is_urgent(f)))
    return tuple(out)
