"""The pytest plugin, tested in throw-away pytest runs (pytester) on the tiny knowledge base."""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from whyache.api import Session, load
from whyache.engine import InputError
from whyache.pytest_plugin import ScenarioItem

from .conftest import FINDINGS, TINY

pytest_plugins = ["pytester"]

SCENARIOS = """\
scenarios:
  - name: thirsty in the sun
    given: {sun: yes, water: no}
    concludes: [thirst, ache]
    via: [sun, thirst, ache]
  - name: rest pain is not a red flag
    given: {sun: yes, water: no, rest_pain: yes}
    red_flags: []
    concludes: [late_soreness]
  - name: late
    given: {sun: yes, water: no}
    variants: {hours: [30]}
    concludes: [late_soreness]
"""


@pytest.fixture
def heat(pytester: pytest.Pytester) -> pytest.Pytester:
    (pytester.path / "heat.scenarios.yaml").write_text(SCENARIOS)
    return pytester


# The throw-away runs load whyache's plugin and no other installed one: pytest-randomly would
# shuffle their scenarios, hypothesis's adds seconds to each, and the outer run's cache has no
# business there.
FOREIGN_PLUGINS = sorted(
    {ep.name for ep in entry_points(group="pytest11")} - {"whyache"} | {"randomly"}
)
QUIET = (
    *(arg for name in FOREIGN_PLUGINS for arg in ("-p", f"no:{name}")),
    "-p",
    "no:cacheprovider",
)


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # "--whyache-kb=DIR" in one piece: a separate path argument would move pytest's rootdir.
    return pytester.runpytest(f"--whyache-kb={TINY}", *QUIET, *args)


def test_scenarios_are_collected_by_name(heat):
    result = run(heat, "--collect-only", "-q")
    result.stdout.fnmatch_lines(
        [
            "heat.scenarios.yaml::thirsty in the sun",
            "heat.scenarios.yaml::rest pain is not a red flag",
            "heat.scenarios.yaml::late [[]hours=30[]]",
            "3 tests collected*",
        ]
    )


def test_pass_and_fail_with_the_check_failure_text(heat):
    result = run(heat)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ rest pain is not a red flag _*",
            "expected late_soreness to be concluded, but it was not",
            "  why not: no rule that concludes late_soreness fired",
            "    late_ache needs all of:",
            "      held    ache",
            "      unknown hours >= 24 (hours not given)",
            "      failed  not rest_pain (rest_pain = yes)",
            "expected red flags exactly [[][]], got [[]see_doctor[]]",
            "  unexpected see_doctor",
            "    how:",
            "      3. rest_pain_flag: rest_pain ⇒ see_doctor",
            "(scenario at heat.scenarios.yaml:6)",
            "*short test summary info*",
            "FAILED heat.scenarios.yaml::rest pain is not a red flag - expected late_sore*",
        ]
    )
    result.stdout.no_fnmatch_line("*Traceback*")


def test_verbose_lines_name_each_scenario(heat):
    result = run(heat, "-v")
    result.stdout.fnmatch_lines(
        [
            "heat.scenarios.yaml::thirsty in the sun PASSED*",
            "heat.scenarios.yaml::rest pain is not a red flag FAILED*",
            "heat.scenarios.yaml::late [[]hours=30[]] PASSED*",
        ]
    )


def test_marker_selects_scenarios_only(heat):
    heat.makepyfile(test_other="def test_other():\n    pass\n")
    result = run(heat, "-m", "whyache_scenario", "--strict-markers")
    result.assert_outcomes(passed=2, failed=1, deselected=1)


def test_ini_option_chooses_the_knowledge_base(pytester):
    shutil.copytree(TINY, pytester.path / "kb")
    pytester.makeini("[pytest]\nwhyache_kb = kb\n")
    (pytester.path / "t.scenarios.yaml").write_text(
        "scenarios:\n  - name: ok\n    given: {sun: yes, water: no}\n    concludes: [ache]\n"
    )
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)


def test_a_broken_scenario_file_is_a_collection_error_without_traceback(pytester):
    (pytester.path / "bad.scenarios.yaml").write_text(
        "scenarios:\n  - name: a\n    concludes: [thrist]\n"
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*bad.scenarios.yaml:3: unknown fact 'thrist' in 'concludes' (did you mean 'thirst'?)"]
    )
    result.stdout.no_fnmatch_line("*Traceback*")


def test_plugin_can_be_disabled(heat):
    result = heat.runpytest("-p", "no:whyache", *QUIET)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


FIXTURE_TESTS = """
def test_thirst(whyache):
    result = whyache.run("sun", water=False)
    assert result.concludes("ache")
    assert not result.concludes("late_soreness")
    assert result.path("sun", "thirst", "ache")
    assert not result.path("ache", "thirst")
    assert result.red_flags == ()
    assert result.recommendations == ("drink",)
    assert result.fired("thirst_aches")
    assert [f.rule for f in result.derivations("ache")] == ["thirst_aches"]

def test_values_as_text_and_keywords(whyache):
    result = whyache.run("sun", "water=no", "rest_pain", hours=30)
    assert result.red_flags == ("see_doctor",)
    assert result.concludes("ache") == True  # noqa: E712

def test_missing_conclusion_explains_itself(whyache):
    result = whyache.run("sun", "water=no", hours=2)
    assert result.concludes("late_soreness")

def test_misspelt_fact_is_an_error(whyache):
    whyache.run("sun").concludes("thrist")
"""


def test_fixture_reads_like_the_domain(pytester):
    pytester.makepyfile(test_domain=FIXTURE_TESTS)
    result = run(pytester)
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*_ test_missing_conclusion_explains_itself _*",
            "E       AssertionError: assert late_soreness was not concluded: why not: no rule that "
            "concludes late_soreness fired [[]late_ache needs all of: "
            "[[]held ache; failed hours >= 24 (hours = 2); held not rest_pain[]][]]",
        ]
    )
    result.stdout.fnmatch_lines(
        ["E *whyache.engine.errors.InputError: unknown fact 'thrist' (did you mean 'thirst'?)"]
    )


LONG_WHY_NOT = """
def test_long_explanation(whyache):
    result = whyache.run("sun", "water=no", hours=2)
    assert result.concludes("late_soreness")
"""


@pytest.mark.parametrize("verbosity", [(), ("-q",), ("-vv",)], ids=["default", "-q", "-vv"])
def test_a_failed_verdict_shows_every_line_at_any_verbosity(pytester, verbosity):
    """pytest cuts an assert's operand to one short line unless -vv; the report keeps it all."""
    pytester.makepyfile(test_long=LONG_WHY_NOT)
    result = run(pytester, *verbosity)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- whyache: the last verdict, explained -*",
            "late_soreness was not concluded",
            "  why not: no rule that concludes late_soreness fired",
            "    late_ache needs all of:",
            "      held    ache",
            "      failed  hours >= 24 (hours = 2)",
            "      held    not rest_pain",
        ]
    )


FINDINGS_FILE = """\
scenarios:
  - name: a hot run explains the ache
    given: {leg_ache: yes, hot_weather: yes}
    explains: {leg_ache: {dehydration: possible}}
  - name: heat is no stress fracture
    given: {leg_ache: yes, hot_weather: yes}
    explains: {leg_ache: [stress_fracture]}
"""

FINDINGS_TESTS = """
def test_why_the_legs_ache(whyache):
    run = whyache.run("leg_ache", "hot_weather")
    (found,) = run.explanations
    assert found.level == "possible"
    assert run.explains("leg_ache")
    assert run.explains("leg_ache", "hot_weather", "dehydration", level="possible")
    assert not run.explains("leg_ache", "dehydration", level="established")

def test_an_established_expectation_explains_itself(whyache):
    assert whyache.run("leg_ache", "hot_weather").explains(
        "leg_ache", "dehydration", level="established"
    )
"""


def test_explains_in_scenario_files_and_through_the_fixture(pytester):
    (pytester.path / "ache.scenarios.yaml").write_text(FINDINGS_FILE)
    pytester.makepyfile(test_ache=FINDINGS_TESTS)
    result = pytester.runpytest(f"--whyache-kb={FINDINGS}", *QUIET)
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*_ heat is no stress fracture _*",
            "expected leg_ache to be explained through stress_fracture, but it was not",
            "  stress_fracture was neither given nor concluded",
            "*- whyache: the last verdict, explained -*",
            "expected leg_ache to be explained through dehydration at the established level, "
            "but the best such explanation is possible",
            "  possible: hot weather → fluid lost in sweat → dehydration → aching legs",
            "    because fluid lost in sweat can lead to dehydration, 2 of 3 documents; to "
            "establish it: -f drank_little",
        ]
    )


def test_the_throw_away_runs_load_no_other_plugin(pytester):
    """An outer plugin (pytest-randomly shuffling the scenarios) must not reach inner runs."""
    pytester.makepyfile(
        test_alone="""
from importlib.metadata import entry_points

def test_alone(pytestconfig):
    names = {ep.name for ep in entry_points(group="pytest11")}
    loaded = {name for name in names if pytestconfig.pluginmanager.has_plugin(name)}
    assert loaded == {"whyache"}
    assert not pytestconfig.pluginmanager.has_plugin("cacheprovider")
"""
    )
    run(pytester).assert_outcomes(passed=1)
    assert "randomly" in FOREIGN_PLUGINS


def test_plugin_is_active_in_this_run(pytestconfig):
    # The project's own scenario suite depends on it; a stale install must fail loudly here.
    assert pytestconfig.pluginmanager.has_plugin("whyache")


def test_own_scenario_suite_is_collected_once(request):
    items = [i for i in request.session.items if isinstance(i, ScenarioItem)]
    if not items:
        pytest.skip("scenario files were not part of this selection")
    ids = [i.nodeid for i in items]
    assert len(ids) == len(set(ids))
    assert all(i.path.name.endswith(".scenarios.yaml") for i in items)


@pytest.fixture(scope="module")
def tiny_session() -> Session:
    return load(TINY)


def test_verdicts_explain_themselves_folded_and_unfolded(tiny_session):
    result = tiny_session.run("sun", water="no", hours=2)
    missing = result.concludes("late_soreness")
    assert not missing
    assert missing == False  # noqa: E712
    assert str(missing) == (
        "late_soreness was not concluded\n"
        "  why not: no rule that concludes late_soreness fired\n"
        "    late_ache needs all of:\n"
        "      held    ache\n"
        "      failed  hours >= 24 (hours = 2)\n"
        "      held    not rest_pain"
    )
    assert repr(result.concludes("ache")) == (
        "ache was concluded: how: [1. sun_and_no_water: sun, water = no ⇒ thirst; "
        "2. thirst_aches: thirst ⇒ ache]"
    )
    assert repr(result.path("ache", "thirst")) == (
        "the derivation does not pass through ache → thirst: "
        "ache does not lead to thirst: thirst was derived from sun, water"
    )
    assert repr(result.fired("rest_pain_flag")) == (
        "rule rest_pain_flag did not fire: why not: rest_pain_flag needs: "
        "[unknown rest_pain (not given)]"
    )
    assert repr(result) == "<whyache run of tiny: hours=2, sun=yes, water=no>"
    assert repr(tiny_session) == "<whyache knowledge base tiny 1>"


def test_unknown_names_are_errors_not_answers(tiny_session):
    result = tiny_session.run("sun")
    with pytest.raises(InputError, match="did you mean 'thirst'"):
        result.concludes("thrist")
    with pytest.raises(InputError, match="did you mean 'thirst_aches'"):
        result.fired("thirst_ache")
    with pytest.raises(InputError, match="unknown fact 'achee'"):
        result.path("sun", "achee")
    with pytest.raises(InputError, match="unknown fact 'moon'"):
        tiny_session.run("moon")


def test_loading_the_plugin_imports_no_whyache_machinery():
    # Every pytest run in an environment with whyache installed loads the plugin.
    code = (
        "import sys, whyache.pytest_plugin; "
        "print(sorted(m for m in sys.modules if m.startswith('whyache.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "['whyache.pytest_plugin']\n"
