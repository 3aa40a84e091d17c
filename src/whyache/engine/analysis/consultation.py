"""A consultation: ask only the questions whose answers can still change a conclusion.

Nothing here reads or prints; the CLI asks, this module decides what to ask and why.

The state is a frozen :class:`Consultation` (facts given up front, then answers in the order
they were given, so ``back`` is dropping the last one). A :class:`Consultant`, built once
per knowledge base, picks the next question:

1. *Goals* are the red flags and conditions that are still open (see
   :mod:`whyache.engine.analysis.outlook`): some answer could still conclude them, or withdraw them
   when they hang on something not being known. Symptoms, mechanisms and recommendations
   explain and follow from them; they become goals only in a knowledge base without red
   flags or conditions.
2. *Candidates* are unanswered input facts on a still-possible path to a goal. A fact that
   reaches no open goal is never asked: its answer could not change a conclusion. A red flag
   is traced through every rule; any other goal through establishing links only, since an
   answer that could only make a condition *possible* does not settle it (risk factors).
3. Each candidate is scored by the goals its answers would settle, weighted by kind (red
   flags most) and averaged over its possible answers (yes and no, or one number per range
   its comparisons tell apart). Ties go to the fact closest to completing a rule (fewest
   other questions still needed), then to the fact id, so the order is deterministic.

4. Where the knowledge base groups the chosen fact with others (``question_groups:``), the
   whole group is asked at once ("any of these?"), as a clinician screens: "no" settles
   every fact of it in one answer.

The consultation ends when no candidate is left. Red flags are never skipped: asking stops
only when no red flag can change, and :meth:`Consultant.unresolved` names the red flags
that unanswered questions leave possible.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from whyache.engine.analysis.outlook import Outlook, Plan
from whyache.engine.errors import InputError
from whyache.engine.model.case import Case
from whyache.engine.model.conditions import Literal, Value
from whyache.engine.model.definitions import INPUT, KnowledgeBase


def goal_tiers(kb: KnowledgeBase) -> tuple[tuple[str, ...], ...]:
    """The knowledge base's kinds grouped by their ``tier`` (lowest first), inputs left out.

    A consultation tries to settle the facts of one tier; each settled fact is worth its
    kind's ``weight``. The bundled knowledge base puts red flags and conditions (the
    differential) first; symptoms and advice, then mechanisms, explain and follow from them.
    """
    tiers: dict[int, list[str]] = {}
    for kind in kb.kind_order:
        if kind != INPUT:
            tiers.setdefault(kb.kind(kind).tier, []).append(kind)
    return tuple(tuple(tiers[t]) for t in sorted(tiers))


def goal_kinds(kb: KnowledgeBase) -> tuple[str, ...]:
    """The first tier of goal kinds that some rule of the knowledge base can conclude."""
    concluded = {kb.fact(f).kind for rule in kb.rules for f in rule.concludes}
    tiers = goal_tiers(kb) or ((),)
    for tier in tiers:
        if concluded & set(tier):
            return tier
    return tiers[0]


@dataclass(frozen=True)
class Answer:
    """One answered question; ``value`` None means the person does not know.

    An answer to a question group (``group``) is recorded as one answer per fact for "no"
    and "unknown", and as the group alone (``fact`` empty) for "yes", after which its facts
    are asked one by one. The answers of one group question are one step for ``back``.
    """

    fact: str
    value: Value | None
    group: str = ""


@dataclass(frozen=True)
class Consultation:
    """Facts given up front and the answers since, in the order they were given."""

    given: Case = field(default_factory=Case)
    answers: tuple[Answer, ...] = ()

    @property
    def case(self) -> Case:
        """Everything known, as a case: what ``whyache run`` would be given."""
        values = self.given.values
        values.update({a.fact: a.value for a in self.answers if a.fact and a.value is not None})
        return Case(tuple(sorted(values.items())))

    @property
    def declined(self) -> tuple[str, ...]:
        """Facts answered "unknown", sorted; they are not asked again."""
        return tuple(sorted(a.fact for a in self.answers if a.fact and a.value is None))

    @property
    def steps(self) -> int:
        """Questions answered so far: a group's answers count once."""
        return len(self._steps())

    def settled(self, fact_id: str) -> bool:
        """Whether a fact was given up front or answered (even as unknown)."""
        return self.given.get(fact_id) is not None or any(a.fact == fact_id for a in self.answers)

    def group_asked(self, group_id: str) -> bool:
        return any(a.group == group_id for a in self.answers)

    def answer(self, fact_id: str, value: Value | None) -> Consultation:
        if self.settled(fact_id):
            raise InputError(f"{fact_id!r} is already answered", hint="use back to change it")
        return Consultation(self.given, (*self.answers, Answer(fact_id, value)))

    def answer_group(
        self, group_id: str, facts: tuple[str, ...], value: bool | None
    ) -> Consultation:
        """Answer "any of these?" for the group's ``facts`` still unanswered: no (every one
        denied), unknown (every one declined) or yes (asked one by one next)."""
        if self.group_asked(group_id):
            raise InputError(f"{group_id!r} is already answered", hint="use back to change it")
        if value is True:
            return Consultation(self.given, (*self.answers, Answer("", True, group_id)))
        added = tuple(Answer(f, value, group_id) for f in facts if not self.settled(f))
        return Consultation(self.given, (*self.answers, *added))

    def back(self) -> Consultation:
        """The consultation without its last answer (facts given up front stay); the
        answers of a group question go back together."""
        steps = self._steps()
        if not steps:
            raise InputError("no answer to go back to")
        return Consultation(self.given, self.answers[: steps[-1]])

    def _steps(self) -> list[int]:
        """Where each answered question starts in ``answers``."""
        starts: list[int] = []
        for index, answer in enumerate(self.answers):
            before = self.answers[index - 1] if index else None
            same_group = before is not None and answer.group and before.group == answer.group
            if not same_group or answer.fact == "":
                starts.append(index)
        return starts


@dataclass(frozen=True)
class Question:
    """The next question: an input fact, its text, and the goals its answer can settle.

    A question of a group (``group``) asks about all of ``facts`` at once ("any of these?");
    ``fact`` is then the one among them that earned the question its place.
    """

    fact: str
    text: str
    serves: tuple[str, ...]
    expected: Fraction
    closeness: Fraction
    group: str = ""
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reason:
    """Why a question is asked: a goal it can settle and the rules on the way to it."""

    goal: str
    kind: str
    rules: tuple[str, ...]


_Involvement = dict[str, int]
"""Open input fact -> fewest open questions on a path to a goal through that fact."""


class Consultant:
    """Chooses questions for one knowledge base; build once, use for many consultations."""

    def __init__(self, kb: KnowledgeBase, kinds: tuple[str, ...] | None = None) -> None:
        self.kb = kb
        self.kinds = kinds if kinds is not None else goal_kinds(kb)
        self.plan = Plan(kb)
        self._rule_order = {rule.id: index for index, rule in enumerate(kb.rules)}
        # States recur (after "back", and across scripted consultations that share a start),
        # and the choice is a pure function of the state, so remember recent ones.
        self._choose = functools.lru_cache(maxsize=4096)(self._choose_question)

    def outlook(self, consultation: Consultation, *, close_declined: bool = True) -> Outlook:
        closed = consultation.declined if close_declined else ()
        return self.plan.outlook(consultation.case.values, closed)

    def next_question(
        self, consultation: Consultation, kinds: tuple[str, ...] | None = None
    ) -> Question | None:
        """The most useful question still worth asking, or None when nothing can change.

        ``kinds`` narrows the goals (e.g. to red flags alone when the person says done).
        """
        return self._choose(consultation, kinds or self.kinds)

    def _choose_question(
        self, consultation: Consultation, kinds: tuple[str, ...]
    ) -> Question | None:
        outlook = self.outlook(consultation)
        goals = self._goals(outlook, kinds)
        tracers = self._tracers(outlook)
        involvement = {goal: tracers(goal).involvement(goal) for goal in goals}
        candidates = sorted({fact for inv in involvement.values() for fact in inv})
        if not candidates:
            return None
        weight = {g: self.kb.kind(self.kb.fact(g).kind).weight for g in goals}
        served = {f: [g for g in goals if f in involvement[g]] for f in candidates}
        closeness = {
            f: sum((Fraction(weight[g], involvement[g][f]) for g in served[f]), Fraction(0))
            for f in candidates
        }
        # An answer can settle only goals the fact serves, so their weight bounds its score:
        # look ahead in order of that bound and stop once no bound can beat the best so far.
        bound = {f: Fraction(sum(weight[g] for g in served[f])) for f in candidates}
        best: tuple[Fraction, Fraction, str] | None = None
        for fact_id in sorted(candidates, key=lambda f: (-bound[f], -closeness[f], f)):
            if best is not None and not _beats((bound[fact_id], closeness[fact_id], fact_id), best):
                break
            key = (self._expected(outlook, goals, weight, fact_id), closeness[fact_id], fact_id)
            if best is None or _beats(key, best):
                best = key
        assert best is not None
        expected, close, fact_id = best
        order = sorted(
            served[fact_id],
            key=lambda g: (self.kb.kind_rank(self.kb.fact(g).kind), involvement[g][fact_id], g),
        )
        fact = self.kb.fact(fact_id)
        group = self.kb.group_of(fact_id)
        if group is not None and not consultation.group_asked(group.id):
            pending = tuple(f for f in group.facts if not consultation.settled(f))
            if len(pending) >= 2:
                return Question(
                    fact_id, group.question, tuple(order), expected, close, group.id, pending
                )
        return Question(fact_id, fact.question or fact.label, tuple(order), expected, close)

    def reasons(
        self, consultation: Consultation, fact_id: str, kinds: tuple[str, ...] | None = None
    ) -> tuple[Reason, ...]:
        """The open goals a question can settle, each with the rules linking them, best first."""
        outlook = self.outlook(consultation)
        tracers = self._tracers(outlook)
        found = []
        for goal in self._goals(outlook, kinds or self.kinds):
            tracer = tracers(goal)
            inv = tracer.involvement(goal)
            if fact_id in inv:
                rules = tracer.rules_via(goal, fact_id)
                found.append((inv[fact_id], Reason(goal, self.kb.fact(goal).kind, rules)))
        found.sort(key=lambda item: (self.kb.kind_rank(item[1].kind), item[0], item[1].goal))
        return tuple(reason for _cost, reason in found)

    def unresolved(
        self, consultation: Consultation, kinds: tuple[str, ...] | None = None
    ) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Goals that unanswered (or "unknown") questions leave possible, with those questions.

        ``kinds`` defaults to the knowledge base's urgent kinds.
        """
        kinds = self.kb.urgent_kinds if kinds is None else kinds
        outlook = self.outlook(consultation, close_declined=False)
        tracer = _Tracer(self, outlook)
        out = []
        for goal in self._goals(outlook, kinds):
            inputs = tuple(sorted(tracer.involvement(goal)))
            if inputs:
                out.append((goal, inputs))
        return tuple(out)

    def _tracers(self, outlook: Outlook) -> Callable[[str], _Tracer]:
        """The tracer for a goal: every rule for an urgent fact (a red flag is worth asking
        for even when only a possible link reaches it), establishing rules for the rest (a
        question that could only make a condition possible does not settle it)."""
        full = _Tracer(self, outlook)
        strict = _Tracer(self, outlook, strict=True) if self.kb.possible_rules else full

        def tracer(goal: str) -> _Tracer:
            return full if self.kb.is_urgent(goal) else strict

        return tracer

    def _goals(self, outlook: Outlook, kinds: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(f for f in outlook.open_facts if self.kb.fact(f).kind in kinds)

    def _expected(
        self, outlook: Outlook, goals: tuple[str, ...], weight: dict[str, int], fact_id: str
    ) -> Fraction:
        """Weighted goals settled by answering ``fact_id``, averaged over its answers."""
        answers = self.plan.sample_answers(self.kb.fact(fact_id))
        total = 0
        for value in answers:
            values = {**outlook.values, fact_id: value}
            after = Outlook(self.plan, values, outlook.closed, base=outlook, changed=fact_id)
            total += sum(weight[g] for g in goals if after.status(g) is not None)
        return Fraction(total, len(answers))


def _beats(a: tuple[Fraction, Fraction, str], b: tuple[Fraction, Fraction, str]) -> bool:
    """Higher score first, then higher closeness, then the smaller fact id."""
    return (a[0], a[1]) > (b[0], b[1]) or ((a[0], a[1]) == (b[0], b[1]) and a[2] < b[2])


class _Tracer:
    """Walks the still-possible rule alternatives behind open facts for one outlook."""

    def __init__(self, consultant: Consultant, outlook: Outlook, strict: bool = False) -> None:
        self.kb = consultant.kb
        self.plan = consultant.plan
        self.order = consultant._rule_order
        self.outlook = outlook
        #: Walk establishing rules only: a question that could only make a goal possible
        #: is not worth asking for it (see Consultant's docstring).
        self.strict = strict
        self._memo: dict[str, _Involvement] = {}
        self._active: set[str] = set()

    def involvement(self, fact_id: str) -> _Involvement:
        """Open inputs that can change an open derived fact, each with its path cost."""
        if fact_id in self._memo:
            return self._memo[fact_id]
        if fact_id in self._active or self.outlook.status(fact_id) is not None:
            return {}
        self._active.add(fact_id)
        result: _Involvement = {}
        for rule in self.kb.rules_concluding(fact_id):
            if self.strict and not rule.establishes:
                continue
            for alt in self.plan.alternatives[rule.id]:
                parts = self._open_parts(alt.literals)
                if parts is None:
                    continue
                total = sum(cost for cost, _inv in parts)
                for cost, inv in parts:
                    for input_id, sub in inv.items():
                        candidate = total - cost + sub
                        if candidate < result.get(input_id, candidate + 1):
                            result[input_id] = candidate
        self._active.discard(fact_id)
        self._memo[fact_id] = result
        return result

    def _open_parts(self, literals: tuple[Literal, ...]) -> list[tuple[int, _Involvement]] | None:
        """Cost and involvement of each open literal; None when the alternative cannot hold."""
        parts: list[tuple[int, _Involvement]] = []
        inputs_seen: set[str] = set()
        for lit in literals:
            status = self.outlook.literal(lit)
            if status is False:
                return None
            if status is True:
                continue
            if lit.fact in self.plan.inputs:
                if lit.fact not in inputs_seen:
                    inputs_seen.add(lit.fact)
                    parts.append((1, {lit.fact: 1}))
                continue
            inv = self.involvement(lit.fact)
            parts.append((min(inv.values(), default=1), inv))
        return parts

    def rules_via(self, fact_id: str, input_id: str) -> tuple[str, ...]:
        """Rules on still-possible paths from an open input to an open fact, in KB order."""
        found: set[str] = set()
        seen: set[str] = set()

        def walk(target: str) -> None:
            if target in seen:
                return
            seen.add(target)
            for rule in self.kb.rules_concluding(target):
                if self.strict and not rule.establishes:
                    continue
                for alt in self.plan.alternatives[rule.id]:
                    parts = self._open_parts(alt.literals)
                    if parts is None or not any(input_id in inv for _c, inv in parts):
                        continue
                    found.add(rule.id)
                    for lit in alt.literals:
                        if lit.fact not in self.plan.inputs and input_id in self.involvement(
                            lit.fact
                        ):
                            walk(lit.fact)

        walk(fact_id)
        return tuple(sorted(found, key=self.order.__getitem__))
