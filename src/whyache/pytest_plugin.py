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

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from whyache.api import Session
    from whyache.knowledge_base.scenarios import Scenario
    from whyache.workflows.scenario_check import Outcome

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


_SESSIONS = pytest.StashKey["dict[Path | None, Session]"]()


def whyache_session(config: pytest.Config) -> Session:
    """One loaded knowledge base and compiled engine per test run (compiling is the slow part)."""
    sessions = config.stash.setdefault(_SESSIONS, {})
    where = kb_dir(config)
    if where not in sessions:
        from whyache.api import load

        sessions[where] = load(where)
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
        from whyache.workflows.scenario_check import check

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


def _asked() -> list[Any] | None:
    """The verdicts asked so far (whyache.api.verdict.ASKED), if any verdict module is loaded."""
    module = sys.modules.get("whyache.api.verdict")
    asked: list[Any] | None = None if module is None else module.ASKED
    return asked


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    asked = _asked()
    if asked is not None:
        asked.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failed assertion's report gains the full explanation of the last verdict asked.

    pytest prints an assert's operand on one line and, at the default verbosity, cuts it to
    about 240 characters; a WHY NOT tree needs more. So the report gets a section "whyache:
    the last verdict, explained" under the traceback, at every verbosity.
    """
    report: pytest.TestReport = yield
    asked = _asked()
    if asked and call.when == "call" and report.failed and call.excinfo is not None:
        add = getattr(report.longrepr, "addsection", None)
        if add is not None and call.excinfo.errisinstance(AssertionError):
            add("whyache: the last verdict, explained", str(asked[-1]))
    return report


@pytest.fixture
def whyache(pytestconfig: pytest.Config) -> Session:
    """The knowledge base chosen by --whyache-kb (default: bundled), ready to run cases."""
    return whyache_session(pytestconfig)
