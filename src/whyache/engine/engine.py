"""Compile a knowledge base into one experta engine class, run cases, record every firing.

One :class:`Engine` per knowledge base: the experta class is built once (``type(...)``) and
the same instance is ``reset()`` between cases, because building the Rete network is the
expensive part. Each rule becomes one experta rule per alternative of its condition in
disjunctive normal form, using only plain patterns and single-pattern ``NOT``.

Facts live in working memory as ``Datum(group=..., name=..., value=...)``: value ``True``
for present (given or concluded), ``False`` for denied, a float for numbers. Unknown facts
are simply absent, which is what keeps "unknown" apart from "no".

Speed (measured in benchmarks/, see docs/performance.md). experta's Rete has no indexing:
every new fact is tested against every constant test of the network, and each test copies
a token. ``group`` (a fact's bucket among about sqrt(#facts) buckets) gives the network a
shared test that cuts those tests from #facts to about 2*sqrt(#facts) per fact. A case's
facts are declared in one call (one agenda update, not one per fact), the engine's DefFacts
are looked up once, and the matcher asks only conflict-set nodes that changed.
"""

from __future__ import annotations

import functools
import inspect
import math
import types
from dataclasses import dataclass
from typing import Any, ClassVar

from whyache.engine._experta import NOT, Fact, KnowledgeEngine, P, ReteMatcher, Rule
from whyache.engine.case import Case
from whyache.engine.conditions import Compare, Denied, Literal, Present, Unknown, Value
from whyache.engine.errors import EngineError, RunawayError
from whyache.engine.model import KnowledgeBase, RuleDef
from whyache.engine.result import Firing, Premise, Result
from whyache.engine.strategy import StableStrategy
from whyache.engine.validation import validate


class Datum(Fact):  # type: ignore[misc]
    """A fact in working memory: ``name`` is the fact id, ``value`` its value, ``group`` the
    bucket of its name (see :func:`fact_groups`)."""


def fact_groups(kb: KnowledgeBase) -> dict[str, int]:
    """Each fact's bucket: about sqrt(#facts) buckets of about sqrt(#facts) names each."""
    ids = sorted(fact.id for fact in kb.facts)
    buckets = max(1, math.isqrt(len(ids)))
    return {fact_id: index % buckets for index, fact_id in enumerate(ids)}


@dataclass(frozen=True)
class _Compiled:
    """What a compiled experta rule needs to report a firing."""

    rule: RuleDef
    alternative: int
    literals: tuple[Literal, ...]


def _test(compare: Compare, value: object) -> bool:
    return compare.test(value)


def _pattern(literal: Literal, numeric: bool, group: int | None = None) -> Any:
    """The experta pattern of one literal; without ``group``, the plain shape (for comparison)."""
    atom = literal.atom
    shape = {"name": atom.fact} if group is None else {"group": group, "name": atom.fact}
    if isinstance(atom, Compare):
        pattern = Datum(**shape, value=P(functools.partial(_test, atom)))
    elif isinstance(atom, Denied):
        pattern = Datum(**shape, value=False)
    elif isinstance(atom, Present) and not numeric:
        pattern = Datum(**shape, value=True)
    else:  # a number that is present, or "is known"/"is unknown"
        pattern = Datum(**shape)
    positive = not isinstance(atom, Unknown)
    return pattern if positive != literal.negated else NOT(pattern)


class LeanMatcher(ReteMatcher):  # type: ignore[misc]
    """experta's Rete matcher, asking only the conflict-set nodes that have changes.

    experta collects activations by calling every rule's conflict-set node after each change,
    which costs O(#rules) per firing even when one rule changed.
    """

    def changes(self, adding: Any = None, deleting: Any = None) -> tuple[list[Any], list[Any]]:
        for fact in deleting or ():
            self.root_node.remove(fact)
        for fact in adding or ():
            self.root_node.add(fact)
        added: list[Any] = []
        removed: list[Any] = []
        for node in self._get_conflict_set_nodes():
            if node.added or node.removed:
                new, gone = node.get_activations()
                added.extend(new)
                removed.extend(gone)
        return added, removed


class _Recorder(KnowledgeEngine):  # type: ignore[misc]
    """experta engine that runs with our strategy and records each firing as it happens."""

    __strategy__ = StableStrategy
    __matcher__ = LeanMatcher

    # Set on each generated subclass.
    _whyache_rules: ClassVar[dict[str, _Compiled]] = {}
    _whyache_groups: ClassVar[dict[str, int]] = {}
    _whyache_max_firings = 10_000

    def get_deffacts(self) -> Any:
        # experta finds DefFacts with inspect.getmembers on every reset: O(#rules) per case.
        cached = self.__dict__.get("_whyache_deffacts")
        if cached is None:
            cached = self._whyache_deffacts = super().get_deffacts()
        return cached

    def start(self, case: Case) -> tuple[Firing, ...]:
        self.reset()
        self._known: dict[str, Value] = dict(case.facts)
        self._firings: list[Firing] = []
        groups = self._whyache_groups
        # One declare for all: one agenda update instead of one per fact.
        self.declare(
            *(Datum(group=groups[f], name=f, value=v) for f, v in case.facts),
        )
        self._run_bounded()
        return tuple(self._firings)

    def _run_bounded(self) -> None:
        # Re-implements KnowledgeEngine.run() (there is no per-firing hook) so that we know which
        # activation fires, skip stale ones, and stop a runaway knowledge base.
        self.running = True
        try:
            while self.running:
                added, removed = self.get_activations()
                self.strategy.update_agenda(self.agenda, added, removed)
                activation = self.agenda.get_next()
                if activation is None:
                    break
                if any(f["__factid__"] not in self.facts for f in activation.facts):
                    continue  # a stale activation: one of its facts is gone
                if len(self._firings) >= self._whyache_max_firings:
                    raise RunawayError(
                        f"stopped after {self._whyache_max_firings} firings: the knowledge base "
                        "keeps concluding new facts (a rule feeds itself?)"
                    )
                self._fire(self._whyache_rules[activation.rule._wrapped.__name__])
        finally:
            self.running = False

    def _fire(self, compiled: _Compiled) -> None:
        premises = []
        assumptions = []
        for literal in compiled.literals:
            if literal.is_positive_pattern:
                value = self._known[literal.fact]
                premises.append(Premise(literal.fact, value, str(literal)))
            else:
                assumptions.append(str(literal))
        new = []
        for fact_id in compiled.rule.concludes:
            if fact_id not in self._known:
                self._known[fact_id] = True
                new.append(fact_id)
                group = self._whyache_groups[fact_id]
                self.declare(Datum(group=group, name=fact_id, value=True))
        self._firings.append(
            Firing(
                number=len(self._firings) + 1,
                rule=compiled.rule.id,
                alternative=compiled.alternative,
                premises=tuple(premises),
                assumptions=tuple(assumptions),
                concludes=compiled.rule.concludes,
                new=tuple(new),
            )
        )


def _noop(self: Any, **_context: Any) -> None:
    """Rule bodies do nothing: _Recorder._fire does the work with full knowledge."""


_NOOP_SIGNATURE = inspect.signature(_noop)


def _body(name: str, order: int) -> Any:
    # experta needs a distinct function per rule, or identical rules collapse. It also asks for
    # the body's signature about ten times per rule while compiling (a third of the time):
    # a precomputed __signature__ answers at once.
    body = types.FunctionType(_noop.__code__, _noop.__globals__, name)
    body.__qualname__ = name
    body.__signature__ = _NOOP_SIGNATURE  # type: ignore[attr-defined]
    body.whyache_order = order  # type: ignore[attr-defined]
    return body


def compile_rules(kb: KnowledgeBase, *, grouped: bool = True) -> list[tuple[_Compiled, Any, int]]:
    """Each rule alternative as (what it is, its experta patterns, its salience).

    ``grouped=False`` gives the plain ``Datum(name, value)`` shape, for comparison only.
    """
    strata = validate(kb)
    groups = fact_groups(kb) if grouped else {}
    compiled = []
    for rule in kb.rules:
        for alt, literals in enumerate(rule.alternatives):
            patterns = [
                _pattern(lit, kb.fact(lit.fact).is_numeric, groups.get(lit.fact))
                for lit in literals
            ]
            compiled.append((_Compiled(rule, alt, literals), patterns, -strata[rule.id]))
    return compiled


class Engine:
    """A compiled knowledge base, ready to run cases."""

    def __init__(self, kb: KnowledgeBase, *, max_firings: int = 10_000) -> None:
        self.kb = kb
        attrs: dict[str, Any] = {
            "_whyache_rules": {},
            "_whyache_groups": fact_groups(kb),
            "_whyache_max_firings": max_firings,
        }
        for order, (compiled, patterns, salience) in enumerate(compile_rules(kb), start=1):
            name = f"_kb_{order:05d}"
            attrs[name] = Rule(*patterns, salience=salience)(_body(name, order))
            attrs["_whyache_rules"][name] = compiled
        try:
            self._engine_class = type(f"Compiled_{kb.name}", (_Recorder,), attrs)
            self._engine = self._engine_class()
        except (ValueError, TypeError, RuntimeError, KeyError) as exc:
            raise EngineError(f"experta could not compile the knowledge base: {exc}") from exc

    def run(self, case: Case) -> Result:
        """Run one case from a clean working memory."""
        try:
            firings = self._engine.start(case)
        except (ValueError, TypeError, RuntimeError, KeyError) as exc:
            raise EngineError(f"experta failed while running the case: {exc}") from exc
        return Result(self.kb, case, firings)
