"""Lint a knowledge base: every problem at once, each as a finding with a stable check code.

Validation (:mod:`whyache.engine.model.validation`) answers "can this run?" and stops at the first
error. The linter answers "is this knowledge base sound?": it reports all validation errors and,
on top, what only a look at the whole rule graph shows.

======================  =======  ==========================================================
check                   level    fires when
======================  =======  ==========================================================
schema                  error    a file or value has the wrong shape (from the loader, or a
                                 missing description, question or numeric range)
duplicate-id            error    a fact, alias, rule or document is declared twice
disagreement            error    a disagreement names unknown rules, or fewer than two
no-source               error    a rule cites no source
unknown-document        error    a rule cites a document the registry does not hold
unknown-section         error    a rule cites a section its document does not have
undeclared-fact         error    a rule mentions a fact the vocabulary does not declare
concludes-input         error    a rule concludes an input (inputs come only from a case)
type-mismatch           error    a number compared with a yes/no fact, or a number denied
negation-cycle          error    a cycle through an absence or ``not`` condition
never-fires             error    every alternative of a rule is contradictory or needs a
                                 fact that can never be established
red-flag-unreachable    error    a red flag that no chain of rules can reach from inputs
cycle                   warning  rules that feed each other in a loop (harmless to run, but
                                 circular as an explanation)
dead-alternative        warning  one alternative of a rule can never hold, though others can
unreachable             warning  a derived fact no chain of rules can reach from inputs
unused-input            warning  an input no rule mentions
no-timing               warning  a fact of an advice kind without ``timing`` (immediate,
                                 after_review or prevention); the report shows it as
                                 immediate
duplicate-rule          warning  a rule with the same condition and conclusions as another
subsumed-rule           warning  a rule that only fires when another rule with the same
                                 conclusions and sources fires too (its condition is a special
                                 case); a special case citing a source of its own is kept
                                 quiet, since it records what that source says
no-link                 warning  a rule that does not say how strongly its premises bring
                                 about its conclusions (``link:``) in a knowledge base whose
                                 other rules say it; it counts as establishing (a knowledge
                                 base with no ``link:`` at all is all-or-nothing, as before)
link-weaker-than-       warning  a possible link (can lead to, raises the risk of...) where
source                           one of the rule's own sources says it establishes
                                 ("causes"), and no disagreement records the difference
link-stronger-than-     warning  an establishing link where every source that says how
sources                          strongly says it is only possible
======================  =======  ==========================================================

"Reachable" is a fixpoint from the inputs: a derived fact is reachable when some rule that
concludes it has an alternative whose facts can all be reachable and whose literals can hold
together. Absence tests (``not X``, ``X is unknown``) need nothing to be reachable.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal as Choice

import networkx as nx

from whyache.engine.errors import KnowledgeBaseError, KnowledgeBaseProblem, Location
from whyache.engine.model.conditions import (
    Compare,
    ConditionSyntaxError,
    Denied,
    Literal,
    Value,
    format_number,
)
from whyache.engine.model.definitions import FactDef, KnowledgeBase, Link, RuleDef
from whyache.engine.model.validation import problems
from whyache.engine.runtime.reference import closure

Severity = Choice["error", "warning"]

#: check code -> severity, for every check the linter can report.
CHECKS: dict[str, Severity] = {
    "schema": "error",
    "duplicate-id": "error",
    "disagreement": "error",
    "no-source": "error",
    "unknown-document": "error",
    "unknown-section": "error",
    "undeclared-fact": "error",
    "concludes-input": "error",
    "type-mismatch": "error",
    "negation-cycle": "error",
    "never-fires": "error",
    "red-flag-unreachable": "error",
    "cycle": "warning",
    "dead-alternative": "warning",
    "unreachable": "warning",
    "unused-input": "warning",
    "no-timing": "warning",
    "duplicate-rule": "warning",
    "subsumed-rule": "warning",
    "no-link": "warning",
    "link-weaker-than-source": "warning",
    "link-stronger-than-sources": "warning",
}


@dataclass(frozen=True)
class Finding:
    """One problem the linter found: where, in which rule or fact, and under which check."""

    severity: Severity
    check: str
    message: str
    location: Location | None = None
    rule: str | None = None
    fact: str | None = None
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def sort_key(self) -> tuple[str, int, bool, str, str, str, str]:
        """By file and line, errors before warnings at one place, then by check and text."""
        file = self.location.file if self.location else ""
        line = (self.location.line or 0) if self.location else 0
        return (
            file,
            line,
            not self.is_error,
            self.check,
            self.rule or "",
            self.fact or "",
            self.message,
        )

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        subject = f"rule {self.rule!r}: " if self.rule else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.severity} [{self.check}] {subject}{self.message}{hint}"


def finding_from_error(exc: KnowledgeBaseError) -> Finding:
    """Turn a loader or validation error into an error finding (``schema`` when untagged)."""
    if isinstance(exc, KnowledgeBaseProblem):
        check, message, fact = exc.check, exc.detail, exc.fact
    else:
        check, message, fact = "schema", exc.message, None
        prefix = f"rule {exc.rule!r}: "
        if exc.rule is not None and message.startswith(prefix):
            message = message[len(prefix) :]
    return Finding(
        severity=CHECKS.get(check, "error"),
        check=check,
        message=message,
        location=exc.location,
        rule=exc.rule,
        fact=fact,
        hint=exc.hint,
    )


def lint(kb: KnowledgeBase) -> tuple[Finding, ...]:
    """Every finding for a knowledge base, errors and warnings, sorted by place and check."""
    # A knowledge base that passed validation (strata known) has no validation problems.
    validated = kb.known_strata() is not None
    findings = [] if validated else [finding_from_error(p) for p in problems(kb)]
    reached = reachable_facts(kb)
    findings.extend(_never_fires(kb, reached))
    findings.extend(_unreachable(kb, reached))
    findings.extend(_unused_inputs(kb))
    findings.extend(_untimed_advice(kb))
    findings.extend(_links(kb))
    findings.extend(_cycles(kb))
    findings.extend(_redundant(kb))
    return tuple(sorted(dict.fromkeys(findings), key=Finding.sort_key))


# -- reachability and satisfiability ----------------------------------------------------------


def _alternatives(rule: RuleDef) -> tuple[tuple[Literal, ...], ...]:
    try:
        return rule.alternatives
    except ConditionSyntaxError:  # reported by validation as a schema error
        return ()


def _states(fact: FactDef, literals: Sequence[Literal], reached: bool) -> list[Value | None]:
    """The values a fact can take in some case (None: unknown), enough to test ``literals``."""
    if not reached:
        return [None]
    if not fact.is_input:
        return [None, True]
    if not fact.is_numeric:
        return [None, True, False]
    bounds = [v for v in (fact.minimum, fact.maximum) if v is not None]
    values = [lit.atom.value for lit in literals if isinstance(lit.atom, Compare)]
    low = min(bounds) if len(bounds) == 2 else min([*values, 0.0]) - 1
    high = max(bounds) if len(bounds) == 2 else max([*values, 0.0]) + 1
    points = sorted({low, high, *(v for v in values if low <= v <= high)})
    middles = [(a + b) / 2 for a, b in itertools.pairwise(points)]
    return [None, *points, *middles]


def _can_hold(fact: FactDef, literals: Sequence[Literal], reached: bool) -> bool:
    return any(all(lit.holds(s) for lit in literals) for s in _states(fact, literals, reached))


def _by_fact(kb: KnowledgeBase, alternative: Iterable[Literal]) -> dict[str, list[Literal]]:
    """An alternative's literals grouped by fact, leaving out those validation rejects already
    (undeclared facts, mismatched types), so one mistake is not reported twice."""
    groups: dict[str, list[Literal]] = {}
    for lit in alternative:
        if not kb.has_fact(lit.fact):
            continue
        numeric = kb.fact(lit.fact).is_numeric
        if isinstance(lit.atom, Compare) and not numeric:
            continue
        if isinstance(lit.atom, Denied) and numeric:
            continue
        groups.setdefault(lit.fact, []).append(lit)
    return groups


def _alternative_holds(
    kb: KnowledgeBase, alternative: Iterable[Literal], reached: frozenset[str] | set[str]
) -> bool:
    return all(
        _can_hold(kb.fact(fact_id), lits, fact_id in reached)
        for fact_id, lits in _by_fact(kb, alternative).items()
    )


def _needs(kb: KnowledgeBase, _rule: RuleDef, alternative: tuple[Literal, ...]) -> list[str] | None:
    """The facts an alternative needs reached (None: it can never hold, reached or not)."""
    needed = []
    for fact_id, lits in _by_fact(kb, alternative).items():
        fact = kb.fact(fact_id)
        if _can_hold(fact, lits, False):
            continue
        if not _can_hold(fact, lits, True):
            return None
        needed.append(fact_id)
    return needed


def reachable_facts(kb: KnowledgeBase) -> frozenset[str]:
    """Facts some case can establish: inputs, and what rules that can fire conclude from them.

    The reference evaluator's monotone closure (:func:`whyache.engine.runtime.reference.closure`),
    with each alternative needing the facts whose literals cannot hold while it is unknown.
    """
    inputs = [f.id for f in kb.facts if f.is_input]
    return closure(kb, inputs, functools.partial(_needs, kb))[0]


def _why_dead(kb: KnowledgeBase, alternative: Sequence[Literal], reached: frozenset[str]) -> str:
    """Why one alternative can never hold: a contradiction, or a fact that is never there."""
    groups = _by_fact(kb, alternative)
    for fact_id, lits in groups.items():
        fact = kb.fact(fact_id)
        if _can_hold(fact, lits, True):
            continue
        shown = [f"'{lit}'" for lit in lits]
        if len(lits) > 1:
            return f"{' and '.join(shown)} cannot all hold"
        why = ""
        if isinstance(lits[0].atom, Denied) and not fact.is_input:
            why = " (only inputs can be given as no)"
        elif fact.is_numeric and fact.minimum is not None and fact.maximum is not None:
            why = f" (range {format_number(fact.minimum)} to {format_number(fact.maximum)})"
        return f"{shown[0]} can never hold{why}"
    missing = [
        f"'{f}'" for f, lits in groups.items() if not _can_hold(kb.fact(f), lits, f in reached)
    ]
    return f"needs {' and '.join(missing)}, which can never be established"


def _never_fires(kb: KnowledgeBase, reached: frozenset[str]) -> Iterator[Finding]:
    for rule in kb.rules:
        alternatives = _alternatives(rule)
        live = [_alternative_holds(kb, alt, reached) for alt in alternatives]
        if not alternatives or all(live):
            continue
        if any(live):
            for number, alt in enumerate(alternatives, 1):
                if not live[number - 1]:
                    yield Finding(
                        "warning",
                        "dead-alternative",
                        f"alternative {number} of {len(alternatives)} ("
                        + " and ".join(str(lit) for lit in alt)
                        + f") can never hold: {_why_dead(kb, alt, reached)}",
                        rule.location,
                        rule=rule.id,
                    )
            continue
        reasons = [_why_dead(kb, alt, reached) for alt in alternatives]
        if len(reasons) == 1:
            message = f"can never fire: {reasons[0]}"
        else:
            listed = "; ".join(f"{n}: {reason}" for n, reason in enumerate(reasons, 1))
            message = f"can never fire: no alternative can hold ({listed})"
        yield Finding("error", "never-fires", message, rule.location, rule=rule.id)


def _unreachable(kb: KnowledgeBase, reached: frozenset[str]) -> Iterator[Finding]:
    for fact in kb.facts:
        if fact.is_input or fact.id in reached:
            continue
        concluding = [r.id for r in kb.rules_concluding(fact.id)]
        if concluding:
            why = f"every rule concluding it can never fire ({', '.join(concluding)})"
        else:
            why = "no rule concludes it and it is not an input"
        if kb.is_urgent(fact.id):
            yield Finding(
                "error",
                "red-flag-unreachable",
                f"{kb.kind(fact.kind).singular} {fact.id!r} has no route from the inputs: {why}",
                fact.location,
                fact=fact.id,
            )
        else:
            yield Finding(
                "warning",
                "unreachable",
                f"fact {fact.id!r} can never be established: {why}",
                fact.location,
                fact=fact.id,
            )


def _unused_inputs(kb: KnowledgeBase) -> Iterator[Finding]:
    for fact in kb.facts:
        if fact.is_input and not kb.rules_using(fact.id):
            yield Finding(
                "warning",
                "unused-input",
                f"input {fact.id!r} is used by no rule",
                fact.location,
                fact=fact.id,
            )


def _untimed_advice(kb: KnowledgeBase) -> Iterator[Finding]:
    advice = set(kb.advice_kinds)
    for fact in kb.facts:
        if fact.kind in advice and fact.timing is None:
            yield Finding(
                "warning",
                "no-timing",
                f"{kb.kind(fact.kind).singular} {fact.id!r} has no timing (shown as 'immediate'; "
                "write immediate, after_review or prevention)",
                fact.location,
                fact=fact.id,
            )


def _links(kb: KnowledgeBase) -> Iterator[Finding]:
    """A rule's link against what its own sources say of it (``says:`` on a source)."""
    kinds = ", ".join(link.value for link in Link)
    declared = any(rule.link is not None for rule in kb.rules)
    for rule in kb.rules:
        if rule.link is None:
            if not declared:
                continue
            yield Finding(
                "warning",
                "no-link",
                "does not say how strongly its premises bring about its conclusions "
                "(counted as establishing)",
                rule.location,
                rule=rule.id,
                hint=f"add link: one of {kinds}",
            )
            continue
        said = [(source, source.says) for source in rule.sources if source.says is not None]
        strong = [source for source, says in said if says.establishes]
        if not rule.link.establishes:
            if strong and not kb.disagreements_for(rule.id):
                yield Finding(
                    "warning",
                    "link-weaker-than-source",
                    f"is a possible link ({rule.link.words}) but {strong[0]} says it establishes",
                    rule.location,
                    rule=rule.id,
                    hint="make it link: establishes, or record the sources' difference "
                    "as a disagreement",
                )
        elif said and not strong:
            yield Finding(
                "warning",
                "link-stronger-than-sources",
                f"establishes, but its sources say only {said[0][1].words}",
                rule.location,
                rule=rule.id,
                hint="give it the link its sources state",
            )


# -- the rule graph ---------------------------------------------------------------------------


def rule_graph(kb: KnowledgeBase) -> nx.DiGraph:
    """Facts and rules as one graph: fact -> rule (a premise the rule needs) -> fact (concluded).

    Only literals that need a fact to exist are edges; absence tests are not, because a loop
    through them is a negation cycle, which validation reports as an error.
    """
    graph = nx.DiGraph()
    for rule in sorted(kb.rules, key=lambda r: r.id):
        node = ("rule", rule.id)
        graph.add_node(node)
        premises = sorted(
            {lit.fact for alt in _alternatives(rule) for lit in alt if lit.is_positive_pattern}
        )
        for fact_id in premises:
            graph.add_edge(("fact", fact_id), node)
        for fact_id in sorted(rule.concludes):
            graph.add_edge(node, ("fact", fact_id))
    return graph


def _cycles(kb: KnowledgeBase) -> Iterator[Finding]:
    graph = rule_graph(kb)
    order = {rule.id: n for n, rule in enumerate(kb.rules)}
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        first = min((name for kind, name in component if kind == "rule"), key=order.__getitem__)
        edges = nx.find_cycle(graph.subgraph(component), source=("rule", first))
        nodes = [edge[0] for edge in edges]
        if nodes[0][0] == "rule":  # show the cycle from the fact that feeds its first rule
            nodes = nodes[-1:] + nodes[:-1]
        path = " → ".join(name for _kind, name in [*nodes, nodes[0]])
        rule = kb.rule(nodes[1][1])
        yield Finding(
            "warning",
            "cycle",
            f"takes part in a cycle: {path}",
            rule.location,
            rule=rule.id,
        )


def _redundant(kb: KnowledgeBase) -> Iterator[Finding]:
    order = {rule.id: n for n, rule in enumerate(kb.rules)}
    for rule in kb.rules:
        alternatives = {frozenset(alt) for alt in _alternatives(rule)}
        if not alternatives or not rule.concludes:
            continue
        for other in kb.rules_concluding(rule.concludes[0]):
            if other.id == rule.id or not set(rule.concludes) <= set(other.concludes):
                continue
            others = {frozenset(alt) for alt in _alternatives(other)}
            if not others:
                continue
            same = others == alternatives and set(other.concludes) == set(rule.concludes)
            if same and order[other.id] < order[rule.id]:
                yield Finding(
                    "warning",
                    "duplicate-rule",
                    f"duplicates rule {other.id!r} (same condition and conclusions; "
                    "keep one rule citing the sources of both)",
                    rule.location,
                    rule=rule.id,
                )
                break
            if (
                not same
                and set(rule.sources) <= set(other.sources)
                and all(any(o <= alt for o in others) for alt in alternatives)
            ):
                yield Finding(
                    "warning",
                    "subsumed-rule",
                    f"is subsumed by rule {other.id!r}: whenever it fires, {other.id!r} "
                    "fires too, concludes the same and cites the same sources",
                    rule.location,
                    rule=rule.id,
                )
                break
