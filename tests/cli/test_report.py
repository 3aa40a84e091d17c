"""The short report of ``whyache run``: one screen, red flags first, self-care under review."""

from __future__ import annotations

import io
import json
from functools import lru_cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from whyache.cli import main
from whyache.cli.run import report_text
from whyache.cli.style import PIPED_WIDTH, Style, colour_wanted, style_for
from whyache.engine import Engine
from whyache.knowledge_base import load_knowledge_base
from whyache.knowledge_base.scenarios import load_scenarios, scenario_files

SCENARIOS = Path(__file__).parent.parent / "scenarios"
SCREEN = 40


@lru_cache(maxsize=1)
def bundled() -> tuple[object, Engine]:
    kb = load_knowledge_base()
    return kb, Engine(kb)


def all_scenarios() -> list[object]:
    kb, _engine = bundled()
    return [s for path in scenario_files([SCENARIOS]) for s in load_scenarios(kb, path)]


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def report_json(*facts: str) -> dict[str, object]:
    args = [a for f in facts for a in ("-f", f)]
    result = invoke("run", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    report: dict[str, object] = json.loads(result.stdout)["report"]
    return report


def timing_of(report: dict[str, object], fact: str) -> tuple[str, bool]:
    (advice,) = [a for a in report["advice"] if a["fact"] == fact]  # type: ignore[union-attr]
    return advice["timing"], advice["moved_by_red_flag"]


def test_demo_fits_one_screen_and_leads_with_the_red_flag_line():
    result = invoke("demo")
    lines = result.stdout.splitlines()
    assert len(lines) <= SCREEN
    assert lines[2] == "No red flag from the facts given (that does not rule one out)."
    assert all(len(line) <= PIPED_WIDTH for line in lines)


def test_every_scenario_prints_in_one_screen():
    _kb, engine = bundled()
    too_long = []
    for scenario in all_scenarios():
        text = report_text(engine.run(scenario.case), Style())  # type: ignore[attr-defined]
        if text.count("\n") > SCREEN:
            too_long.append(f"{scenario.name}: {text.count(chr(10))} lines")  # type: ignore[attr-defined]
    assert not too_long


def test_every_red_flag_of_every_scenario_is_in_its_report():
    _kb, engine = bundled()
    kb = engine.kb
    for scenario in all_scenarios():
        result = engine.run(scenario.case)  # type: ignore[attr-defined]
        text = report_text(result, Style(width=10_000))
        for flag in result.red_flags:
            assert f"!! {kb.fact(flag).label}" in text


def test_stress_fracture_flag_names_every_given_premise_in_words():
    result = invoke(
        "run", "-f", "pain_sharp", "-f", "pain_localized_to_point", "-f", "pain_at_rest"
    )
    assert (
        "  !! Possible stress fracture - needs prompt medical evaluation\n"
        "     from the pain is sharp + the pain is confined to one spot + pain persists\n"
        "       at rest  [003 §Identifying]\n" in result.stdout
    )
    assert "stress_fracture_signs" not in result.stdout


def test_kidney_red_flag_puts_drug_advice_under_review():
    report = report_json(
        "known_kidney_disease", "hours_since_run=48", "pain_diffuse", "pain_symmetric"
    )
    assert [f["fact"] for f in report["red_flags"]] == ["flag_kidney_disease"]  # type: ignore[index]
    assert timing_of(report, "rec_otc_anti_inflammatories") == ("after_review", True)
    assert timing_of(report, "rec_rice") == ("after_review", True)


def test_without_a_red_flag_the_same_advice_is_for_now():
    report = report_json("hours_since_run=48", "pain_diffuse", "pain_symmetric")
    assert report["red_flags"] == []
    assert timing_of(report, "rec_otc_anti_inflammatories") == ("immediate", False)


def test_possible_stress_fracture_puts_strength_work_under_review():
    report = report_json("pain_sharp", "pain_localized_to_point", "pain_at_rest")
    assert timing_of(report, "rec_strengthen_hips_and_glutes") == ("after_review", True)


def test_nerve_red_flag_puts_compression_under_review():
    report = report_json(
        "numbness_or_tingling", "radiating_pain", "swelling", "hours_since_run=24", "pain_diffuse"
    )
    assert "flag_nerve_symptoms" in [f["fact"] for f in report["red_flags"]]  # type: ignore[index]
    assert timing_of(report, "rec_compression_gear") == ("after_review", True)
    text = invoke(
        "run", "-f", "numbness_or_tingling", "-f", "radiating_pain", "-f", "swelling"
    ).stdout
    assert "After a clinician has seen it (self-care waits: a red flag is up" in text


@pytest.mark.parametrize("hours", ["72", "73"])
def test_easing_ache_on_either_side_of_72_hours_is_never_called_worsening(hours):
    args = [
        "-f",
        f"hours_since_run={hours}",
        "-f",
        "pain_diffuse",
        "-f",
        "eases_with_gentle_activity",
    ]
    text = " ".join(invoke("run", *args).stdout.split())
    assert "worsening" not in text.lower()
    assert "72 h: the knowledge base's own cut-off" in text
    trace = invoke("run", *args, "--trace").stdout
    assert "threshold chosen by the knowledge base: 72 h:" in trace


def test_at_73_hours_the_flag_says_still_there_not_worsening():
    report = report_json("hours_since_run=73", "pain_diffuse", "eases_with_gentle_activity")
    assert [f["fact"] for f in report["red_flags"]] == ["flag_pain_beyond_doms_window"]  # type: ignore[index]
    (flag,) = report["red_flags"]  # type: ignore[misc]
    assert flag["given"] == ["hours_since_run", "pain_diffuse"]
    assert flag["kb_thresholds"][0].startswith("72 h:")


def test_given_facts_no_rule_used_are_named():
    result = invoke("run", "-f", "pain_inner_shin", "-f", "hot_weather", "-f", "shoe_miles=10")
    assert "Given but used by no rule that fired: pain_inner_shin, shoe_miles\n" in result.stdout


def test_every_unknown_fact_is_reported_at_once_with_did_you_mean():
    result = invoke("run", "-f", "hot_wether", "-f", "pain_at_rets", "-f", "hot_weather")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: unknown facts 'hot_wether', 'pain_at_rets' ('hot_wether': did you mean "
        "'hot_weather'?; 'pain_at_rets': did you mean 'pain_at_rest'?)\n"
    )


def test_nothing_concluded_offers_the_three_questions_that_settle_most():
    result = invoke("run", "-f", "hours_since_run=2")
    text = result.stdout
    assert "Nothing was concluded from the facts given." in text
    asked = text.split("Ask next\n", 1)[1].split("\n\n", 1)[0].splitlines()
    # A question group asks its facts at once (kb.yaml's question_groups).
    assert [line.split(":")[0] for line in asked if not line.startswith("    ")] == [
        "  warning_signs (6 facts at once)",
        "  diagnosed_conditions (6 facts at once)",
        "  -f worsens_with_activity",
    ]


def test_trace_folds_firings_that_only_repeat_what_is_known():
    trace = invoke("demo", "--trace").stdout
    assert "Reasoning trace" in trace
    folded = [line for line in trace.splitlines() if "(already known)" in line]
    assert folded and all(". (already known) " in line for line in folded)
    assert len(trace.splitlines()) < 320


# -- terminal manners --------------------------------------------------------------------------


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("env", "tty", "wanted"),
    [
        ({}, False, False),
        ({}, True, True),
        ({"NO_COLOR": "1"}, True, False),
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": "0"}, False, False),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, False, False),
    ],
)
def test_colour_only_on_a_terminal_and_as_the_conventions_say(env, tty, wanted):
    stream = Tty() if tty else io.StringIO()
    assert colour_wanted(stream, env) is wanted


def test_piped_output_is_plain_and_80_columns():
    style = style_for(io.StringIO())
    assert style == Style(width=80, colour=False)
    args = ["run", "-f", "pain_sharp", "-f", "pain_localized_to_point", "-f", "pain_at_rest"]
    result = invoke(*args, env={"NO_COLOR": None, "FORCE_COLOR": None})
    assert "\x1b[" not in result.stdout


def test_force_color_puts_red_flags_in_bold_red():
    args = ["run", "-f", "pain_at_rest"]
    result = invoke(*args, env={"FORCE_COLOR": "1", "NO_COLOR": None})
    assert "\x1b[1;31mRED FLAGS: see a clinician\x1b[0m" in result.stdout
    assert "\x1b[1mwhyache · running-leg-ache" in result.stdout


def test_narrow_terminal_wraps_without_breaking_ids():
    _kb, engine = bundled()
    kb = engine.kb
    from whyache.engine import case_from_assignments

    case = case_from_assignments(kb, ["pain_sharp", "pain_localized_to_point", "pain_at_rest"])
    text = report_text(engine.run(case), Style(width=60))
    assert all(len(line) <= 60 for line in text.splitlines())
    assert "-f\n" not in text


def test_a_terminal_wraps_to_its_width(monkeypatch):
    monkeypatch.setenv("COLUMNS", "64")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert style_for(Tty()) == Style(width=64, colour=True)
