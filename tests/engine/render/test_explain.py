from __future__ import annotations

import json
from pathlib import Path

from whyache.engine import case_from_assignments
from whyache.engine.explain.how import how
from whyache.engine.explain.why_not import why_not
from whyache.engine.render.explain import how_json, how_text, why_not_json, why_not_text

SNAPSHOTS = Path(__file__).parent / "snapshots"


def snapshot(name: str) -> str:
    """Expected output, committed and reviewed like code."""
    return (SNAPSHOTS / name).read_text(encoding="utf-8")


LATE_SORENESS_HOW = snapshot("how_late_soreness.txt")

DOMS_REST_HOW = snapshot("how_rest_and_recover.txt")

STRESS_FRACTURE_WHY_NOT = snapshot("why_not_stress_fracture.txt")

LATE_SORENESS_WHY_NOT = snapshot("why_not_late_soreness.txt")

RED_FLAG_WHY_NOT = snapshot("why_not_see_doctor.txt")


def run(engine, kb, *facts):
    return engine.run(case_from_assignments(kb, facts))


def test_how_text_tiny(tiny_engine, tiny_kb):
    result = run(tiny_engine, tiny_kb, "sun", "water=no", "hours=30")
    assert how_text(how(result, "late_soreness"), result.kb) == LATE_SORENESS_HOW


def test_how_text_two_derivations(differential_engine, differential_kb):
    result = run(
        differential_engine,
        differential_kb,
        "unaccustomed_exercise",
        "downhill_running",
        "hours_since_run=48",
        "diffuse_soreness",
    )
    assert how_text(how(result, "rest_and_recover"), result.kb) == DOMS_REST_HOW


def test_how_json_is_the_same_tree(tiny_engine, tiny_kb):
    result = run(tiny_engine, tiny_kb, "sun", "water=no")
    data = json.loads(how_json(how(result, "ache")))
    assert data == {
        "schema": "whyache.how/1",
        "fact": "ache",
        "tree": {
            "fact": "ache",
            "label": "Ache",
            "kind": "symptom",
            "value": True,
            "given": False,
            "condition": None,
            "shown_above": False,
            "level": "established",
            "derivations": [
                {
                    "firing": 2,
                    "rule": "thirst_aches",
                    "description": "Thirst aches.",
                    "link": "establishes",
                    "level": "established",
                    "support": 1,
                    "sources": [{"document": "doc.txt", "section": "One"}],
                    "assumptions": [],
                    "premises": [
                        {
                            "fact": "thirst",
                            "label": "Thirst",
                            "kind": "mechanism",
                            "value": True,
                            "given": False,
                            "condition": "thirst",
                            "shown_above": False,
                            "level": "established",
                            "derivations": [
                                {
                                    "firing": 1,
                                    "rule": "sun_and_no_water",
                                    "description": "Sun without water makes you thirsty.",
                                    "link": "establishes",
                                    "level": "established",
                                    "support": 1,
                                    "sources": [{"document": "doc.txt", "section": "One"}],
                                    "assumptions": [],
                                    "premises": [
                                        {
                                            "fact": "sun",
                                            "label": "Sunny",
                                            "kind": "input",
                                            "value": True,
                                            "given": True,
                                            "condition": "sun",
                                            "shown_above": False,
                                            "level": "given",
                                            "derivations": [],
                                        },
                                        {
                                            "fact": "water",
                                            "label": "Drank water",
                                            "kind": "input",
                                            "value": False,
                                            "given": True,
                                            "condition": "water = no",
                                            "shown_above": False,
                                            "level": "given",
                                            "derivations": [],
                                        },
                                    ],
                                }
                            ],
                        }
                    ],
                }
            ],
        },
    }


def test_why_not_text_doms_like(differential_engine, differential_kb):
    result = run(
        differential_engine,
        differential_kb,
        "unaccustomed_exercise",
        "hours_since_run=48",
        "diffuse_soreness",
        "pain_eases_with_movement",
        "localised_bone_tenderness=no",
    )
    report = why_not(differential_kb, result, "stress_fracture")
    assert why_not_text(report, differential_kb) == STRESS_FRACTURE_WHY_NOT


def test_why_not_text_with_additions(tiny_engine, tiny_kb):
    report = why_not(tiny_kb, run(tiny_engine, tiny_kb, "sun"), "late_soreness")
    assert why_not_text(report, tiny_kb) == LATE_SORENESS_WHY_NOT


def test_why_not_text_red_flag(tiny_engine, tiny_kb):
    report = why_not(tiny_kb, run(tiny_engine, tiny_kb, "rest_pain=no"), "see_doctor")
    assert why_not_text(report, tiny_kb) == RED_FLAG_WHY_NOT


def test_why_not_json(tiny_engine, tiny_kb):
    report = why_not(tiny_kb, run(tiny_engine, tiny_kb, "sun"), "late_soreness")
    data = json.loads(why_not_json(report))
    assert data["schema"] == "whyache.why-not/1"
    assert (data["fact"], data["concluded"], data["impossible"]) == (
        "late_soreness",
        False,
        False,
    )
    assert data["additions"] == [
        {"conditions": ["hours >= 24", "water = no"], "example": {"hours": 24, "water": False}}
    ]
    checks = data["tree"]["rules"][0]["alternatives"][0]["checks"]
    assert [(c["condition"], c["status"]) for c in checks] == [
        ("ache", "unknown"),
        ("hours >= 24", "unknown"),
        ("not rest_pain", "held"),
    ]
    assert checks[0]["because"]["fact"] == "ache"
