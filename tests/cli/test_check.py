from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from whyache.cli import main

from ..conftest import TINY

PASSING = """\
scenarios:
  - name: thirsty in the sun
    given: {sun: yes, water: no}
    concludes: [thirst, ache]
    red_flags: []
    via: [sun, thirst, ache]
  - name: late soreness
    given: {sun: yes, water: no}
    variants: {hours: [24, 48]}
    concludes: [late_soreness]
"""

FAILING = """\
scenarios:
  - name: thirsty in the sun
    given: {sun: yes, water: no}
    concludes: [thirst]
  - name: rest pain is not a red flag
    given: {sun: yes, water: no, rest_pain: yes}
    red_flags: []
    concludes: [late_soreness]
"""

FAILING_TEXT = """\
PASS thirsty in the sun
FAIL rest pain is not a red flag
  at failing.scenarios.yaml:5
  expected late_soreness to be concluded, but it was not
    why not: no rule that concludes late_soreness fired
      late_ache needs all of:
        held    ache
        unknown hours >= 24 (hours not given)
        failed  not rest_pain (rest_pain = yes)
  expected red flags exactly [], got [see_doctor]
    unexpected see_doctor
      how:
        3. rest_pain_flag: rest_pain ⇒ see_doctor
1 passed, 1 failed
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in a temporary folder holding the two scenario files, so paths print relative."""
    (tmp_path / "passing.scenarios.yaml").write_text(PASSING)
    (tmp_path / "failing.scenarios.yaml").write_text(FAILING)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(main, ["check", "--kb", str(TINY), *args])


def test_passing_file_prints_pass_lines_and_exits_0(workdir):
    result = invoke("passing.scenarios.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "PASS thirsty in the sun\n"
        "PASS late soreness [hours=24]\n"
        "PASS late soreness [hours=48]\n"
        "3 passed, 0 failed\n"
    )


def test_failing_file_prints_exact_failures_and_exits_1(workdir):
    result = invoke("failing.scenarios.yaml")
    assert result.exit_code == 1
    assert result.stdout == FAILING_TEXT
    assert result.stderr == ""


def test_folder_runs_every_scenario_file_in_name_order(workdir):
    result = invoke(".")
    assert result.exit_code == 1
    assert [line for line in result.stdout.splitlines() if not line.startswith(" ")] == [
        "PASS thirsty in the sun",
        "FAIL rest pain is not a red flag",
        "PASS thirsty in the sun",
        "PASS late soreness [hours=24]",
        "PASS late soreness [hours=48]",
        "4 passed, 1 failed",
    ]


def test_json_output(workdir):
    result = invoke("failing.scenarios.yaml", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["schema"] == "whyache.check/1"
    assert data["kb"] == {"name": "tiny", "version": "1"}
    assert (data["passed"], data["failed"]) == (1, 1)
    assert data["scenarios"][0] == {
        "name": "thirsty in the sun",
        "file": "failing.scenarios.yaml",
        "line": 2,
        "passed": True,
        "failures": [],
    }
    failed = data["scenarios"][1]
    assert failed["passed"] is False
    assert [
        (f["expectation"], f["subject"], f["expected"], f["actual"]) for f in failed["failures"]
    ] == [
        ("concludes", "late_soreness", True, False),
        ("red_flags", "", [], ["see_doctor"]),
    ]
    assert "\n".join(f["message"] for f in failed["failures"]) + "\n" == "".join(
        line[2:] + "\n" for line in FAILING_TEXT.splitlines()[3:-1]
    )


JUNIT = """\
<?xml version='1.0' encoding='utf-8'?>
<testsuites name="whyache check" tests="2" failures="1" errors="0" time="0">
  <testsuite name="failing.scenarios.yaml" tests="2" failures="1" errors="0" skipped="0" time="0">
    <testcase classname="failing" name="thirsty in the sun" file="failing.scenarios.yaml" \
line="2" time="0" />
    <testcase classname="failing" name="rest pain is not a red flag" \
file="failing.scenarios.yaml" line="5" time="0">
      <failure message="expected late_soreness to be concluded, but it was not (and 1 more)" \
type="ScenarioFailure">expected late_soreness to be concluded, but it was not
  why not: no rule that concludes late_soreness fired
    late_ache needs all of:
      held    ache
      unknown hours &gt;= 24 (hours not given)
      failed  not rest_pain (rest_pain = yes)
expected red flags exactly [], got [see_doctor]
  unexpected see_doctor
    how:
      3. rest_pain_flag: rest_pain ⇒ see_doctor</failure>
    </testcase>
  </testsuite>
</testsuites>
"""


def test_junit_report_is_written_and_reproducible(workdir):
    result = invoke("failing.scenarios.yaml", "--junit", "report.xml")
    assert result.exit_code == 1
    assert result.stdout == FAILING_TEXT
    first = (workdir / "report.xml").read_text(encoding="utf-8")
    assert first == JUNIT
    invoke("failing.scenarios.yaml", "--junit", "report.xml")
    assert (workdir / "report.xml").read_text(encoding="utf-8") == first


def test_scenario_file_error_exits_2_with_file_and_line(workdir):
    (workdir / "bad.scenarios.yaml").write_text(
        "scenarios:\n  - name: a\n    given: {sun: yes}\n    concludes: [thrist]\n"
    )
    result = invoke("passing.scenarios.yaml", "bad.scenarios.yaml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Error: bad.scenarios.yaml:4: unknown fact 'thrist' in 'concludes' "
        "(did you mean 'thirst'?)\n"
    )


def test_folder_without_scenario_files_exits_2(tmp_path):
    result = invoke(str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"Error: no scenario files (*.scenarios.yaml) found in {tmp_path}\n"


def test_missing_path_is_a_usage_error():
    result = invoke("no/such.scenarios.yaml")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["check", "--help"])
    assert result.exit_code == 0
    assert "whyache check tests/scenarios" in result.stdout
