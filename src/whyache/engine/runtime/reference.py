"""The reference semantics: the stratified fixpoint of a knowledge base, without experta.

The condition language has no variables and no joins, so a rule is a handful of
propositional alternatives (its condition in disjunctive normal form, from
:func:`whyache.engine.model.conditions.to_dnf`) and the fixpoint is counter-based forward
chaining: each alternative counts the facts it still needs; when a fact becomes known, only
the alternatives that test it are touched, and an alternative whose count reaches zero joins
an agenda ordered by (stratum, rule order). Absence and ``not`` literals are judged when the
alternative is taken from the agenda: stratification makes the facts they test final by then.
Work is linear in the size of the knowledge base plus the case (and a heap's log factor for
the agenda).

Three modes share the compiled :class:`Program`:

* :meth:`Program.run`: two-valued, returning the same :class:`~whyache.engine.result.Firing`
  records, in the same sequence, as the experta engine (``engine.py``): experta's agenda
  (``strategy.py``) fires the activation of highest salience (lowest stratum), then lowest
  knowledge-base order, and a fact is declared at most once, so each alternative fires at most
  once and the order of fact ids never has to break a tie;
* :meth:`Program.outlook`: three-valued, for the analyses that need "still unknown"
  (consultation): an open input may still become anything, so facts are settled yes (2),
  settled no (0) or open (1), the least fixpoint under Kleene's min/max;
* :func:`closure`: the monotone fixpoint that ignores absences (which facts and alternatives
  can be reached at all), for lint's reachability and the focused engine's pruning.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from whyache.engine.errors import EngineError, RunawayError
from whyache.engine.model.case import Case
from whyache.engine.model.conditions import (
    Compare,
    ConditionSyntaxError,
    Denied,
    Literal,
    Present,
    Unknown,
    Value,
)
from whyache.engine.model.definitions import FactDef, KnowledgeBase, RuleDef
from whyache.engine.model.validation import stratify, validate
from whyache.engine.runtime.levels import Levels
from whyache.engine.runtime.result import Firing, Premise, Result, make_firing

#: Literal kinds, as small ints for the inner loops.
_PRESENT, _DENIED, _UNKNOWN, _COMPARE = range(4)

#: Three-valued ranks: settled no, open, settled yes.
NO, OPEN, YES = 0, 1, 2


def holds(lit: Literal, value: Value | None) -> bool:
    """Whether a literal holds for a fact's value (None: neither given nor concluded).

    The same truth as :meth:`Literal.holds`, without the general evaluator (inner loop).
    """
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


def satisfiable(compare: Compare, fact: FactDef) -> bool:
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


# A literal compiled for the three-valued loops: (fact, is input, kind, negated, comparison,
# comparison satisfiable in the fact's range).
Code = tuple[str, bool, int, bool, Compare | None, bool]


@dataclass(frozen=True)
class Alternative:
    """One alternative of one rule, as compiled: ``order`` counts alternatives from 1 in
    knowledge-base order (the experta rule's place on the agenda)."""

    rule: RuleDef
    index: int
    order: int
    stratum: int
    literals: tuple[Literal, ...]
    negative: tuple[Literal, ...]
    codes: tuple[Code, ...]


@dataclass(frozen=True)
class FiringPlan:
    """What a firing of one alternative records, prepared when the rules are compiled (both
    engines record firings from it, so their provenance is made one way).

    ``matched``: per positive literal, the fact, the literal's text, and the premise it makes
    when the fact is yes and when it is no (None where the literal cannot match that value);
    ``premises``: the premises themselves when they cannot vary (every matched literal holds
    for one of yes and no only, on a fact that is not a number, so the fact's value is that
    one), else None; ``assumptions``: the texts of the literals that match no fact.
    """

    rule: str
    index: int
    concludes: tuple[str, ...]
    establishes: bool
    negative: tuple[Literal, ...]
    matched: tuple[tuple[str, str, Premise | None, Premise | None], ...]
    premises: tuple[Premise, ...] | None
    premise_facts: tuple[str, ...]
    assumptions: tuple[str, ...]

    def firing(
        self, number: int, known: Mapping[str, Value], regular: bool, new: Sequence[str]
    ) -> Firing:
        """The record of this alternative firing as the ``number``-th firing (both engines):
        ``regular``: the case's values are plain (see :func:`plain_values`), so the fixed
        premises hold; ``new``: the conclusions not known before it."""
        premises = self.premises
        if premises is None or not regular:
            premises = self.premises_from(known)
        return make_firing(
            number, self.rule, self.index, premises, self.assumptions, self.concludes, tuple(new)
        )

    def premises_from(self, known: Mapping[str, Value]) -> tuple[Premise, ...]:
        """The premises a firing matched, given every known value."""
        premises = []
        for fact_id, text, yes, no in self.matched:
            value = known[fact_id]
            made = yes if value is True else no if value is False else None
            # a number (or a value a hand-made case gives): made as it is
            premises.append(made if made is not None else Premise(fact_id, value, text))
        return tuple(premises)


def firing_plan(
    kb: KnowledgeBase, rule: RuleDef, index: int, literals: tuple[Literal, ...]
) -> FiringPlan:
    """The plan of a rule's alternative ``index`` (its literals ``literals``)."""
    matched = []
    fixed: list[Premise] | None = []
    for lit in literals:
        if not lit.is_positive_pattern:
            continue
        text = str(lit)
        yes = Premise(lit.fact, True, text) if holds(lit, True) else None
        no = Premise(lit.fact, False, text) if holds(lit, False) else None
        matched.append((lit.fact, text, yes, no))
        numeric = not kb.has_fact(lit.fact) or kb.fact(lit.fact).is_numeric
        if fixed is not None and not numeric and (yes is None) != (no is None):
            fixed.append(yes or no)  # type: ignore[arg-type]  # exactly one is set
        else:
            fixed = None
    return FiringPlan(
        rule=rule.id,
        index=index,
        concludes=rule.concludes,
        establishes=rule.establishes,
        negative=tuple(lit for lit in literals if not lit.is_positive_pattern),
        matched=tuple(matched),
        premises=None if fixed is None else tuple(fixed),
        premise_facts=tuple(dict.fromkeys(fact_id for fact_id, _, _, _ in matched)),
        assumptions=tuple(str(lit) for lit in literals if not lit.is_positive_pattern),
    )


def plain_values(case: Case, numeric: frozenset[str]) -> bool:
    """Whether every fact of a case that is not a number (``numeric``: the ids of those that
    are) is yes or no, as in every case read from input: then a plan's fixed premises hold.
    """
    return all(v is True or v is False or f in numeric for f, v in case.facts)


class Program:
    """A knowledge base compiled for the reference evaluator (build once, run many cases).

    ``strata``: the rules' strata when already known (``validate`` returns them); otherwise
    they are computed, so analyses can evaluate knowledge bases that do not validate.
    """

    def __init__(self, kb: KnowledgeBase, strata: Mapping[str, int] | None = None) -> None:
        self.kb = kb
        self.strata = dict(strata) if strata is not None else stratify(kb)
        self.inputs = frozenset(f.id for f in kb.facts if f.is_input)
        self.derived = tuple(f.id for f in kb.facts if not f.is_input)
        alternatives: list[Alternative] = []
        order = 0
        for rule in kb.rules:
            for index, literals in enumerate(rule.alternatives):
                order += 1
                negative = tuple(lit for lit in literals if not lit.is_positive_pattern)
                codes = tuple(self.code(lit) for lit in literals)
                stratum = self.strata[rule.id]
                alternatives.append(
                    Alternative(rule, index, order, stratum, literals, negative, codes)
                )
        self.alternatives: tuple[Alternative, ...] = tuple(alternatives)
        self._rule_alternatives: dict[str, tuple[int, ...]] = {}
        for number, alt in enumerate(alternatives):
            self._rule_alternatives.setdefault(alt.rule.id, ())
            self._rule_alternatives[alt.rule.id] += (number,)
        # Two-valued: which alternatives wait on a fact. A fact learned as yes or no (every
        # derived fact is yes) touches only the alternatives whose literal on it holds for that
        # value, found at compile time; any other value (a number) is tested per literal.
        self._watch: dict[str, list[tuple[int, Literal]]] = {}
        self._watch_yes: dict[str, list[int]] = {}
        self._watch_no: dict[str, list[int]] = {}
        counts = []
        for number, alt in enumerate(alternatives):
            positive = [lit for lit in alt.literals if lit.is_positive_pattern]
            counts.append(len(positive))
            for lit in positive:
                self._watch.setdefault(lit.fact, []).append((number, lit))
                if holds(lit, True):
                    self._watch_yes.setdefault(lit.fact, []).append(number)
                if holds(lit, False):
                    self._watch_no.setdefault(lit.fact, []).append(number)
        self._counts = counts
        # The agenda's order, (stratum, knowledge-base order), as one int: an alternative's
        # number is its order less one, so stratum * width + number sorts the same way.
        width = self._width = max(1, len(alternatives))
        self._key = [alt.stratum * width + n for n, alt in enumerate(alternatives)]
        self._ready = sorted(self._key[n] for n, count in enumerate(counts) if count == 0)
        self._plans = [firing_plan(kb, alt.rule, alt.index, alt.literals) for alt in alternatives]
        # Levels are tracked as the rules fire only when some link is possible: otherwise
        # everything concluded is established.
        self._track_levels = bool(kb.possible_rules)
        self._numeric = frozenset(f.id for f in kb.facts if f.is_numeric)
        # Three-valued: literals on derived facts that rise with the fact (present, is known)
        # are counted; every other literal is judged when its stratum is reached.
        self._rising: dict[str, list[int]] = {}
        self._judged: list[tuple[Code, ...]] = []
        rising_counts = []
        for number, alt in enumerate(alternatives):
            judged = []
            rising = 0
            for code in alt.codes:
                fact_id, is_input, kind, _negated, _compare, _possible = code
                if not is_input and kind in (_PRESENT, _UNKNOWN) and code_rises(code):
                    rising += 1
                    self._rising.setdefault(fact_id, []).append(number)
                else:
                    judged.append(code)
            self._judged.append(tuple(judged))
            rising_counts.append(rising)
        self._rising_counts = rising_counts
        levels = sorted({alt.stratum for alt in alternatives})
        self._layers = [
            [n for n, alt in enumerate(alternatives) if alt.stratum == level] for level in levels
        ]

    # -- two-valued ------------------------------------------------------------------------

    def firings(self, case: Case, max_firings: int = 10_000) -> tuple[Firing, ...]:
        """Every firing for a case, in experta's sequence, with the same provenance."""
        return self._fire(case, max_firings)[0]

    def run(self, case: Case, max_firings: int = 10_000) -> Result:
        """A case's result, equal to what the experta engine returns for it (its levels
        computed as the rules fired, not replayed from the firings afterwards)."""
        firings, established = self._fire(case, max_firings)
        return Result(self.kb, case, firings, established)

    def _fire(
        self, case: Case, max_firings: int
    ) -> tuple[tuple[Firing, ...], frozenset[str] | None]:
        """The firings, and the established facts when some link is possible (None when every
        link establishes: then every known fact is established).

        Work per case is proportional to what the case touches, not to the knowledge base:
        counts are kept only for the alternatives a learned fact reached.

        Levels are recorded in :class:`~whyache.engine.runtime.levels.Levels` as the firings
        happen (each establishing firing by its plan's premise facts and conclusions), so the
        result never replays them.
        """
        watch, watch_yes, watch_no = self._watch, self._watch_yes, self._watch_no
        initial, key, plans, width = self._counts, self._key, self._plans, self._width
        known: dict[str, Value] = dict(case.facts)
        count: dict[int, int] = {}  # alternatives reached this case: literals still needed
        agenda = list(self._ready)  # sorted, so already a heap
        push, pop = heapq.heappush, heapq.heappop

        for fact_id, value in case.facts:
            if value is True or value is False:
                numbers: Iterable[int] = (watch_yes if value else watch_no).get(fact_id, ())
            else:
                numbers = [n for n, lit in watch.get(fact_id, ()) if holds(lit, value)]
            for number in numbers:
                left = count.get(number, initial[number]) - 1
                count[number] = left
                if not left:
                    push(agenda, key[number])

        regular = plain_values(case, self._numeric)
        levels = Levels(self.kb, known) if self._track_levels else None
        firings: list[Firing] = []
        while agenda:
            number = pop(agenda) % width
            plan = plans[number]
            negative = plan.negative
            if negative and not all(holds(lit, known.get(lit.fact)) for lit in negative):
                continue  # an absence it needed has been concluded: experta drops it too
            if len(firings) >= max_firings:
                raise RunawayError(
                    f"stopped after {max_firings} firings: the knowledge base "
                    "keeps concluding new facts (a rule feeds itself?)"
                )
            new = []
            for fact_id in plan.concludes:
                if fact_id not in known:
                    known[fact_id] = True
                    new.append(fact_id)
                    for reached in watch_yes.get(fact_id, ()):
                        left = count.get(reached, initial[reached]) - 1
                        count[reached] = left
                        if not left:
                            push(agenda, key[reached])
            if levels is not None and plan.establishes:
                levels.establishing(plan.premise_facts, plan.concludes)
            firings.append(plan.firing(len(firings) + 1, known, regular, new))
        return tuple(firings), None if levels is None else frozenset(levels.established)

    def derive(self, values: Mapping[str, Value]) -> set[str]:
        """The facts the rules conclude from ``values`` (those not already given)."""
        case = Case(tuple(sorted(values.items())))
        return {f for firing in self.firings(case) for f in firing.new}

    # -- three-valued ----------------------------------------------------------------------

    def code(self, lit: Literal) -> Code:
        """A literal compiled for :func:`literal_rank`."""
        atom = lit.atom
        is_input = lit.fact in self.inputs
        if isinstance(atom, Compare):
            possible = self.kb.has_fact(lit.fact) and satisfiable(atom, self.kb.fact(lit.fact))
            return (lit.fact, is_input, _COMPARE, lit.negated, atom, possible)
        kind = _PRESENT if isinstance(atom, Present) else _DENIED
        kind = _UNKNOWN if isinstance(atom, Unknown) else kind
        return (lit.fact, is_input, kind, lit.negated, None, True)

    def outlook(
        self, values: Mapping[str, Value], closed: frozenset[str] | set[str] = frozenset()
    ) -> tuple[dict[str, int], dict[str, int]]:
        """Three-valued ranks of every derived fact and every rule, for inputs ``values``
        known and the inputs in ``closed`` unknown for good (every other input is open).

        A derived fact's rank is the best rank of the rules concluding it, a rule's the best
        of its alternatives, an alternative's the worst of its literals (:func:`literal_rank`).
        """
        alternatives, rising, judged = self.alternatives, self._rising, self._judged
        rank = dict.fromkeys(self.derived, NO)
        rule_rank = dict.fromkeys((r.id for r in self.kb.rules), NO)
        alt_rank = [NO] * len(alternatives)
        below1 = list(self._rising_counts)  # rising literals not yet open or better
        below2 = list(self._rising_counts)  # rising literals not yet settled yes
        ceiling = [NO] * len(alternatives)  # worst judged literal, once the stratum is reached
        started = [False] * len(alternatives)
        raised: list[tuple[str, int]] = []
        # A finding the case gives (an observed kind) keeps its value whatever the rules say.
        fixed = {f for f in values if f in rank}

        def settle(number: int) -> None:
            counted = YES if not below2[number] else OPEN if not below1[number] else NO
            now = min(ceiling[number], counted)
            if now <= alt_rank[number]:
                return
            alt_rank[number] = now
            rule = alternatives[number].rule
            if now > rule_rank[rule.id]:
                rule_rank[rule.id] = now
            for fact_id in rule.concludes:
                if now > rank.get(fact_id, YES) and fact_id not in fixed:
                    raised.append((fact_id, now))

        def propagate() -> None:
            while raised:
                fact_id, now = raised.pop()
                before = rank[fact_id]
                if now <= before:
                    continue
                rank[fact_id] = now
                for user in rising.get(fact_id, ()):
                    if before < OPEN <= now:
                        below1[user] -= 1
                    if now == YES:
                        below2[user] -= 1
                    if started[user]:
                        settle(user)

        for fact_id in sorted(fixed):
            if values[fact_id] is not False:
                raised.append((fact_id, YES))
        propagate()
        for layer in self._layers:
            for number in layer:
                started[number] = True
                worst = YES
                for code in judged[number]:
                    worst = min(worst, literal_rank(code, values, closed, rank))
                    if worst == NO:
                        break
                ceiling[number] = worst
                settle(number)
                propagate()
        return rank, rule_rank

    def rule_rank(
        self,
        rule_id: str,
        values: Mapping[str, Value],
        closed: frozenset[str] | set[str],
        rank: Mapping[str, int],
    ) -> int:
        """One rule's rank given the ranks of the derived facts it tests (for re-evaluating
        one rule after an answer changes, see ``outlook.py``)."""
        best = NO
        for number in self._rule_alternatives.get(rule_id, ()):
            worst = YES
            for code in self.alternatives[number].codes:
                worst = min(worst, literal_rank(code, values, closed, rank))
                if worst == NO:
                    break
            if worst == YES:
                return YES
            best = max(best, worst)
        return best


def code_rises(code: Code) -> bool:
    """Whether a literal on a derived fact rises with the fact's rank (present, is known)."""
    _fact, _is_input, kind, negated, _compare, _possible = code
    return (kind == _PRESENT and not negated) or (kind == _UNKNOWN and negated)


def literal_rank(
    code: Code,
    values: Mapping[str, Value],
    closed: frozenset[str] | set[str],
    rank: Mapping[str, int],
) -> int:
    """The three-valued rank of one literal.

    An input is known (its value decides), closed (unknown for good) or open: then the literal
    is open, unless it compares the input with a number outside the fact's range. A derived
    fact settled yes is present, settled no is absent; an open one leaves the literal open,
    except ``= no``, which a derived fact never is.
    """
    fact_id, is_input, kind, negated, compare, possible = code
    value: Value | None
    if fact_id in values:  # an input, or a finding the case gives
        value = values[fact_id]
    elif is_input:
        if fact_id in closed:
            value = None
        elif kind == _COMPARE and not possible:
            return YES if negated else NO
        else:
            return OPEN
    else:
        derived = rank[fact_id]
        if derived == OPEN:
            if kind == _DENIED:
                return YES if negated else NO
            return OPEN
        value = True if derived else None
    if kind == _PRESENT:
        result = value is not None and value is not False
    elif kind == _DENIED:
        result = value is False
    elif kind == _UNKNOWN:
        result = value is None
    else:
        result = value is not None and compare is not None and compare.test(value)
    return YES if result != negated else NO


# -- reachability ----------------------------------------------------------------------------


def closure(
    kb: KnowledgeBase,
    start: Iterable[str],
    needs: Callable[[RuleDef, tuple[Literal, ...]], Sequence[str] | None],
) -> tuple[frozenset[str], frozenset[tuple[str, int]]]:
    """The monotone fixpoint: facts reachable from ``start`` and the alternatives that reach.

    ``needs(rule, alternative)`` names the facts an alternative needs to be reached, or None
    when it can never hold; absences need nothing (every fact can stay unknown). A rule's
    conclusions are reached when one of its alternatives has all it needs. Counter-based:
    linear in the knowledge base.
    """
    reached = set(start)
    live: set[tuple[str, int]] = set()
    waiting: dict[str, list[int]] = {}
    count: list[int] = []
    owners: list[tuple[RuleDef, int]] = []
    ready: list[int] = []
    for rule in kb.rules:
        try:
            alternatives = rule.alternatives
        except ConditionSyntaxError:  # reported by validation as a schema error
            continue
        for index, literals in enumerate(alternatives):
            needed = needs(rule, literals)
            if needed is None:
                continue
            number = len(owners)
            owners.append((rule, index))
            missing = {f for f in needed if f not in reached}
            count.append(len(missing))
            for fact_id in missing:
                waiting.setdefault(fact_id, []).append(number)
            if not missing:
                ready.append(number)
    while ready:
        rule, index = owners[ready.pop()]
        live.add((rule.id, index))
        for fact_id in rule.concludes:
            if fact_id in reached or not kb.has_fact(fact_id):
                continue
            reached.add(fact_id)
            for number in waiting.get(fact_id, ()):
                count[number] -= 1
                if not count[number]:
                    ready.append(number)
    return frozenset(reached), frozenset(live)


def positive_facts(_rule: RuleDef, literals: tuple[Literal, ...]) -> Sequence[str]:
    """What an alternative needs when values are ignored: the facts it matches."""
    return [lit.fact for lit in literals if lit.is_positive_pattern]


_PROGRAMS: dict[int, tuple[KnowledgeBase, Program]] = {}


def program(kb: KnowledgeBase, strata: Mapping[str, int] | None = None) -> Program:
    """The compiled program of a knowledge base, remembered for the last few (analyses call
    the evaluator many times on one knowledge base)."""
    cached = _PROGRAMS.get(id(kb))
    if cached is not None and cached[0] is kb:
        return cached[1]
    made = Program(kb, strata)
    if len(_PROGRAMS) >= 8:
        _PROGRAMS.pop(next(iter(_PROGRAMS)))
    _PROGRAMS[id(kb)] = (kb, made)
    return made


class ReferenceEngine:
    """The reference evaluator behind the same interface as :class:`~whyache.engine.Engine`:
    a validated knowledge base, compiled once, running cases to the same results."""

    def __init__(self, kb: KnowledgeBase, *, max_firings: int = 10_000) -> None:
        self.kb = kb
        self._max_firings = max_firings
        self._program = Program(kb, validate(kb))

    def run(self, case: Case) -> Result:
        """Run one case (nothing is kept between cases)."""
        for fact_id, _value in case.facts:
            if not self.kb.has_fact(fact_id):
                raise EngineError(f"the case gives undeclared fact {fact_id!r}")
        return self._program.run(case, self._max_firings)
