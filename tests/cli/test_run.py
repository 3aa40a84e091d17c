from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from whyache.cli import main

from ..conftest import TINY

TINY_TRACE = """\
whyache · tiny 1 · educational reasoning, not a diagnosis

!!! RED FLAGS: see a clinician !!!
  !! See a doctor [see_doctor] from pain at rest

Given
  hours = 30 h
  rest_pain = yes
  sun = yes
  water = no

Reasoning trace
  1. sun_and_no_water
     sun, water = no ⇒ thirst
     Sun without water makes you thirsty.
     sources (1 of 1 document): doc.txt § One
  2. thirst_aches
     thirst ⇒ ache
     Thirst aches.
     sources (1 of 1 document): doc.txt § One
  3. rest_pain_flag
     rest_pain ⇒ see_doctor
     Pain at rest needs a doctor.
     sources (1 of 1 document): doc.txt § Two
  4. advise_drink
     thirst ⇒ drink
     Thirst or unknown water intake in the sun calls for drinking.
     sources (1 of 1 document): doc.txt § One

Conclusions
  Red flags:       See a doctor [see_doctor]
  Symptoms:        Ache [ache]
  Mechanisms:      Thirst [thirst]
  Recommendations: Drink more [drink]

Summary
  !! See a doctor: pain at rest → see a doctor. See a clinician.
  Ache: sunny + not drank water → thirst → ache
  Recommendations, now:
    Drink more
  Sources:
    doc.txt: A test document

Test output only.
"""

TINY_REPORT = """\
whyache · tiny 1 · educational reasoning, not a diagnosis

RED FLAGS: see a clinician
  !! See a doctor
     from pain at rest  [doc §Two]

Explained
  - sunny + not drank water → thirst → ache  [doc §One]

Advice
  Now
    - Drink more  [doc §One]

Given but used by no rule that fired: hours
Sources: doc A test document
Test output only. Every step: --trace.
"""

TINY_NOTHING = """\
whyache · tiny 1 · educational reasoning, not a diagnosis

No red flag from the facts given (that does not rule one out).

Nothing was concluded from the facts given.

Ask next
  -f rest_pain: Pain at rest?

Given but used by no rule that fired: water
Test output only. Every step: --trace.
"""

TINY_CASE = ["-f", "sun", "-f", "water=no", "-f", "hours=30", "-f", "rest_pain"]


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_run_prints_exact_trace():
    result = invoke("run", "--kb", str(TINY), *TINY_CASE, "--trace")
    assert result.exit_code == 0, result.output
    assert result.stdout == TINY_TRACE


def test_run_prints_the_short_report_by_default():
    result = invoke("run", "--kb", str(TINY), *TINY_CASE)
    assert result.exit_code == 0, result.output
    assert result.stdout == TINY_REPORT


def test_report_json_shows_what_the_text_shows():
    result = invoke("run", "--kb", str(TINY), *TINY_CASE, "--format", "json")
    report = json.loads(result.stdout)["report"]
    assert report["red_flags"] == [
        {
            "fact": "see_doctor",
            "label": "See a doctor",
            "level": "established",
            "given": ["rest_pain"],
            "because": "pain at rest",
            "possible_links": [],
            "kb_thresholds": [],
            "sources": ["doc §Two"],
        }
    ]
    assert [(e["fact"], e["chain"]) for e in report["explained"]] == [
        ("ache", "sunny + not drank water → thirst → ache")
    ]
    assert report["advice"] == [
        {
            "fact": "drink",
            "label": "Drink more",
            "level": "established",
            "timing": "immediate",
            "moved_by_red_flag": False,
            "sources": ["doc §One"],
        }
    ]
    assert report["unused_given"] == ["hours"]
    assert report["documents"] == [{"file": "doc.txt", "tag": "doc", "title": "A test document"}]


def test_run_json_schema():
    result = invoke("run", "--kb", str(TINY), "-f", "sun", "-f", "water=no", "--format", "json")
    data = json.loads(result.stdout)
    assert data["schema"] == "whyache.result/1"
    assert data["given"] == [{"fact": "sun", "value": True}, {"fact": "water", "value": False}]
    assert [f["rule"] for f in data["firings"]] == [
        "sun_and_no_water",
        "thirst_aches",
        "advise_drink",
    ]
    assert data["conclusions"] == {
        "red_flag": [],
        "condition": [],
        "symptom": ["ache"],
        "mechanism": ["thirst"],
        "recommendation": ["drink"],
    }
    assert data["firings"][0]["sources"] == [{"document": "doc.txt", "section": "One"}]


def test_bundled_dehydration_chain():
    result = invoke(
        "run",
        "-f",
        "hot_weather",
        "-f",
        "inadequate_fluid_intake",
        "-f",
        "hours_since_run=2",
        "--trace",
    )
    assert result.exit_code == 0
    lines = {line.strip() for line in result.stdout.splitlines()}
    assert "dehydration ⇒ reduced_blood_volume" in lines
    assert "reduced_blood_volume ⇒ reduced_oxygen_delivery" in lines
    assert "lactate_accumulation ⇒ muscle_fatigue" in lines
    # other chains reach leg_ache first, so this firing is folded among the "already known"
    assert any(
        "(already known)" in line and "fatigue_felt_as_leg_ache ⇒ leg_ache" in line
        for line in lines
    )
    assert any(
        line.startswith("sources (3 of 5 documents): 000_6386edbbf6201b98.txt § 2. Dehydration")
        for line in lines
    )


def test_demo_runs():
    result = invoke("demo")
    assert result.exit_code == 0
    assert "Reasoning trace" not in result.stdout
    assert "→ dehydration → …" in result.stdout and "→ aching legs" in result.stdout
    traced = invoke("demo", "--trace")
    assert "Reasoning trace" in traced.stdout
    assert "leg_ache" in traced.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-f", "dehidration"],
            "Error: unknown fact 'dehidration' (did you mean 'dehydration'?)\n",
        ),
        (  # a case gives inputs: the red flag spelt alike is not offered
            ["-f", "pain_at_rets"],
            "Error: unknown fact 'pain_at_rets' (did you mean 'pain_at_rest'?)\n",
        ),
        (
            ["-f", "hours_since_run=abc"],
            "Error: 'hours_since_run' needs a number in h, not 'abc' (e.g. hours_since_run=0)\n",
        ),
        (
            ["-f", "hours_since_run=721"],
            "Error: hours_since_run = 721 is out of range [0, 720] h\n",
        ),
        (
            ["-f", "hot_weather=maybe"],
            "Error: 'hot_weather' is yes/no, not 'maybe' "
            "(write hot_weather, hot_weather=no or hot_weather=unknown)\n",
        ),
        (
            ["-f", "hot_weather", "-f", "hot_weather=no"],
            "Error: 'hot_weather' is given twice with different values (yes and no) (keep one)\n",
        ),
        (
            ["-f", "hot_weather="],
            "Error: no value after '=' in 'hot_weather=' (write FACT, FACT=no or FACT=48)\n",
        ),
    ],
)
def test_bad_facts_exit_2_with_one_line(args, message):
    result = invoke("run", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == message


def test_broken_kb_exits_3(tmp_path):
    result = invoke("run", "--kb", str(tmp_path))
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: ") and "no kb.yaml" in result.stderr


def test_case_file(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("facts:\n  sun: yes\n  water: no\n")
    by_file = invoke("run", "--kb", str(TINY), "--case", str(case))
    by_flags = invoke("run", "--kb", str(TINY), "-f", "sun", "-f", "water=no")
    assert by_file.stdout == by_flags.stdout


def test_python_dash_m(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "whyache", "--version"], capture_output=True, text=True, check=True
    )
    assert proc.stdout.startswith("whyache, version ")


def test_json_error_object_on_stderr():
    result = invoke("run", "-f", "dehidration", "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert json.loads(result.stderr) == {
        "error": {
            "message": "unknown fact 'dehidration' (did you mean 'dehydration'?)",
            "exit_code": 2,
        }
    }


def test_json_error_for_usage_errors_too():
    result = CliRunner().invoke(main, ["run", "--bogus", "--format=json"], prog_name="whyache")
    assert result.exit_code == 2
    assert json.loads(result.stderr) == {
        "error": {"message": "No such option '--bogus'. (see 'whyache run --help')", "exit_code": 2}
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00", "binary"),
        (b"facts:\n  hot_weather: [1, 2]\n", "'hot_weather' is yes/no, not [1, 2]"),
        (b"a: &x [1]\nb: *x\n", "anchors and aliases"),
        (b"!!python/object/apply:os.system ['echo pwned']\n", "could not determine a constructor"),
    ],
)
def test_hostile_case_files(tmp_path, content, message):
    case = tmp_path / "case.yaml"
    case.write_bytes(content)
    result = invoke("run", "--case", str(case))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {case}")
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_missing_case_file(tmp_path):
    result = invoke("run", "--case", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'nope.yaml'}: case file not found\n"


def test_summary_without_red_flags_says_so_and_gives_chains():
    result = invoke(
        "run",
        "-f",
        "hot_weather",
        "-f",
        "inadequate_fluid_intake",
        "-f",
        "hours_since_run=2",
        "--trace",
    )
    summary = result.stdout.split("\nSummary\n", 1)[1]
    assert summary.startswith(
        "  No red flag was concluded from the facts given (that does not rule one out).\n"
    )
    # every premise of the conjunction is named, not only the first
    assert (
        "(running in hot or humid weather → fluid lost through sweat) + not drinking enough"
        " before, during or after the run → dehydration → " in summary
    )
    assert (
        "  Recommendations, now:\n    Drink enough fluid before, during and after running\n"
        in summary
    )


def test_summary_when_nothing_is_concluded():
    result = invoke("run", "--kb", str(TINY), "-f", "water", "--trace")
    assert result.stdout.endswith(
        "Summary\n  Nothing was concluded from the facts given.\n\nTest output only.\n"
    )


def test_report_when_nothing_is_concluded_asks_what_would_settle_most():
    result = invoke("run", "--kb", str(TINY), "-f", "water")
    assert result.stdout == TINY_NOTHING


@pytest.mark.parametrize(
    "args",
    [
        ["run", "-f", "hot_weather", "-f", "inadequate_fluid_intake", "--format", "json"],
        ["run", "-f", "pain_sharp", "-f", "pain_localized_to_point", "-f", "cannot_hop_on_leg"],
        ["graph", "-f", "hot_weather", "-f", "inadequate_fluid_intake", "--format", "dot"],
        ["why-not", "stress_fracture", "-f", "hours_since_run=48", "-f", "pain_diffuse"],
        # the example values of a WHY-NOT once followed set order (hours 72 or 24 by seed)
        ["why-not", "doms", "-f", "skipped_warm_up"],
    ],
    ids=lambda a: a[0],
)
def test_byte_identical_across_processes_and_hash_seeds(tmp_path, args):
    import os
    import subprocess
    import sys

    outputs = set()
    for seed in ("0", "1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "WHYACHE_NO_CACHE": "1"}
        proc = subprocess.run(
            [sys.executable, "-m", "whyache", *args], capture_output=True, env=env, check=True
        )
        outputs.add(proc.stdout)
    assert len(outputs) == 1


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["consult"], b"no\n" * 200),  # prompts written after the reader has gone
        (["kb", "rules", "--format", "json"], b""),  # one large write
    ],
    ids=["consult", "kb-rules"],
)
def test_closed_stdout_exits_quietly(args, stdin):
    """`whyache ... | head` must not print a traceback or an 'internal error'."""
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "whyache", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stdin is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # the reader goes away, as `head -1` does
    try:
        proc.stdin.write(stdin)
        proc.stdin.close()
    except BrokenPipeError:
        pass
    stderr = proc.stderr.read()
    assert proc.wait(timeout=60) in (0, 141)
    assert stderr == b""


def test_run_without_facts_says_why_the_report_is_empty():
    result = invoke("run", "--kb", str(TINY))
    assert result.exit_code == 0
    assert result.stderr == (
        "whyache run: no facts given, so every fact is unknown and nothing follows. "
        "Give facts with -f FACT (list them: whyache kb facts --kind input), "
        "or let whyache ask: whyache consult\n"
    )
    assert "Nothing was concluded" in result.stdout
    assert invoke("run", "--kb", str(TINY), "-f", "sun").stderr == ""


@pytest.mark.parametrize("args", [[], ["kb"]], ids=["whyache", "whyache kb"])
def test_bare_group_prints_help_and_succeeds(args):
    result = CliRunner().invoke(main, args, prog_name="whyache")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: {' '.join(['whyache', *args])} [OPTIONS] COMMAND")
    assert "Commands:" in result.stdout and result.stderr == ""
