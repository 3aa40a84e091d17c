"""Observed findings explained: "why do my legs ache?" answered from the facts given.

A **finding** is a fact of an observed kind (``KindDef.observed``: a complaint such as leg
ache or cramps) that the case gives as present. An unknown finding is not explained. A
**denied** finding (given as no) is said only when the other given facts *establish* it: the
runner reports no ache where the documents' links lead to one, so a fact given may be wrong
or a link may not hold for this runner; it is listed, flagged ``denied``, with its
established explanations only (a possible explanation contradicts nothing).

A **documented cause** of a finding is a rule that concludes it: a link that one or more
documents state, from the facts it starts from (its premises: dehydration, DOMS, a stress
fracture) to the finding. Each is judged on the case *without* the finding, on the rules that
do not test it, so that an explanation rests on the other given facts only (the ache never
explains the ache). A documented cause is then

* **supported** when it fired there. The firing is an **explanation**: its chain back to given
  facts (each derived premise through its first derivation at its own level, so an
  established fact reads through an established derivation), the chain's **first causes**
  (the concluded facts whose premises are all given), its **level** (``established`` when
  the rule establishes and every premise is established, else ``possible``) and its
  **support** (how many documents state the link into the finding; both from
  :mod:`whyache.engine.explain.strength`). A possible explanation names the possible links
  it rests on, and the fewest input facts that would establish what its link starts from
  (WHY-NOT's establish mode): when the link establishes, that establishes the explanation;
  when the link itself is possible, the explanation stays possible;
* **not yet supported** when it did not fire but added input facts would make it fire: the
  fewest such facts (WHY-NOT's smallest additions, each checked on the extended case), with
  the level the finding would then have through it;
* **out of reach** when no added input makes it fire (given facts rule it out).

Every fact that a derivation of the finding passes through is kept with the best level of
such a derivation (``through``); scenario files check ``explains:`` against it.

Deterministic and bounded: explanations come established first, then the most direct (the
fewest rules on the chain shown), then by support, then in firing order; causes not yet
supported by the fewest facts needed, then by support, then in knowledge-base order. At
most :data:`MAX_EXPLANATIONS` and :data:`MAX_OPEN` are kept and the rest counted. Runs use
the reference evaluator: the engine's semantics, without experta.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

from whyache.engine.analysis.report import Link as Chain
from whyache.engine.analysis.report import chain_of
from whyache.engine.explain.strength import Strength, possible_links, strength
from whyache.engine.model.case import Case
from whyache.engine.model.conditions import Value
from whyache.engine.model.definitions import (
    ESTABLISHED,
    POSSIBLE,
    KnowledgeBase,
    RuleDef,
    Source,
)
from whyache.engine.runtime import reference
from whyache.engine.runtime.result import Firing, Result

if TYPE_CHECKING:
    from whyache.engine.explain.why_not import Addition

#: Explanations and causes not yet supported kept per finding; the rest are counted.
MAX_EXPLANATIONS = 3
MAX_OPEN = 3
#: Sets of facts offered per cause (to support it, or to establish an explanation).
MAX_NEEDS = 3


@dataclass(frozen=True)
class Needed:
    """Input conditions that, added to the case, would support a cause; ``example`` satisfies
    them (``-f fact=value``) and ``level`` is what the finding would then be through it (for
    what would establish the cause of a possible link: what the cause would be)."""

    conditions: tuple[str, ...]
    example: tuple[tuple[str, Value], ...]
    level: str


@dataclass(frozen=True)
class Explanation:
    """A documented cause the facts support: one firing that concluded the finding."""

    rule: str
    level: str
    support: int
    #: The facts the link into the finding starts from (the firing's premises).
    cause: tuple[str, ...]
    #: The finding and its derivation through this firing, down to given facts.
    chain: Chain
    given: tuple[str, ...]
    first_causes: tuple[str, ...]
    #: Possible only: the possible links it rests on, those of its chain first, cause first.
    links: tuple[Strength, ...]
    #: Possible only: the fewest input facts that would establish what the link starts from,
    #: and so the explanation when the link establishes (none: nothing added can).
    establish: tuple[Addition, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class OpenCause:
    """A documented cause the facts do not yet support, and what would support it."""

    rule: str
    cause: tuple[str, ...]
    support: int
    needs: tuple[Needed, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class FindingExplanation:
    """What explains one reported finding, and what else could."""

    finding: str
    #: The best explanation's level; None when nothing given explains it.
    level: str | None
    explanations: tuple[Explanation, ...]
    more_explanations: int
    open_causes: tuple[OpenCause, ...]
    more_open: int
    #: Documented causes (rule ids) that no added input can support.
    out_of_reach: tuple[str, ...]
    #: Every fact a derivation of the finding passes through, with the best level of such a
    #: derivation, sorted by fact.
    through: tuple[tuple[str, str], ...]
    #: How many documented causes the knowledge base has for the finding, and how many of
    #: them the facts support (a rule counts once, however many of its alternatives fired).
    documented: int
    supported: int
    #: The case denies the finding, yet the other given facts establish it (see above).
    denied: bool = False

    @cached_property
    def _levels_through(self) -> Mapping[str, str]:
        return dict(self.through)

    def level_through(self, fact_id: str) -> str | None:
        """The best level at which the finding is explained through a fact; None: it is not."""
        return self._levels_through.get(fact_id)


def reported_findings(result: Result) -> tuple[str, ...]:
    """The findings a case gives as present, in the case's order."""
    return tuple(f for f, v in result.case.facts if v is True and result.kb.is_observed(f))


def explain_findings(result: Result) -> tuple[FindingExplanation, ...]:
    """Each reported finding explained, then each denied finding that the other facts
    establish (see the module docstring); empty when neither is given."""
    reported = tuple(explain_finding(result, f) for f in reported_findings(result))
    return reported + denied_findings(result)


def denied_findings(result: Result) -> tuple[FindingExplanation, ...]:
    """The findings the case denies that its other facts establish, in the case's order,
    each with its established explanations only."""
    kb = result.kb
    denied = []
    for fact, value in result.case.facts:
        if value is not False or not kb.is_observed(fact) or not result.derivations(fact):
            continue  # a rule could only conclude it if one fired for it
        found = explain_finding(result, fact, causes_not_supported=False)
        if found.level != ESTABLISHED:
            continue
        established = tuple(e for e in found.explanations if e.level == ESTABLISHED)
        denied.append(
            replace(
                found,
                explanations=established,
                more_explanations=0,  # the uncounted ones may be possible only
                denied=True,
            )
        )
    return tuple(denied)


def explain_finding(
    result: Result, finding: str, *, causes_not_supported: bool = True
) -> FindingExplanation:
    """One reported finding explained (see the module docstring); without
    ``causes_not_supported``, the documented causes that did not fire are not searched
    for what would support them (a denied finding lists its explanations only)."""
    from whyache.engine.explain.why_not import rule_additions  # only when a finding is reported

    kb = _derived(result.kb, finding, lambda r: finding not in r.premises)
    bare_case = Case(tuple((f, v) for f, v in result.case.facts if f != finding))
    bare = reference.program(kb).run(bare_case)
    documented = [r.id for r in kb.rules_concluding(finding)]
    firings = bare.derivations(finding)
    explanations = sorted(
        (_explanation(bare, finding, firing) for firing in firings),
        # The most direct first; stable, so firing order breaks the last ties.
        key=lambda e: (e.level != ESTABLISHED, len(e.chain.rules()), -e.support),
    )
    shown = _with_establishing(bare, explanations[:MAX_EXPLANATIONS])
    fired = {f.rule for f in firings}
    waiting = [r for r in documented if r not in fired] if causes_not_supported else []
    additions = rule_additions(kb, bare, waiting, MAX_NEEDS) if waiting else {}
    order = {rule_id: n for n, rule_id in enumerate(documented)}
    reachable = sorted(
        (r for r in waiting if additions[r]),
        key=lambda r: (len(additions[r][0].conditions), -kb.rule(r).support, order[r]),
    )
    program = reference.program(kb)
    opened: list[OpenCause] = []
    for rule_id in reachable[:MAX_OPEN]:
        needs = []
        for addition in additions[rule_id]:
            extended = {**dict(bare_case.facts), **dict(addition.example)}
            run = program.run(Case(tuple(sorted(extended.items()))))
            needs.append(Needed(addition.conditions, addition.example, _level(run, rule_id)))
        rule = kb.rule(rule_id)
        opened.append(OpenCause(rule_id, _cause(rule), rule.support, tuple(needs), rule.sources))
    return FindingExplanation(
        finding=finding,
        level=explanations[0].level if explanations else None,
        explanations=tuple(shown),
        more_explanations=len(explanations) - len(shown),
        open_causes=tuple(opened),
        more_open=len(reachable) - len(opened),
        out_of_reach=tuple(r for r in waiting if not additions[r]),
        through=_through(bare, finding),
        documented=len(documented),
        supported=len(fired),
    )


def _explanation(result: Result, finding: str, firing: Firing) -> Explanation:
    kb = result.kb
    step = strength(result, firing)
    chain = Chain(
        finding, premises=tuple(chain_of(result, f) for f in step.premises), rule=firing.rule
    )
    rules = chain.rules()
    return Explanation(
        rule=firing.rule,
        level=step.level,
        support=step.support,
        cause=step.premises,
        chain=chain,
        given=tuple(leaf.fact for leaf in chain.given()),
        first_causes=_first_causes(chain),
        links=_links(result, step, rules),
        establish=(),
        # The link into the finding first: its support is the one given.
        sources=tuple(dict.fromkeys(s for r in (firing.rule, *rules) for s in kb.rule(r).sources)),
    )


def _links(result: Result, step: Strength, rules: tuple[str, ...]) -> tuple[Strength, ...]:
    """The possible links a possible explanation rests on: its own, and those below its
    possible premises; those of the chain shown first, cause first (as the report orders)."""
    if not step.possible:
        return ()
    found: dict[str, Strength] = {}
    for premise in step.possible_premises:
        found.update((s.rule, s) for s in possible_links(result, premise) if s.rule not in found)
    if step.possible_link:
        found.setdefault(step.rule, step)
    order = {rule: index for index, rule in enumerate(rules)}
    shown = sorted((s for s in found.values() if s.rule in order), key=lambda s: order[s.rule])
    return tuple(shown) or tuple(found.values())


def _cause(rule: RuleDef) -> tuple[str, ...]:
    """What a rule starts from: the facts its condition needs present (not its absences)."""
    return tuple(
        dict.fromkeys(
            lit.fact for alt in rule.alternatives for lit in alt if lit.is_positive_pattern
        )
    )


def _first_causes(chain: Chain) -> tuple[str, ...]:
    """The concluded facts of a chain whose premises are all given (nearest the case)."""
    found: dict[str, None] = {}

    def walk(link: Chain) -> None:
        if link.value is not None or link.repeated or not link.premises:
            return
        if all(p.value is not None for p in link.premises):
            found[link.fact] = None
        for premise in link.premises:
            walk(premise)

    for premise in chain.premises:
        walk(premise)
    return tuple(found)


def _with_establishing(result: Result, explanations: list[Explanation]) -> list[Explanation]:
    """Possible explanations gain the fewest input facts that would establish what their link
    starts from (WHY-NOT's establish mode): for an establishing link that establishes the
    explanation; for a possible link its cause only (the explanation stays possible)."""
    from whyache.engine.explain.why_not import rule_additions

    wanted = dict.fromkeys(e.rule for e in explanations if e.level == POSSIBLE)
    if not wanted:
        return explanations
    additions = rule_additions(result.kb, result, wanted, MAX_NEEDS, establish=True)
    return [
        replace(e, establish=tuple(a for a in additions.get(e.rule, ()) if a.conditions))
        if e.level == POSSIBLE
        else e
        for e in explanations
    ]


def _level(result: Result, rule_id: str) -> str:
    """The best level a rule's firings have in a run (it fired)."""
    levels = {result.firing_level(f) for f in result.firings if f.rule == rule_id}
    return ESTABLISHED if ESTABLISHED in levels else POSSIBLE


def _through(result: Result, finding: str) -> tuple[tuple[str, str], ...]:
    """Every fact on a derivation of the finding, with the best level of one through it: a
    path of established firings makes it established (their premises are all established)."""
    concluding: dict[str, list[Firing]] = {}
    for firing in result.firings:
        for fact_id in firing.concludes:
            concluding.setdefault(fact_id, []).append(firing)
    levels: dict[str, str] = {}
    for level in (POSSIBLE, ESTABLISHED):
        stack, seen = [finding], {finding}
        while stack:
            for firing in concluding.get(stack.pop(), ()):
                if level == ESTABLISHED and result.firing_level(firing) != ESTABLISHED:
                    continue
                for premise in firing.premises:
                    if premise.fact not in seen:
                        seen.add(premise.fact)
                        levels[premise.fact] = level
                        stack.append(premise.fact)
    return tuple(sorted(levels.items()))


_DERIVED: dict[tuple[int, str], tuple[KnowledgeBase, KnowledgeBase]] = {}


def _derived(kb: KnowledgeBase, tag: str, keep: Callable[[RuleDef], bool]) -> KnowledgeBase:
    """The knowledge base with the rules ``keep`` accepts (itself when it accepts all),
    remembered per knowledge base and ``tag`` for the last few, like the reference programs."""
    cached = _DERIVED.get((id(kb), tag))
    if cached is not None and cached[0] is kb:
        return cached[1]
    rules = tuple(r for r in kb.rules if keep(r))
    made = kb if len(rules) == len(kb.rules) else replace(kb, rules=rules)
    if len(_DERIVED) >= 16:
        _DERIVED.pop(next(iter(_DERIVED)))
    _DERIVED[(id(kb), tag)] = (kb, made)
    return made
