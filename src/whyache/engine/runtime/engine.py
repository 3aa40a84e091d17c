"""Compile a knowledge base into one experta engine class, run cases, record every firing.

One :class:`Engine` per knowledge base: the experta class is built once (``type(...)``) and
the same instance is ``reset()`` between cases, because building the Rete network is the
expensive part. Each rule becomes one experta rule per alternative of its condition in
disjunctive normal form, using only plain patterns and single-pattern ``NOT``.

Facts live in working memory as instances of one ``Datum`` subclass per fact id, with a single
field ``value``: ``True`` for present (given or concluded), ``False`` for denied, a float for
numbers. Unknown facts are simply absent, which is what keeps "unknown" apart from "no".
A class per fact id lets the matcher send each new fact only to the patterns about that fact
(see ``matcher.py``) instead of testing it against every pattern in the knowledge base.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterable
from typing import Any, ClassVar

from whyache.engine.errors import EngineError, InputError, RunawayError
from whyache.engine.model.case import Case
from whyache.engine.model.conditions import Compare, Denied, Literal, Present, Unknown, Value
from whyache.engine.model.definitions import KnowledgeBase
from whyache.engine.model.validation import validate
from whyache.engine.runtime._experta import NOT, Fact, KnowledgeEngine, P, Rule
from whyache.engine.runtime.collector import collector_paused
from whyache.engine.runtime.matcher import DispatchingReteMatcher
from whyache.engine.runtime.reference import (
    FiringPlan,
    closure,
    firing_plan,
    plain_values,
    positive_facts,
)
from whyache.engine.runtime.result import Firing, Result
from whyache.engine.runtime.strategy import StableStrategy


class Datum(Fact):  # type: ignore[misc]
    """Base of the per-fact-id classes of working memory; ``fact_id`` names the fact.

    experta's ``Fact.__hash__`` hashes the contents alone, though equality also compares the
    class. With one class per fact id, every pattern ``Datum_x(value=True)`` then hashes
    alike, and building the network compares patterns pairwise: compiling grew as rules^2.5
    (10 million ``__eq__`` calls for 2,000 rules). Hashing the fact id as well keeps hash and
    equality consistent and spreads the patterns out; only our own classes are affected.
    """

    fact_id = ""

    def __hash__(self) -> int:
        try:
            return self._whyache_hash
        except AttributeError:
            # Cached like experta's own: a fact is not changed once it is hashed.
            self._whyache_hash: int = hash((self.fact_id, frozenset(self.items())))
            return self._whyache_hash


class _FactClasses(dict[str, type[Datum]]):
    """One Datum subclass per fact id of a knowledge base, made when first needed.

    Making a class costs experta's metaclass tens of microseconds; an engine compiled for one
    case touches a small part of a large knowledge base's facts.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        super().__init__()
        self._kb = kb

    def __missing__(self, fact_id: str) -> type[Datum]:
        if not self._kb.has_fact(fact_id):
            raise KeyError(fact_id)
        made = type(f"Datum_{fact_id}", (Datum,), {"fact_id": fact_id})
        self[fact_id] = made
        return made


def _fact_classes(kb: KnowledgeBase) -> dict[str, type[Datum]]:
    return _FactClasses(kb)


def _test(compare: Compare, value: object) -> bool:
    return compare.test(value)


def _pattern(literal: Literal, cls: type[Datum], numeric: bool) -> Any:
    atom = literal.atom
    if isinstance(atom, Compare):
        pattern = cls(value=P(functools.partial(_test, atom)))
    elif isinstance(atom, Denied):
        pattern = cls(value=False)
    elif isinstance(atom, Present) and not numeric:
        pattern = cls(value=True)
    else:  # a number that is present, or "is known"/"is unknown"
        pattern = cls()
    positive = not isinstance(atom, Unknown)
    return pattern if positive != literal.negated else NOT(pattern)


#: The firing limit of a small knowledge base; a large one's is its number of alternatives.
MIN_FIRING_LIMIT = 10_000


class _Recorder(KnowledgeEngine):  # type: ignore[misc]
    """experta engine that runs with our strategy and records each firing as it happens."""

    __strategy__ = StableStrategy
    __matcher__ = DispatchingReteMatcher

    # Set on each generated subclass.
    _whyache_rules: ClassVar[dict[str, FiringPlan]] = {}
    _whyache_classes: ClassVar[dict[str, type[Datum]]] = {}
    _whyache_numeric: ClassVar[frozenset[str]] = frozenset()
    _whyache_max_firings = 10_000  # replaced by each compiled engine's own bound

    def get_deffacts(self) -> Any:
        # experta looks DefFacts up with inspect.getmembers on every reset: O(#rules) per case.
        cached = self.__dict__.get("_whyache_deffacts")
        if cached is None:
            cached = self._whyache_deffacts = super().get_deffacts()
        return cached

    def start(self, case: Case) -> tuple[Firing, ...]:
        self.reset()
        self._known: dict[str, Value] = dict(case.facts)
        self._regular = plain_values(case, self._whyache_numeric)
        self._firings: list[Firing] = []
        classes = self._whyache_classes
        # One declare for all of them: one agenda update, not one per fact. Sorted by id, so
        # the order the facts were given in never matters.
        self.declare(*(classes[fact_id](value=value) for fact_id, value in case.facts))
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

    def _fire(self, plan: FiringPlan) -> None:
        known = self._known
        new = []
        for fact_id in plan.concludes:
            if fact_id not in known:
                known[fact_id] = True
                new.append(fact_id)
                self.declare(self._whyache_classes[fact_id](value=True))
        firings = self._firings
        firings.append(plan.firing(len(firings) + 1, known, self._regular, new))


_BODY_SIGNATURE = inspect.signature(lambda self: None)


def _body(name: str, order: int) -> Any:
    """A distinct, empty rule body: _Recorder._fire does the work with full knowledge.

    experta needs a distinct function per rule (identical rules would collapse into one); a
    plain function keeps experta's repeated signature inspection cheap.
    """

    def body(self: Any) -> None:
        return None

    body.__name__ = body.__qualname__ = name
    body.__signature__ = _BODY_SIGNATURE  # type: ignore[attr-defined]  # spares inspect's work
    body.whyache_order = order  # type: ignore[attr-defined]
    return body


class Engine:
    """A compiled knowledge base, ready to run cases.

    ``only_for``: compile only the rules that could fire for cases giving (some of) these
    facts; such an engine gives the same results for them and refuses other cases. Compiling
    is most of a one-case command's time on a large knowledge base, and a case reaches a
    small part of it.
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        max_firings: int | None = None,
        only_for: Iterable[str] | None = None,
    ) -> None:
        with collector_paused():  # a large network: collections would rescan it all, often
            self._compile(kb, max_firings, only_for)

    def _compile(
        self, kb: KnowledgeBase, max_firings: int | None, only_for: Iterable[str] | None
    ) -> None:
        strata = validate(kb)
        if max_firings is None:
            # Facts are concluded once each, so a compiled alternative fires at most once per
            # case: more firings than alternatives can only be a runaway.
            max_firings = max(MIN_FIRING_LIMIT, sum(len(r.alternatives) for r in kb.rules))
        self.kb = kb
        self._only = None if only_for is None else frozenset(only_for)
        # Only alternatives that can fire when only these facts are given (any values): the
        # reference's monotone closure, which ignores values and absences, over-approximates.
        possible = None if self._only is None else closure(kb, self._only, positive_facts)[1]
        classes = _fact_classes(kb)
        attrs: dict[str, Any] = {
            "_whyache_rules": {},
            "_whyache_classes": classes,
            "_whyache_max_firings": max_firings,
            "_whyache_numeric": frozenset(f.id for f in kb.facts if f.is_numeric),
        }
        order = 0
        for rule in kb.rules:
            for alt, literals in enumerate(rule.alternatives):
                order += 1  # counted for every rule: the firing order must not change
                if possible is not None and (rule.id, alt) not in possible:
                    continue
                name = f"_kb_{order:05d}"
                # Positive patterns first: joins then start from facts, not from absences.
                ordered = sorted(literals, key=lambda lit: not lit.is_positive_pattern)
                patterns = [
                    _pattern(lit, classes[lit.fact], kb.fact(lit.fact).is_numeric)
                    for lit in ordered
                ]
                attrs[name] = Rule(*patterns, salience=-strata[rule.id])(_body(name, order))
                attrs["_whyache_rules"][name] = firing_plan(kb, rule, alt, literals)
        try:
            self._engine_class = type(f"Compiled_{kb.name}", (_Recorder,), attrs)
            self._engine = self._engine_class()
        except (ValueError, TypeError, RuntimeError, KeyError) as exc:
            raise EngineError(f"experta could not compile the knowledge base: {exc}") from exc

    def run(self, case: Case) -> Result:
        """Run one case from a clean working memory."""
        if self._only is not None and not self._only.issuperset(f for f, _ in case.facts):
            # The caller's mistake (an engine built with only_for=... given another case),
            # not a fault of experta's: an input error, not "a bug in whyache".
            extra = sorted(f for f, _ in case.facts if f not in self._only)
            raise InputError(
                f"this engine was compiled only for cases without {', '.join(extra)}",
                hint="build Engine(kb) without only_for, or with these facts in it",
            )
        try:
            firings = self._engine.start(case)
        except (ValueError, TypeError, RuntimeError, KeyError) as exc:
            raise EngineError(f"experta failed while running the case: {exc}") from exc
        return Result(self.kb, case, firings)
