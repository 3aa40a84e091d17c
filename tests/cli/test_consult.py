"""``whyache consult``: scripted consultations through CliRunner, and one real terminal."""

from __future__ import annotations

import json
import re
import signal
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from whyache.cli import main

from ..conftest import FIXTURES

KB = str(FIXTURES / "kbs" / "consult")
QUESTION = re.compile(r"^Q\d+\. (.*?) \[[^\]]*\] > ", re.MULTILINE)

SHIN = "Is the pain along your shin bone?"
HOURS = "How many hours ago did the run end?"
UNACCUSTOMED = "Was the run harder, longer or hillier than you are used to?"
REST = "Does the leg hurt at rest or at night?"
HOP = "Is hopping on the painful leg impossible or very painful?"
DIFFUSE = "Is the shin pain spread along the bone rather than at one spot?"
MILEAGE = "Did you increase your weekly distance sharply in recent weeks?"


def consult(*args: str, answers: str = "") -> Result:
    return CliRunner().invoke(main, ["consult", "--kb", KB, *args], input=answers)


def questions(output: str) -> list[str]:
    return QUESTION.findall(output)


DOMS_TRANSCRIPT = """\
Consultation · consult 1 · educational reasoning, not a diagnosis
Answer yes, no or unknown (a number for amounts); type help for commands.

Given up front: muscle_soreness = yes
    → concluded: Aching legs [leg_ache]
Q1. Is the pain along your shin bone? [yes/no/unknown] > no
Q2. How many hours ago did the run end? [number in h, 0 to 720, or unknown] > 30
Q3. Was the run harder, longer or hillier than you are used to? [yes/no/unknown] > yes
    → concluded: Delayed-onset muscle soreness [doms]
    → concluded: Keep moving gently while soreness settles [rec_easy_activity]

No further question can change a conclusion (3 questions answered).

whyache · consult 1 · educational reasoning, not a diagnosis

No red flag from the facts given (that does not rule one out).

Explained
  - (sore tender leg muscles + unaccustomed effort → micro-damage in muscle
    fibres) + hours since the run 30 h → delayed-onset muscle soreness
    [legs §Soreness]
  - sore tender leg muscles → aching legs  [legs §Soreness]

Advice
  Now
    - Keep moving gently while soreness settles  [legs §Advice]

Sources: legs A test document about sore legs
Test output only. Every step: --trace.
"""


def test_doms_like_consultation_prints_exact_transcript_and_report():
    result = consult("-f", "muscle_soreness", answers="no\n30\nyes\n")
    assert result.exit_code == 0, result.output
    assert result.stdout == DOMS_TRANSCRIPT


def test_doms_like_case_never_asks_about_the_shin_once_shin_pain_is_denied():
    result = consult("-f", "muscle_soreness", answers="no\n30\nyes\n")
    assert questions(result.output) == [SHIN, HOURS, UNACCUSTOMED]
    assert not {REST, HOP, DIFFUSE, MILEAGE} & set(questions(result.output))


def test_shin_pain_case_asks_pain_at_rest_and_hop_test_before_concluding():
    result = consult("-f", "shin_pain", answers="no\nno\nunknown\nyes\nyes\n")
    assert result.exit_code == 0, result.output
    assert questions(result.output) == [REST, HOP, HOURS, DIFFUSE, MILEAGE]
    first_conclusion = result.output.index("→ concluded: Shin splints")
    assert result.output.index(HOP) < first_conclusion
    assert (
        "  - (pain along the shin bone + sharp rise in weekly distance → repeated\n"
        "    overload of the tibia) + pain spread along the shin + not pain at rest →\n"
        "    shin splints  [legs §Shin]\n" in result.stdout
    )


def test_stress_fracture_case_raises_the_red_flag_loudly_as_soon_as_it_is_known():
    result = consult("-f", "shin_pain", answers="yes\nno\nyes\n")
    assert questions(result.output) == [REST, DIFFUSE, MILEAGE]
    flag = "    !! RED FLAG: Possible bone stress injury [bone_injury_flag]: see a clinician"
    assert flag in result.output.splitlines()
    report = result.stdout[result.stdout.index("whyache · consult") :]
    assert report.splitlines()[2] == "RED FLAGS: see a clinician"


def test_facts_given_up_front_are_not_asked_again():
    result = consult("-f", "shin_pain", "-f", "pain_at_rest=no", answers="no\n")
    assert questions(result.output)[0] == HOP
    assert REST not in questions(result.output)


def test_why_names_the_goals_the_rules_and_their_sources():
    result = consult("-f", "muscle_soreness", answers="why\nno\n30\nyes\n")
    assert result.exit_code == 0, result.output
    why = result.output.split("> why\n")[1].split("Q1.")[0]
    assert why == (
        "    Asked because the answer to shin_pain can confirm or rule out:\n"
        "      red flag: Possible bone stress injury [bone_injury_flag]\n"
        "      condition: Delayed-onset muscle soreness [doms]\n"
        "      condition: Shin splints [shin_splints]\n"
        "      condition: Possible stress fracture [stress_fracture]\n"
        "    through these rules:\n"
        "      doms_window: Micro-damage felt 12 to 72 hours after the run is DOMS, unless a "
        "bone injury is suspected. (legs.txt § Soreness)\n"
        "      mileage_overloads_tibia: Shin pain after a sharp rise in distance means the tibia "
        "is loaded more than it adapts to. (legs.txt § Shin)\n"
        "      diffuse_pain_is_shin_splints: Overload felt along the bone, and not at rest, is "
        "shin splints. (legs.txt § Shin)\n"
        "      focal_pain_is_stress_fracture: Overload felt at one spot that hurts at rest or on "
        "a hop suggests a stress fracture. (legs.txt § Shin)\n"
        "      failed_hop_test: A painful shin that will not take a single-leg hop needs a "
        "clinician. (legs.txt § Red flags)\n"
        "      shin_pain_at_rest: A painful shin that hurts at rest or at night needs a "
        "clinician. (legs.txt § Red flags)\n"
    )
    assert questions(result.output) == [SHIN, SHIN, HOURS, UNACCUSTOMED]


def test_how_shows_the_chain_behind_a_conclusion_so_far():
    start = ("-f", "muscle_soreness", "-f", "unaccustomed_exercise", "-f", "hours_since_run=30")
    result = consult(*start, answers="how doms\nno\n")
    how = result.output.split("> how doms\n")[1].split("Q1.")[0]
    assert how == (
        "    doms — Delayed-onset muscle soreness (condition)\n"
        "      by rule doms_window (firing 3): Micro-damage felt 12 to 72 hours after the run is "
        "DOMS, unless a bone injury is suspected.\n"
        "        sources (1 of 1 document): legs.txt § Soreness\n"
        "        assuming: not bone_injury_flag\n"
        "        muscle_micro_damage — Micro-damage in muscle fibres (mechanism)\n"
        "          by rule unaccustomed_effort_damages_muscle (firing 1): Sore muscles after "
        "effort the legs are not used to point to micro-damage.\n"
        "            sources (1 of 1 document): legs.txt § Soreness\n"
        "            muscle_soreness — given\n"
        "            unaccustomed_exercise — given\n"
        "        hours_since_run = 30 (>= 12) — given\n"
        "        hours_since_run = 30 (<= 72) — given\n"
    )


def test_how_answers_for_given_answered_unknown_and_misspelt_facts():
    answers = "yes\nhow muscle_soreness\nhow shin_pain\nhow hours_since_run\nhow stress_fracture\n"
    result = consult("-f", "muscle_soreness", answers=answers + "how shinsplints\n")
    lines = result.output.splitlines()
    assert "    muscle_soreness = yes (given)." in lines
    assert "    shin_pain = yes (answered at Q1)." in lines
    assert "    Hours since the run [hours_since_run] is not known." in lines
    assert (
        "    Possible stress fracture [stress_fracture] is not concluded from the answers so far."
        in lines
    )
    assert "    unknown fact 'shinsplints' (did you mean 'shin_splints'?)" in lines


def test_back_withdraws_the_conclusions_that_hung_on_the_answer():
    result = consult("-f", "shin_pain", "-f", "pain_at_rest=no", answers="yes\nback\nno\n")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    took_back = lines.index("    Took back the answer to cannot_hop_on_leg.")
    assert lines[took_back + 1 : took_back + 3] == [
        "    → withdrawn: Possible bone stress injury [bone_injury_flag]",
        "    → withdrawn: Stop running until a clinician has checked the leg [rec_stop_running]",
    ]
    assert questions(result.output)[:3] == [HOP, DIFFUSE, HOP]
    assert "No red flag from the facts given (that does not rule one out)." in result.stdout
    assert "cannot_hop_on_leg" not in result.stdout.split("whyache · consult")[1]


def test_back_with_nothing_to_take_back_says_so():
    result = consult("-f", "shin_pain", answers="back\n")
    assert "    No answer to take back (facts given up front stay)." in result.output


def test_facts_lists_given_answered_and_concluded():
    result = consult("-f", "shin_pain", answers="no\nunknown\nfacts\n")
    facts = result.output.split("> facts\n")[1].split("Q3.")[0]
    assert facts == (
        "    Given up front: shin_pain = yes\n"
        "    Answered: Q1 pain_at_rest = no, Q2 cannot_hop_on_leg = unknown\n"
        "    Concluded so far: Symptoms: leg_ache\n"
    )


def test_bad_answers_get_a_reason_and_the_same_question_again():
    result = consult("-f", "muscle_soreness", answers="maybe\nno\n900\nsoon\n30 h\nyes\n")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "    Please answer yes, no or unknown (or type help)." in lines
    assert "    hours_since_run = 900 is out of range [0, 720] h" in lines
    assert "    'hours_since_run' needs a number in h, not 'soon'" in lines
    assert questions(result.output) == [SHIN, SHIN, HOURS, HOURS, HOURS, UNACCUSTOMED]


def test_help_lists_the_commands():
    result = consult(answers="help\nquit\n")
    for command in ("why", "how FACT", "back", "facts", "done", "quit", "help"):
        assert f"\n      {command} " in result.output


def test_end_of_input_ends_cleanly_with_the_report_so_far_and_open_red_flags():
    result = consult("-f", "shin_pain", answers="no\n")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "End of input: the report so far (1 question answered)." in lines
    assert (
        "!! Red flag not ruled out: Possible bone stress injury [bone_injury_flag]; "
        "still unknown: cannot_hop_on_leg" in lines
    )
    assert result.stdout.endswith("Test output only. Every step: --trace.\n")


def test_red_flag_questions_answered_unknown_leave_the_flag_named_at_the_end():
    result = consult("-f", "shin_pain", answers="unknown\nunknown\n30\nno\n")
    assert result.exit_code == 0, result.output
    assert questions(result.output) == [
        REST,
        HOP,
        HOURS,
        "Are your leg muscles sore and tender to touch?",
    ]
    lines = result.output.splitlines()
    ending = lines.index("No further question can change a conclusion (4 questions answered).")
    assert lines[ending + 1] == (
        "!! Red flag not ruled out: Possible bone stress injury [bone_injury_flag]; "
        "still unknown: cannot_hop_on_leg, pain_at_rest"
    )


def test_done_still_asks_the_questions_that_could_raise_a_red_flag():
    result = consult("-f", "shin_pain", answers="done\nno\nno\n")
    assert result.exit_code == 0, result.output
    assert "    Questions that could raise a red flag are still asked." in result.output
    # After "done" only red-flag questions remain; the two tie and go in fact-id order.
    assert questions(result.output) == [REST, HOP, REST]
    assert "Stopped on request; no question that could raise a red flag is left" in result.output
    assert "Red flag not ruled out" not in result.output


def test_quit_stops_at_once_and_still_reports():
    result = consult("-f", "shin_pain", answers="quit\n")
    assert result.exit_code == 0, result.output
    assert "Stopped on request (0 questions answered)." in result.output
    assert "!! Red flag not ruled out: Possible bone stress injury" in result.output
    assert "Explained" in result.stdout


def test_answers_file_runs_without_a_terminal(tmp_path: Path):
    answers = tmp_path / "answers.txt"
    answers.write_text("# a DOMS-like day\nno\n\n30\nyes\n", encoding="utf-8")
    result = consult("-f", "muscle_soreness", "--answers", str(answers))
    assert result.exit_code == 0, result.output
    assert result.stdout == DOMS_TRANSCRIPT


def test_missing_answers_file_is_a_usage_error(tmp_path: Path):
    result = consult("--answers", str(tmp_path / "none.txt"))
    assert result.exit_code == 2
    assert "answers file not found" in result.output


def test_saved_answers_replay_to_the_identical_report(tmp_path: Path):
    saved = tmp_path / "case.yaml"
    result = consult("-f", "shin_pain", "--save", str(saved), answers="yes\nno\nunknown\n")
    assert result.exit_code == 0, result.output
    assert f"Saved the answers to {saved}." in result.stderr
    assert saved.read_text(encoding="utf-8") == (
        "# Saved by whyache consult: `whyache run --case FILE` reproduces its report.\n"
        "# Answered unknown: recent_mileage_increase\n"
        "name: consultation\n"
        "facts:\n"
        "  pain_at_rest: true\n"
        "  pain_diffuse: false\n"
        "  shin_pain: true\n"
    )
    replay = CliRunner().invoke(main, ["run", "--kb", KB, "--case", str(saved)])
    assert replay.exit_code == 0, replay.output
    assert result.stdout.endswith("\n\n" + replay.stdout)


def test_json_report_matches_run_and_keeps_the_questions_off_stdout(tmp_path: Path):
    saved = tmp_path / "case.yaml"
    args = ("-f", "muscle_soreness", "--format", "json", "--save", str(saved))
    result = consult(*args, answers="no\n30\nyes\n")
    assert result.exit_code == 0, result.output
    assert questions(result.stderr) == [SHIN, HOURS, UNACCUSTOMED]
    replay = CliRunner().invoke(main, ["run", "--kb", KB, "--case", str(saved), "--format", "json"])
    assert result.stdout == replay.stdout
    assert json.loads(result.stdout)["conclusions"]["condition"] == ["doms"]


def test_ctrl_c_leaves_with_exit_130_and_no_traceback(monkeypatch: pytest.MonkeyPatch):
    from whyache.cli import consult as module

    def interrupt(self: object, text: str) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(module._Reader, "ask", interrupt)
    result = consult("-f", "shin_pain")
    assert result.exit_code == 130
    assert "Error: interrupted; nothing saved" in result.stderr
    assert "Traceback" not in result.output


def test_a_non_input_fact_given_up_front_is_a_usage_error():
    result = consult("-f", "doms")
    assert result.exit_code == 2
    assert "'doms' is a condition that rules conclude" in result.stderr


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["consult", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert "whyache consult -f shin_pain --save answers.yaml" in result.output


# --- a real terminal ---------------------------------------------------------------------


def _default_sigint() -> None:
    """In the child: Ctrl-C interrupts, even when this test run ignores SIGINT.

    A suite started as a background job inherits SIGINT ignored, and a Python started with it
    ignored never turns Ctrl-C into KeyboardInterrupt: the test would wait out its timeout.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _spawn(*args: str):  # type: ignore[no-untyped-def]
    pexpect = pytest.importorskip("pexpect")
    # The child also installs Python's own Ctrl-C handler itself: preexec_fn alone was seen
    # to leave SIGINT ignored in a loaded full-suite run (the ^C echoed, nothing happened).
    start = (
        "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "sys.argv[0] = 'whyache'; from whyache.__main__ import main; main()"
    )
    command = [sys.executable, "-c", start, "consult", "--kb", KB, *args]
    try:
        child = pexpect.spawn(
            command[0],
            command[1:],
            encoding="utf-8",
            timeout=60,
            dimensions=(40, 200),
            preexec_fn=_default_sigint,
        )
    except (OSError, pexpect.ExceptionPexpect) as exc:  # no pty on this platform
        pytest.skip(f"pexpect cannot spawn a terminal here: {exc}")
    return pexpect, child


def test_interactive_session_in_a_pseudo_terminal():
    pexpect, child = _spawn("-f", "muscle_soreness")
    child.expect_exact(f"Q1. {SHIN} [yes/no/unknown] > ")
    child.sendline("why")
    child.expect_exact("red flag: Possible bone stress injury [bone_injury_flag]")
    child.expect_exact(f"Q1. {SHIN} [yes/no/unknown] > ")
    child.sendline("no")
    child.expect_exact(f"Q2. {HOURS} [number in h, 0 to 720, or unknown] > ")
    child.sendline("30")
    child.expect_exact("Q3. ")
    child.sendline("yes")
    child.expect_exact("→ concluded: Delayed-onset muscle soreness [doms]")
    child.expect_exact("No further question can change a conclusion (3 questions answered).")
    child.expect_exact("Explained")
    child.expect(pexpect.EOF)
    child.wait()  # close() could kill a child still exiting on a loaded machine
    assert child.exitstatus == 0


@pytest.mark.parametrize("inherited", [signal.SIG_DFL, signal.SIG_IGN], ids=["default", "ignored"])
def test_ctrl_c_in_a_pseudo_terminal_leaves_without_a_traceback(inherited):
    """Also when the test run itself ignores SIGINT (a suite run as a background job)."""
    previous = signal.signal(signal.SIGINT, inherited)
    try:
        pexpect, child = _spawn("-f", "shin_pain")
    finally:
        signal.signal(signal.SIGINT, previous)
    child.expect_exact(f"Q1. {REST} [yes/no/unknown] > ")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.wait()  # close() could kill a child still exiting on a loaded machine
    assert "Error: interrupted; nothing saved" in child.before
    assert "Traceback" not in child.before
    assert child.exitstatus == 130


# --- question groups, on the bundled knowledge base ------------------------------------------


def _bundled(*args: str, answers: str = "") -> Result:
    return CliRunner().invoke(main, ["consult", *args], input=answers)


def test_a_question_group_is_one_question_and_no_denies_all_of_it(tmp_path: Path):
    saved = tmp_path / "answers.yaml"
    result = _bundled(
        "-f",
        "hot_weather",
        "-f",
        "hours_since_run=30",
        "--save",
        str(saved),
        answers="no\n" + "unknown\n" * 80,
    )
    assert result.exit_code == 0, result.output
    asked = questions(result.output)
    warning = next(q for q in asked if q.startswith("Is any of these true: the pain is severe"))
    assert asked.count(warning) == 1
    assert "[yes/no/unknown: no means none of them] > " in result.output
    case = saved.read_text(encoding="utf-8")
    for fact in ("pain_severe", "pain_at_rest", "cannot_hop_on_leg", "radiating_pain"):
        assert f"{fact}: false" in case
    count = int(re.search(r"\((\d+) questions answered\)", result.output).group(1))
    assert count == len(asked)


def test_yes_to_a_group_asks_its_facts_one_by_one_and_back_undoes_the_group():
    answers = "".join(["yes\n", "back\n", "no\n"] + ["no\n"] * 40)
    result = _bundled("-f", "hot_weather", "-f", "hours_since_run=30", answers=answers)
    assert result.exit_code == 0, result.output
    assert "Took back the answer to the question group " in result.output
    asked = questions(result.output)
    assert asked[0].startswith("Is any of these true")
    assert asked[1] == "Are you unable to hop on the painful leg because of pain?"  # one by one
    assert asked[2] == asked[0]  # back took the group's answer back
