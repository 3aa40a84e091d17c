"""One case's run, with every question the product answers about it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from whyache.api.verdict import Verdict, verdict
from whyache.engine import (
    ESTABLISHED,
    POSSIBLE,
    Case,
    Firing,
    InputError,
    KnowledgeBase,
    Result,
)
from whyache.engine.model.vocabulary import suggest

if TYPE_CHECKING:
    import networkx as nx

    from whyache.engine.analysis.findings import FindingExplanation
    from whyache.engine.explain.how import HowTree
    from whyache.engine.explain.what_if import WhatIf
    from whyache.engine.explain.why_not import WhyNotReport


@dataclass(frozen=True, repr=False)
class Run:
    """A frozen run of one case: conclusions, red flags, HOW, WHY-NOT, WHAT-IF, the graph.

    Questions about names the knowledge base does not have raise :class:`InputError` with a
    "did you mean", so that ``assert not run.concludes("dehydraton")`` cannot pass silently.
    """

    result: Result

    def __repr__(self) -> str:
        # Short, because pytest prints it in every failed assertion about the result.
        from whyache.engine import format_value

        given = ", ".join(f"{k}={format_value(v)}" for k, v in self.result.case.facts)
        return f"<whyache run of {self.kb.name}: {given or 'nothing given'}>"

    @property
    def kb(self) -> KnowledgeBase:
        return self.result.kb

    @property
    def case(self) -> Case:
        return self.result.case

    @property
    def conclusions(self) -> tuple[str, ...]:
        """Every derived fact, in the order it was first established."""
        return self.result.derived

    def by_kind(self) -> dict[str, tuple[str, ...]]:
        """Derived facts grouped by their kind, kinds in the knowledge base's report order."""
        return self.result.by_kind()

    @property
    def red_flags(self) -> tuple[str, ...]:
        return self.result.red_flags

    @property
    def recommendations(self) -> tuple[str, ...]:
        return self.result.advice

    def concludes(self, fact: str, level: str | None = None) -> Verdict:
        """Whether a rule derived the fact (a given fact is not concluded); with ``level``,
        at exactly that level (``established`` or ``possible``). As ``concludes:`` in
        scenario files."""
        from whyache.workflows.failure_explanations import explain_missing, explain_unexpected
        from whyache.workflows.scenario_check import level_lines

        self._known_fact(fact)
        self._known_level(level)
        at = f" at the {level} level" if level else ""
        if not self.result.concludes(fact):
            why = explain_missing(self.result, fact)
            return verdict(False, f"{fact} was not concluded{at}", why)
        wrong = level_lines(self.result, fact, level) if level else None
        if wrong is not None:
            actual = self.result.level(fact)
            return verdict(False, f"{fact} was concluded {actual}, not {level}", wrong)
        return verdict(True, f"{fact} was concluded{at}", explain_unexpected(self.result, fact))

    def path(self, *facts: str) -> Verdict:
        """Whether the facts lie in this order along the derivation (steps may be skipped)."""
        from whyache.workflows.scenario_check import via_problems

        if len(facts) < 2:
            raise InputError("path() needs at least two facts")
        for fact in facts:
            self._known_fact(fact)
        problems = via_problems(self.result, self.graph, facts)
        chain = " → ".join(facts)
        if problems:
            return verdict(False, f"the derivation does not pass through {chain}", problems)
        return Verdict(True, f"the derivation passes through {chain}")

    def fired(self, rule: str) -> Verdict:
        """Whether the rule fired at least once."""
        from whyache.workflows.failure_explanations import explain_firing, explain_rule

        if not self.kb.has_rule(rule):
            raise unknown_name(rule, [r.id for r in self.kb.rules], "rule")
        first = next((f for f in self.result.firings if f.rule == rule), None)
        if first is not None:
            return verdict(True, f"rule {rule} fired", explain_firing(self.result, first))
        why = explain_rule(self.result, self.kb.rule(rule))
        return verdict(False, f"rule {rule} did not fire", [f"why not: {why[0]}", *why[1:]])

    @cached_property
    def explanations(self) -> tuple[FindingExplanation, ...]:
        """What explains each finding the case reports (given as present, of an observed
        kind): the documented causes the facts support, each a chain back to given facts
        with its level and support, and those not yet supported with the fewest facts that
        would support each (see docs/concepts.md#observed-findings-why-do-my-legs-ache)."""
        from whyache.engine.analysis.findings import explain_findings

        return explain_findings(self.result)

    def explains(self, finding: str, *through: str, level: str | None = None) -> Verdict:
        """Whether a reported finding is explained: at all, or through each fact named (given
        or concluded on one of its derivations); with ``level``, at exactly that best level
        (``established`` or ``possible``) through each. As ``explains:`` in scenario files."""
        from whyache.workflows.scenario_check import explains_problems

        found = self._finding(finding)
        for fact in through:
            self._known_fact(fact)
        self._known_level(level)
        if level is not None and not through:
            raise InputError("explains() with a level needs the facts it is about")
        for one in through or (None,):
            problem = explains_problems(self.result, found, one, level)
            if problem is not None:
                return verdict(False, *problem)
        names = f" through {', '.join(through)}" if through else ""
        at = f" at the {level} level" if level else ""
        return Verdict(True, f"{finding} is explained{names}{at}")

    def _finding(self, finding: str) -> FindingExplanation:
        """A reported finding's explanation; InputError for a name that is not one."""
        self._known_fact(finding)
        found = next((f for f in self.explanations if f.finding == finding), None)
        if found is None:
            what = "given as present" if self.kb.is_observed(finding) else "an observed finding"
            raise InputError(
                f"{finding!r} is not {what}, so nothing explains it",
                hint=f"give it: run({finding!r}, ...)" if self.kb.is_observed(finding) else None,
            )
        return found

    def derivations(self, fact: str) -> tuple[Firing, ...]:
        """Every firing that concluded the fact, first one first."""
        self._known_fact(fact)
        return self.result.derivations(fact)

    def how(self, fact: str) -> HowTree:
        """HOW the fact was concluded: its derivation tree back to given facts."""
        from whyache.engine.explain.how import how

        self._known_fact(fact)
        return how(self.result, fact)

    def why_not(self, fact: str) -> WhyNotReport:
        """WHY the fact was NOT concluded, and the smallest sets of facts that would conclude it."""
        from whyache.engine.explain.why_not import why_not

        self._known_fact(fact)
        return why_not(self.kb, self.result, fact)

    def what_if(
        self, add: Mapping[str, Any] | Iterable[str] = (), remove: Iterable[str] = ()
    ) -> WhatIf:
        """WHAT IF the case changed: conclusions gained, lost and kept, each with its reason."""
        from whyache.api.session import case_of, engine_for
        from whyache.engine import resolve_fact
        from whyache.engine.explain.what_if import what_if

        added = case_of(self.kb, add)
        removed = [resolve_fact(self.kb, name, suggest_inputs_first=True).id for name in remove]
        return what_if(engine_for(self.kb, self.case, added), self.case, added, removed)

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The derivation graph, fact → firing → fact (see docs/architecture.md)."""
        from whyache.engine import derivation_graph

        return derivation_graph(self.result)

    def to_dict(self) -> dict[str, Any]:
        """The run as plain data: what ``whyache run --format json`` prints (without its
        ``report``), with the ``explanations`` of reported findings."""
        from whyache.engine.render.findings import findings_to_dict
        from whyache.engine.render.serialize import result_to_dict

        data = result_to_dict(self.result)
        data["explanations"] = findings_to_dict(self.kb, self.explanations)
        return data

    def report(self) -> str:
        """The text report: what ``whyache run`` prints."""
        from whyache.engine.render.trace import render_trace

        return render_trace(self.result)

    def _known_level(self, level: str | None) -> None:
        if level is not None and level not in (ESTABLISHED, POSSIBLE):
            close = suggest(level, [ESTABLISHED, POSSIBLE], limit=1, cutoff=0.6)
            raise InputError(
                f"level {level!r} is not {ESTABLISHED} or {POSSIBLE}",
                hint=f"did you mean {close[0]!r}?" if close else None,
            )

    def _known_fact(self, fact: str) -> None:
        if not self.kb.has_fact(fact):
            raise unknown_name(fact, [f.id for f in self.kb.facts], "fact")


def unknown_name(name: str, pool: list[str], what: str) -> InputError:
    close = suggest(name, pool, limit=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else None
    return InputError(f"unknown {what} {name!r}", hint=hint)
