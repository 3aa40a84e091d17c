from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from whyache.cli import main

from ..conftest import DIFFERENTIAL, FINDINGS, TINY


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_explain_prints_header_and_tree():
    result = invoke("explain", "ache", "--kb", str(TINY), "-f", "sun", "-f", "water=no")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "whyache · tiny 1 · educational reasoning, not a diagnosis\n"
        "\n"
        "No red flag from the facts given (that does not rule one out).\n"
        "\n"
        "ache — Ache (symptom)\n"
        "  by rule thirst_aches (firing 2): Thirst aches.\n"
        "    sources (1 of 1 document): doc.txt § One\n"
        "    thirst — Thirst (mechanism)\n"
        "      by rule sun_and_no_water (firing 1): Sun without water makes you thirsty.\n"
        "        sources (1 of 1 document): doc.txt § One\n"
        "        sun — given\n"
        "        water = no — given\n"
    )


def test_explain_opens_with_the_red_flags_and_the_facts_behind_them():
    args = ["explain", "ache", "--kb", str(TINY), "-f", "sun", "-f", "water=no", "-f", "rest_pain"]
    lines = invoke(*args).stdout.splitlines()
    assert lines[2:6] == [
        "RED FLAGS: see a clinician",
        "  !! See a doctor",
        "     from pain at rest  [doc §Two]",
        "",
    ]


def test_explain_json():
    result = invoke(
        "explain", "Ache", "--kb", str(TINY), "-f", "sun", "-f", "water=no", "--format", "json"
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["tree"]["derivations"][0]["rule"] == "thirst_aches"


def test_explain_not_concluded_points_to_why_not():
    result = invoke("explain", "late_soreness", "--kb", str(TINY), "-f", "sun")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: 'late_soreness' was not concluded from the facts given "
        "(see whyache why-not late_soreness)\n"
    )


def test_explain_unknown_fact_suggests():
    result = invoke("explain", "thrist", "--kb", str(TINY))
    assert result.exit_code == 2
    assert result.stderr == "Error: unknown fact 'thrist' (did you mean 'thirst'?)\n"


def test_why_not_names_what_rules_out_stress_fracture():
    result = invoke(
        "why-not",
        "stress_fracture",
        "--kb",
        str(DIFFERENTIAL),
        "-f",
        "unaccustomed_exercise",
        "-f",
        "hours_since_run=48",
        "-f",
        "diffuse_soreness",
        "-f",
        "pain_eases_with_movement",
        "-f",
        "localised_bone_tenderness=no",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("whyache · differential 1 · educational reasoning")
    assert result.stdout.endswith(
        "Ruled out by the given facts: diffuse_soreness, localised_bone_tenderness = no, "
        "pain_eases_with_movement\n"
    )


def test_why_not_json():
    result = invoke("why-not", "see_doctor", "--kb", str(TINY), "--format", "json")
    data = json.loads(result.stdout)
    assert data["additions"] == [{"conditions": ["rest_pain"], "example": {"rest_pain": True}}]


def test_why_not_of_a_concluded_fact_points_to_explain():
    result = invoke("why-not", "thirst", "--kb", str(TINY), "-f", "sun", "-f", "water=no")
    assert result.exit_code == 1
    assert result.stderr == "Error: 'thirst' was concluded (see whyache explain thirst)\n"


def test_explain_a_reported_finding_lists_what_explains_it():
    result = invoke(
        "explain", "leg_ache", "--kb", str(FINDINGS), "-f", "leg_ache", "-f", "hot_weather"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.split("\n", 2)[2] == (
        "No red flag from the facts given (that does not rule one out).\n"
        "\n"
        "leg_ache = yes — given\n"
        "\n"
        "Why aching legs? (reported; 2 of 4 documented causes fit the facts)\n"
        "  - possible: hot weather → fluid lost in sweat → dehydration → aching legs\n"
        "    (2 of 3 documents)  [heat §Fluids · soreness §Soreness]\n"
        "    because fluid lost in sweat can lead to dehydration, 2 of 3 documents; to\n"
        "    establish it: -f drank_little\n"
        "  - possible: hot weather → fluid lost in sweat → dehydration → muscle cramps →\n"
        "    aching legs (1 of 3 documents)  [soreness §Cramps · heat §Sweat]\n"
        "    because fluid lost in sweat can lead to dehydration, 2 of 3 documents;\n"
        "    dehydration can lead to muscle cramps, 1 of 3 documents; no input would\n"
        "    establish it\n"
        "  Not yet supported by the facts (what would support it):\n"
        "    - stress fracture (2 of 3 documents): -f high_mileage (possible)\n"
        "    - delayed-onset muscle soreness (2 of 3 documents): -f downhill_run\n"
        "      -f hours_since_run=72\n"
    )


def test_explain_a_reported_finding_as_json_carries_its_explanations():
    args = ("explain", "leg_ache", "--kb", str(FINDINGS), "-f", "leg_ache", "-f", "hot_weather")
    data = json.loads(invoke(*args, "--format", "json").stdout)
    run = json.loads(invoke("run", *args[2:], "--format", "json").stdout)
    assert data["tree"]["given"] is True
    assert data["explanations"] == run["explanations"]
    assert [e["rule"] for e in data["explanations"][0]["supported"]] == [
        "dehydration_aches",
        "cramps_ache",
    ]


def test_explain_a_given_fact_that_is_not_a_finding_has_no_explanations():
    args = ("explain", "hot_weather", "--kb", str(FINDINGS), "-f", "hot_weather")
    result = invoke(*args, "--format", "json")
    assert "explanations" not in json.loads(result.stdout)
    assert "Why " not in invoke(*args).stdout


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "yes",
            "'leg_ache' was given in the case, not concluded "
            "(see whyache explain leg_ache for what explains it)",
        ),
        ("no", "'leg_ache' was given as no in the case, not concluded"),
    ],
)
def test_why_not_of_a_reported_finding_says_it_was_given(value, message):
    result = invoke("why-not", "leg_ache", "--kb", str(FINDINGS), "-f", f"leg_ache={value}")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {message}\n"


def test_why_not_of_an_input_is_a_usage_error():
    result = invoke("why-not", "sun", "--kb", str(TINY))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: 'sun' is an input: no rule concludes it, a case gives it (add it with -f sun)\n"
    )


def test_bundled_why_not_runs():
    result = invoke(
        "why-not", "dehydration", "-f", "hot_weather", "-f", "inadequate_fluid_intake=no"
    )
    assert result.exit_code == 0
    assert "inadequate_fluid_intake" in result.stdout


def test_not_concluded_as_json_error():
    result = invoke("explain", "ache", "--kb", str(TINY), "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stderr) == {
        "error": {
            "message": "'ache' was not concluded from the facts given (see whyache why-not ache)",
            "exit_code": 1,
        }
    }


@pytest.mark.parametrize("command", ["explain", "why-not", "what-if", "graph"])
def test_every_explanation_command_has_an_example_and_kb_option(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert f"whyache {command} " in result.output
    assert "--kb DIRECTORY" in result.output
    assert "--format [text|json" in result.output
