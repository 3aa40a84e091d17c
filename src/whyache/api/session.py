"""A loaded knowledge base, ready to run cases: the entry point of the Python API."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whyache.api.run import Run
from whyache.engine import (
    Case,
    Engine,
    InputError,
    KnowledgeBase,
    Result,
    build_case,
    parse_assignment,
)
from whyache.engine.runtime.engines import Runner, make_engine

if TYPE_CHECKING:
    from whyache.engine.analysis.lint import Finding
    from whyache.workflows.scenario_check import Outcome

Facts = Mapping[str, Any] | Iterable[str]


@dataclass(frozen=True, repr=False)
class Session:
    """A knowledge base and its compiled engine; cases run against it.

    The engine is compiled on first use, once; ``load`` reuses the parsed-knowledge-base
    cache that the command line uses.
    """

    kb: KnowledgeBase

    def __repr__(self) -> str:
        return f"<whyache knowledge base {self.kb.name} {self.kb.version}>"

    @cached_property
    def engine(self) -> Engine:
        return Engine(self.kb)

    def case(self, facts: Facts = (), **values: Any) -> Case:
        """A case from ``{"fact": value}``, ``["fact", "fact=no", "fact=48"]`` and keywords."""
        return case_of(self.kb, facts, **values)

    def run(self, *facts: Any, **values: Any) -> Run:
        """Run a case: ``run("hot_weather", "pain_at_rest=no", hours_since_run=2)``.

        Positional arguments are ``FACT``, ``FACT=no`` or ``FACT=48`` strings (or one list of
        them), a mapping of facts to values, or a :class:`Case`; keywords give values
        (``True``/``False``, ``"yes"``/``"no"`` or a number). Facts not given stay unknown,
        never false.
        """
        if len(facts) == 1 and isinstance(facts[0], Case) and not values:
            case = facts[0]
        elif len(facts) == 1 and isinstance(facts[0], Mapping | list | tuple):
            case = case_of(self.kb, facts[0], **values)  # as case(): one mapping or list
        else:
            case = case_of(self.kb, facts, **values)
        return Run(self.engine.run(case))

    def lint(self) -> tuple[Finding, ...]:
        """Lint findings for this (already loaded, so valid) knowledge base."""
        from whyache.engine.analysis.lint import lint

        return lint(self.kb)

    def check(self, paths: Sequence[Path | str]) -> tuple[Outcome, ...]:
        """Check scenario files (or folders of ``*.scenarios.yaml``) against this knowledge base."""
        from whyache.knowledge_base.scenarios import load_scenarios, scenario_files
        from whyache.workflows.scenario_check import check

        outcomes: list[Outcome] = []
        for path in scenario_files([Path(p) for p in paths]):
            outcomes += [check(self.engine, s) for s in load_scenarios(self.kb, path)]
        return tuple(outcomes)


def load(directory: Path | str | None = None) -> Session:
    """The bundled knowledge base (``None``) or a knowledge-base directory, loaded and valid."""
    from whyache.knowledge_base.cache import load_cached

    return Session(load_cached(directory))


def lint(directory: Path | str | None = None) -> tuple[Finding, ...]:
    """Every problem of a knowledge-base directory at once, reading errors included."""
    from whyache.knowledge_base.directory_lint import lint_knowledge_base

    return lint_knowledge_base(directory)


def check_scenarios(
    paths: Sequence[Path | str], directory: Path | str | None = None
) -> tuple[Outcome, ...]:
    """Check scenario files against a knowledge base (default: the bundled one)."""
    return load(directory).check(paths)


def case_of(kb: KnowledgeBase, facts: Facts = (), **values: Any) -> Case:
    """A case from a mapping of facts to values, ``FACT[=VALUE]`` strings and keywords."""
    if isinstance(facts, str):
        facts = [facts]
    if not isinstance(facts, Mapping):
        for item in facts:
            if not isinstance(item, str):
                raise InputError(
                    f"a fact must be a FACT[=VALUE] string, not {type(item).__name__}",
                    hint='run("hot_weather", "pain_at_rest=no"), or a mapping, or a Case',
                )
    pairs: list[tuple[str, object]] = (
        list(facts.items())
        if isinstance(facts, Mapping)
        else [parse_assignment(text) for text in facts]
    )
    return build_case(kb, [*pairs, *values.items()])


def engine_for(kb: KnowledgeBase, *cases: Case, engine_name: str = "experta") -> Runner:
    """An engine for these cases: experta compiled only with the rules they could fire (same
    results for them), or the reference evaluator (which compiles all in linear time)."""
    facts = [fact_id for case in cases for fact_id, _ in case.facts]
    return make_engine(kb, engine_name, only_for=facts)


def run_case(kb: KnowledgeBase, case: Case, engine_name: str = "experta") -> Result:
    """Run a single case on the named engine (experta compiles only what it could fire)."""
    return engine_for(kb, case, engine_name=engine_name).run(case)
