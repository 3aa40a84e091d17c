"""Scenario checking: run each scenario's case and judge every expectation against the result.

Reading the files is :mod:`whyache.knowledge_base.scenarios`; this module runs and judges. Each
failure is a message that says what was expected and what happened, with a HOW (for something
unexpected) or WHY NOT (for something missing) taken from the run.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

import networkx as nx

from whyache.engine import POSSIBLE, Result, derivation_graph
from whyache.engine.analysis.findings import FindingExplanation, explain_finding
from whyache.engine.explain.strength import first_derivation, possible_links
from whyache.engine.render.findings import (
    cause_text,
    establish_text,
    explanation_text,
    needs_text,
)
from whyache.engine.render.strength import links_words
from whyache.engine.runtime.engines import Runner
from whyache.knowledge_base.scenarios import Scenario
from whyache.workflows.failure_explanations import (
    INDENT,
    explain_firing,
    explain_missing,
    explain_rule,
    explain_unexpected,
)

Expected: TypeAlias = bool | tuple[str, ...]


@dataclass(frozen=True)
class Failure:
    """One expectation that did not hold.

    ``expectation`` is the scenario key (``concludes``, ``via``, ...), ``subject`` the fact, rule
    or chain it was about (empty for an exact red-flag list), ``expected``/``actual`` are yes/no
    or, for an exact red-flag list, the flags. ``message`` is the text ``whyache check`` prints:
    a headline, then an indented HOW or WHY NOT.
    """

    expectation: str
    subject: str
    expected: Expected
    actual: Expected
    message: str


@dataclass(frozen=True)
class Outcome:
    """What checking one scenario found; ``failures`` are the messages of ``details``."""

    scenario: Scenario
    failures: tuple[str, ...] = field(default=())
    result: Result | None = None
    details: tuple[Failure, ...] = field(default=())

    @property
    def passed(self) -> bool:
        return not self.failures


def via_problems(
    result: Result, graph: nx.DiGraph, chain: Sequence[str], explained: Collection[str] = ()
) -> list[str]:
    """Why a chain does not lie along the derivation; empty when it does.

    The first fact missing from the chain gets a WHY NOT, unless it is in ``explained``
    (a failed ``concludes`` of the same scenario already gave one).
    """
    problems: list[str] = []
    for fact in chain:
        if fact not in graph:
            first = not problems
            problems.append(f"{fact} was neither given nor concluded")
            if first and fact in explained:
                problems[-1] += " (why not: see above)"
            elif first:
                problems += [INDENT + line for line in explain_missing(result, fact)]
    for a, b in itertools.pairwise(chain):
        if a in graph and b in graph and not nx.has_path(graph, a, b):
            if not result.concludes(b):
                problems.append(f"{a} does not lead to {b}: {b} was given, not derived")
                continue
            roots = sorted(n for n in nx.ancestors(graph, b) if graph.nodes[n].get("given") is True)
            origin = ", ".join(roots) or "nothing given"
            problems.append(f"{a} does not lead to {b}: {b} was derived from {origin}")
    return problems


def level_lines(result: Result, fact: str, level: str) -> list[str] | None:
    """Why a concluded fact is not at ``level``: for a possible one, the possible links it
    rests on (each derivation needs one); for an established one, the establishing
    derivation (HOW). None when it is at that level (or not concluded at all)."""
    actual = result.level(fact)
    if not result.concludes(fact) or actual == level:
        return None
    if actual == POSSIBLE:
        steps = possible_links(result, fact)
        return [f"only possible because {links_words(result.kb, steps)}"]
    return list(explain_firing(result, first_derivation(result, fact)))


def explains_problems(
    result: Result, found: FindingExplanation, through: str | None, level: str | None = None
) -> tuple[str, list[str]] | None:
    """Why a finding is not explained as expected (through a fact, at a level): a headline
    and the lines under it; None when it is."""
    kb, finding = result.kb, found.finding
    if through is None:
        if found.explanations:
            return None
        headline = f"expected {finding} to be explained, but nothing given explains it"
        return headline, open_lines(result, found)
    actual = found.level_through(through)
    if actual is not None and level in (None, actual):
        return None
    if actual is None:
        headline = f"expected {finding} to be explained through {through}, but it was not"
        if result.value(through) is None:
            lines = [f"{through} was neither given nor concluded"]
            lines += [INDENT + line for line in explain_missing(result, through)]
        else:
            lines = [f"{through} does not lead to {finding}"]
        return headline, lines + explained_lines(result, found)
    headline = (
        f"expected {finding} to be explained through {through} at the {level} level, "
        f"but the best such explanation is {actual}"
    )
    shown = [e for e in found.explanations if through in e.chain.facts()] or found.explanations
    lines = []
    for e in shown:
        lines.append(explanation_text(kb, e))
        if e.level == POSSIBLE:
            lines.append(INDENT + establish_text(kb, e))
    return headline, lines


def not_explains_problems(
    result: Result, found: FindingExplanation, through: str
) -> tuple[str, list[str]] | None:
    """Why a fact is on an explanation of a finding when it should not be; None if it is not."""
    actual = found.level_through(through)
    if actual is None:
        return None
    headline = (
        f"expected {found.finding} not to be explained through {through}, but it was ({actual})"
    )
    shown = [e for e in found.explanations if through in e.chain.facts()]
    lines = [explanation_text(result.kb, e) for e in shown] or [
        f"{through} lies on one of the {found.supported} documented causes that fit the facts"
    ]
    return headline, lines


def explained_lines(result: Result, found: FindingExplanation) -> list[str]:
    """What does explain the finding: each explanation's level and chain, or that none does."""
    if not found.explanations:
        return [f"nothing given explains {found.finding}", *open_lines(result, found)]
    lines = [f"{found.finding} is explained by:"]
    lines += [INDENT + explanation_text(result.kb, e) for e in found.explanations]
    if found.more_explanations:
        lines.append(f"{INDENT}and {found.more_explanations} more")
    return lines


def open_lines(result: Result, found: FindingExplanation) -> list[str]:
    """The documented causes not yet supported, with what would support each."""
    kb = result.kb
    lines = [
        f"not yet supported: {cause_text(kb, c.rule, c.cause)} ({c.rule}): {needs_text(c.needs)}"
        for c in found.open_causes
    ]
    if found.more_open:
        lines.append(f"and {found.more_open} more")
    if found.out_of_reach:
        lines.append(f"out of reach (no fact added supports them): {', '.join(found.out_of_reach)}")
    return lines


def check(engine: Runner, scenario: Scenario) -> Outcome:
    """Run a scenario's case and compare every expectation with what happened."""
    result = engine.run(scenario.case)
    found: list[Failure] = []

    def fail(
        expectation: str,
        subject: str,
        expected: Expected,
        headline: str,
        explanation: Sequence[str],
        actual: Expected | None = None,
    ) -> None:
        if actual is None:
            actual = not expected if isinstance(expected, bool) else ()
        message = "\n".join([headline, *(INDENT + line for line in explanation)])
        found.append(Failure(expectation, subject, expected, actual, message))

    missing = {
        fact for fact in (*scenario.concludes, *scenario.recommends) if not result.concludes(fact)
    }
    levels = dict(scenario.concludes_levels)
    for fact in scenario.concludes:
        level = levels.get(fact)
        if not result.concludes(fact):
            at = f" at the {level} level" if level else ""
            headline = f"expected {fact} to be concluded{at}, but it was not"
            expected: Expected = (level,) if level else True
            fail("concludes", fact, expected, headline, explain_missing(result, fact))
            continue
        wrong = level_lines(result, fact, level) if level else None
        if wrong is not None:
            actual = result.level(fact)
            headline = f"expected {fact} to be concluded at the {level} level, but it is {actual}"
            fail("concludes", fact, (str(level),), headline, wrong, actual=(str(actual),))
    for fact in scenario.does_not_conclude:
        if result.concludes(fact):
            headline = f"expected {fact} not to be concluded, but it was"
            fail("does_not_conclude", fact, False, headline, explain_unexpected(result, fact))
    flags = tuple(sorted(result.red_flags))
    if scenario.red_flags_exact is not None and set(flags) != set(scenario.red_flags_exact):
        wanted = tuple(sorted(set(scenario.red_flags_exact)))
        lines: list[str] = []
        for flag in wanted:
            if flag not in flags:
                lines += [f"missing {flag}", *(INDENT + x for x in explain_missing(result, flag))]
        for flag in flags:
            if flag not in wanted:
                lines += [
                    f"unexpected {flag}",
                    *(INDENT + x for x in explain_unexpected(result, flag)),
                ]
        headline = f"expected red flags exactly [{', '.join(wanted)}], got [{', '.join(flags)}]"
        if wanted and set(wanted) < set(flags):
            lines.append(
                f"(a list means exactly these; to allow others write "
                f"red_flags: {{at_least: [{', '.join(wanted)}]}})"
            )
        fail("red_flags", "", wanted, headline, lines, actual=flags)
    for flag in scenario.red_flags_at_least:
        if flag not in flags:
            headline = f"expected red flag {flag}, but it was not raised"
            fail("red_flags", flag, True, headline, explain_missing(result, flag))
    for rec in scenario.recommends:
        if not result.concludes(rec):
            headline = f"expected recommendation {rec}, but it was not made"
            fail("recommends", rec, True, headline, explain_missing(result, rec))
    recs = tuple(sorted(result.advice))
    if scenario.recommends_exact is not None and set(recs) != set(scenario.recommends_exact):
        wanted = tuple(sorted(set(scenario.recommends_exact)))
        lines = [f"missing {rec}" for rec in wanted if rec not in recs]
        lines += [f"unexpected {rec}" for rec in recs if rec not in wanted]
        if wanted and set(wanted) < set(recs):
            lines.append(
                "(to allow others write recommends: [...] or "
                f"recommends: {{at_least: [{', '.join(wanted)}]}})"
            )
        headline = (
            f"expected recommendations exactly [{', '.join(wanted)}], got [{', '.join(recs)}]"
        )
        fail("recommends", "", wanted, headline, lines, actual=recs)
    graph = derivation_graph(result) if scenario.via else nx.DiGraph()
    for chain in scenario.via:
        problems = via_problems(result, graph, chain, explained=missing)
        if problems:
            shown = " → ".join(chain)
            headline = f"expected the derivation to pass through {shown}"
            fail("via", shown, True, headline, problems)
    for rule in scenario.fires:
        if not result.fired(rule):
            why = explain_rule(result, result.kb.rule(rule))
            headline = f"expected rule {rule} to fire, but it did not"
            fail("fires", rule, True, headline, [f"why not: {why[0]}", *why[1:]])
    for rule in scenario.does_not_fire:
        if result.fired(rule):
            first = next(f for f in result.firings if f.rule == rule)
            headline = f"expected rule {rule} not to fire, but it did"
            fail("does_not_fire", rule, False, headline, explain_firing(result, first))
    findings = {
        finding: explain_finding(result, finding)
        for finding, _ in (*scenario.explains, *scenario.not_explains)
    }
    for finding, expected_through in scenario.explains:
        expectations: tuple[tuple[str | None, str | None], ...] = expected_through or (
            (None, None),
        )
        for step, level in expectations:
            problem = explains_problems(result, findings[finding], step, level)
            if problem is None:
                continue
            subject = finding if step is None else f"{finding} through {step}"
            if step is None or level is None:
                fail("explains", subject, True, *problem)
            else:
                actual = findings[finding].level_through(step)
                fail("explains", subject, (level,), *problem, actual=(actual,) if actual else ())
    for finding, facts in scenario.not_explains:
        for through in facts:
            problem = not_explains_problems(result, findings[finding], through)
            if problem is not None:
                fail("not_explains", f"{finding} through {through}", False, *problem)
    return Outcome(scenario, tuple(f.message for f in found), result, tuple(found))


def report_lines(outcome: Outcome) -> list[str]:
    """``PASS name`` or ``FAIL name`` with the failures indented below: the text report."""
    if outcome.passed:
        return [f"PASS {outcome.scenario.name}"]
    lines = [f"FAIL {outcome.scenario.name}", f"{INDENT}at {outcome.scenario.location}"]
    for failure in outcome.failures:
        lines += [INDENT + line for line in failure.splitlines()]
    return lines


def summary_line(outcomes: Sequence[Outcome]) -> str:
    passed = sum(1 for o in outcomes if o.passed)
    return f"{passed} passed, {len(outcomes) - passed} failed"
