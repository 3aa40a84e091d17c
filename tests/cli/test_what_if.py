from __future__ import annotations

import json

from click.testing import CliRunner

from whyache.cli import main

from ..conftest import TINY


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_what_if_text_exact():
    result = invoke(
        "what-if",
        "--kb",
        str(TINY),
        "-f",
        "sun",
        "-f",
        "water=no",
        "-f",
        "hours=30",
        "--remove",
        "water",
        "--add",
        "rest_pain",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "whyache · tiny 1 · educational reasoning, not a diagnosis\n"
        "\n"
        "What if: + rest_pain; - water (was no)\n"
        "\n"
        "Gained (1)\n"
        "  + !! see_doctor — See a doctor (red flag)\n"
        "      now by rule rest_pain_flag (firing 1): rest_pain\n"
        "\n"
        "Lost (3)\n"
        "  - late_soreness — Late soreness (condition)\n"
        "      was by rule late_ache (firing 3): ache, hours = 30 (>= 24); assuming not rest_pain\n"
        "  - ache — Ache (symptom)\n"
        "      was by rule thirst_aches (firing 2): thirst\n"
        "  - thirst — Thirst (mechanism)\n"
        "      was by rule sun_and_no_water (firing 1): sun, water = no\n"
        "\n"
        "Kept (1): drink\n"
    )


def test_what_if_json():
    result = invoke(
        "what-if", "--kb", str(TINY), "-f", "sun", "--add", "water=no", "--format", "json"
    )
    data = json.loads(result.stdout)
    assert data["schema"] == "whyache.what-if/1"
    assert data["inputs"] == [{"fact": "water", "before": None, "after": False}]
    assert [c["fact"] for c in data["gained"]] == ["ache", "thirst"]
    assert data["gained"][1]["firings"][0]["rule"] == "sun_and_no_water"
    assert data["kept"] == ["drink"]


def test_what_if_needs_a_change():
    result = invoke("what-if", "--kb", str(TINY), "-f", "sun")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: nothing to compare (give --add FACT[=VALUE] or --remove FACT)\n"
    )


def test_what_if_add_must_be_an_input():
    result = invoke("what-if", "--kb", str(TINY), "--add", "thirst")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: 'thirst' is a mechanism that rules conclude")
