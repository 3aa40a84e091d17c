"""The whyache pytest plugin: scenario files as tests, and a ``whyache`` fixture.

Installing whyache registers this module through the ``pytest11`` entry point, so in any test
run it:

* collects every ``*.scenarios.yaml`` file as test items, one per scenario (and variant), named
  by the scenario; a failure shows the same text as ``whyache check``;
* offers the ``whyache`` fixture, for assertions that read like the domain::

      def test_heat_without_water(whyache):
          result = whyache.run("hot_weather", inadequate_fluid_intake=True, hours_since_run=2)
          assert result.concludes("leg_ache")
          assert result.path("inadequate_fluid_intake", "dehydration", "leg_ache")
          assert result.red_flags == ()

The knowledge base is the bundled one unless ``--whyache-kb DIR`` or the ini option
``whyache_kb`` (relative to the ini file) names another. Disable the plugin with
``-p no:whyache``. whyache itself is imported only when a scenario file or the fixture is used,
so merely having whyache installed costs other test suites nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from whyache.engine import Engine, Firing, KnowledgeBase, Result
    from whyache.knowledge_base.scenarios import Outcome, Scenario

#: The scenario file suffix (the same as whyache.knowledge_base.scenarios.SUFFIX, kept here so
#: deciding whether a file is ours imports nothing).
SUFFIX = ".scenarios.yaml"
MARKER = "whyache_scenario"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("whyache", "whyache scenario files")
    group.addoption(
        "--whyache-kb",
        dest="whyache_kb",
        metavar="DIR",
        default=None,
        help="knowledge-base directory for scenario files and the whyache fixture "
        "(default: the ini option whyache_kb, else the bundled knowledge base)",
    )
    parser.addini(
        "whyache_kb",
        "knowledge-base directory for whyache scenario files, relative to the ini file",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}: a scenario from a *{SUFFIX} file")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> ScenarioFile | None:
    if file_path.name.endswith(SUFFIX):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def kb_dir(config: pytest.Config) -> Path | None:
    """The knowledge base the options choose; None for the bundled one."""
    option = config.getoption("whyache_kb")
    if option:
        return Path(config.invocation_params.dir, option)
    ini = str(config.getini("whyache_kb") or "")
    if ini:
        base = config.inipath.parent if config.inipath else config.rootpath
        return base / ini
    return None


_SESSIONS = pytest.StashKey["dict[Path | None, WhyacheSession]"]()


def whyache_session(config: pytest.Config) -> WhyacheSession:
    """One loaded knowledge base and compiled engine per test run (compiling is the slow part)."""
    sessions = config.stash.setdefault(_SESSIONS, {})
    where = kb_dir(config)
    if where not in sessions:
        sessions[where] = WhyacheSession.load(where)
    return sessions[where]


class ScenarioFailed(Exception):
    """Raised by a scenario item whose expectations did not all hold."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.scenario.name)
        self.outcome = outcome


class ScenarioFile(pytest.File):
    """A ``*.scenarios.yaml`` file: one item per scenario."""

    def collect(self) -> Iterator[ScenarioItem]:
        from whyache.engine import WhyacheError
        from whyache.knowledge_base.scenarios import load_scenarios

        try:
            scenarios = load_scenarios(whyache_session(self.config).kb, self.path)
        except WhyacheError as exc:
            raise self.CollectError(str(exc)) from None
        for scenario in scenarios:
            yield ScenarioItem.from_parent(self, name=scenario.name, scenario=scenario)


class ScenarioItem(pytest.Item):
    """One scenario (or one variant of it)."""

    def __init__(self, *, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.add_marker(MARKER)

    def runtest(self) -> None:
        from whyache.knowledge_base.scenarios import check

        outcome = check(whyache_session(self.config).engine, self.scenario)
        if not outcome.passed:
            raise ScenarioFailed(outcome)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> Any:
        from whyache.engine import WhyacheError

        where = f"{self.location[0]}:{self.scenario.location.line}"
        if isinstance(excinfo.value, ScenarioFailed):
            # The header already names the scenario; the first line is the summary message.
            failures = excinfo.value.outcome.failures
            return "\n".join([*failures, f"(scenario at {where})"])
        if isinstance(excinfo.value, WhyacheError):
            return f"{where}: {excinfo.value}"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.scenario.location.line
        return self.path, (line - 1 if line else None), self.name


#: The verdicts a test has asked the truth of, latest last (cleared before each test).
_ASKED: list[Verdict] = []
_ASKED_KEPT = 8


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failed test gets the full explanation of the verdict it asked last, every line.

    pytest prints an assert's operand on one line and, at the default verbosity, cuts it to
    about 240 characters; a WHY NOT tree needs more. So the failure report gains a section
    "whyache: the last verdict, explained" under the traceback, at every verbosity.
    """
    report: pytest.TestReport = yield
    if call.when == "call" and report.failed and _ASKED:
        longrepr = report.longrepr
        if call.excinfo is not None and call.excinfo.errisinstance(AssertionError):
            add = getattr(longrepr, "addsection", None)
            if add is not None:
                add("whyache: the last verdict, explained", str(_ASKED[-1]))
    if call.when == "teardown":
        _ASKED.clear()
    return report


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _ASKED.clear()


class Verdict:
    """A yes/no answer that explains itself: pytest shows the explanation when an assert fails.

    pytest prints a failed ``assert`` operand's ``repr`` on one line, so ``repr`` folds the
    indented explanation into ``parent [child; child]`` form; ``str`` keeps the lines. Each
    time a test asks a verdict's truth it is remembered, so that a failed test's report can
    show the full explanation (see :func:`pytest_runtest_makereport`).
    """

    def __init__(self, value: bool, explanation: str) -> None:
        self.value = value
        self.explanation = explanation

    def __bool__(self) -> bool:
        self._asked()
        return self.value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Verdict | bool):
            self._asked()
            return self.value == bool(other)
        return NotImplemented

    def _asked(self) -> None:
        if _ASKED and _ASKED[-1] is self:
            return
        _ASKED.append(self)
        del _ASKED[:-_ASKED_KEPT]

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        headline, *rest = self.explanation.splitlines()
        return f"{headline}: {_fold(rest)}" if rest else headline

    def __str__(self) -> str:
        return self.explanation


def _fold(lines: list[str]) -> str:
    """Indented lines as one line: each line's deeper-indented followers go in brackets."""
    parts: list[str] = []
    index = 0
    while index < len(lines):
        depth = len(lines[index]) - len(lines[index].lstrip())
        end = index + 1
        while end < len(lines) and len(lines[end]) - len(lines[end].lstrip()) > depth:
            end += 1
        text = " ".join(lines[index].split())
        parts.append(f"{text} [{_fold(lines[index + 1 : end])}]" if end > index + 1 else text)
        index = end
    return "; ".join(parts)


@dataclass(frozen=True, repr=False)
class RunResult:
    """A run's result with questions phrased the way test authors ask them."""

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
    def red_flags(self) -> tuple[str, ...]:
        return self.result.red_flags

    @property
    def recommendations(self) -> tuple[str, ...]:
        from whyache.engine import Kind

        return self.result.conclusions(Kind.RECOMMENDATION)

    @property
    def conclusions(self) -> tuple[str, ...]:
        """Every derived fact, in the order it was first established."""
        return self.result.derived

    def concludes(self, fact: str) -> Verdict:
        """Whether a rule derived the fact (a given fact is not concluded)."""
        from whyache.knowledge_base.failure_explanations import (
            explain_missing,
            explain_unexpected,
        )

        self._known_fact(fact)
        if self.result.concludes(fact):
            return _verdict(True, f"{fact} was concluded", explain_unexpected(self.result, fact))
        return _verdict(False, f"{fact} was not concluded", explain_missing(self.result, fact))

    def path(self, *facts: str) -> Verdict:
        """Whether the facts lie in this order along the derivation (steps may be skipped)."""
        from whyache.knowledge_base.scenarios import via_problems

        if len(facts) < 2:
            raise ValueError("path() needs at least two facts")
        for fact in facts:
            self._known_fact(fact)
        problems = via_problems(self.result, self._graph, facts)
        chain = " → ".join(facts)
        if problems:
            return _verdict(False, f"the derivation does not pass through {chain}", problems)
        return Verdict(True, f"the derivation passes through {chain}")

    def fired(self, rule: str) -> Verdict:
        """Whether the rule fired at least once."""
        from whyache.knowledge_base.failure_explanations import explain_firing, explain_rule

        if not self.kb.has_rule(rule):
            raise _unknown(rule, [r.id for r in self.kb.rules], "rule")
        first = next((f for f in self.result.firings if f.rule == rule), None)
        if first is not None:
            return _verdict(True, f"rule {rule} fired", explain_firing(self.result, first))
        why = explain_rule(self.result, self.kb.rule(rule))
        return _verdict(False, f"rule {rule} did not fire", [f"why not: {why[0]}", *why[1:]])

    def derivations(self, fact: str) -> tuple[Firing, ...]:
        """Every firing that concluded the fact, first one first."""
        self._known_fact(fact)
        return self.result.derivations(fact)

    @cached_property
    def _graph(self) -> Any:
        from whyache.engine import derivation_graph

        return derivation_graph(self.result)

    def _known_fact(self, fact: str) -> None:
        # A misspelt name must not make ``assert not result.concludes(...)`` pass silently.
        if not self.kb.has_fact(fact):
            raise _unknown(fact, [f.id for f in self.kb.facts], "fact")


def _verdict(value: bool, headline: str, lines: Any) -> Verdict:
    return Verdict(value, "\n".join([headline, *("  " + line for line in lines)]))


def _unknown(name: str, pool: list[str], what: str) -> Exception:
    from whyache.engine import InputError
    from whyache.engine.vocabulary import suggest

    close = suggest(name, pool, limit=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else None
    return InputError(f"unknown {what} {name!r}", hint=hint)


@dataclass(frozen=True, repr=False)
class WhyacheSession:
    """A knowledge base and its engine, for running cases from Python tests."""

    kb: KnowledgeBase
    engine: Engine

    def __repr__(self) -> str:
        return f"<whyache knowledge base {self.kb.name} {self.kb.version}>"

    @classmethod
    def load(cls, directory: Path | None = None) -> WhyacheSession:
        from whyache.engine import Engine
        from whyache.knowledge_base import load_knowledge_base

        kb = load_knowledge_base(directory)
        return cls(kb, Engine(kb))

    def run(self, *facts: str, **values: Any) -> RunResult:
        """Run a case: ``run("hot_weather", "pain_at_rest=no", hours_since_run=2)``.

        Positional facts are ``FACT``, ``FACT=no`` or ``FACT=48``; keywords give values
        (``True``/``False``, ``"yes"``/``"no"`` or a number). Facts not given stay unknown.
        """
        from whyache.engine import build_case, parse_assignment

        pairs = [parse_assignment(text) for text in facts] + list(values.items())
        return RunResult(self.engine.run(build_case(self.kb, pairs)))


@pytest.fixture
def whyache(pytestconfig: pytest.Config) -> WhyacheSession:
    """The knowledge base chosen by --whyache-kb (default: bundled), ready to run cases."""
    return whyache_session(pytestconfig)
