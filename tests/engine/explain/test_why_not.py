from __future__ import annotations

import pytest

from whyache.engine import Engine, InputError, KnowledgeBase, case_from_assignments
from whyache.engine.explain.why_not import (
    Addition,
    Status,
    derive,
    rule_additions,
    why_not,
)

from ...conftest import KINDS_YAML

DOMS_LIKE = (
    "unaccustomed_exercise",
    "hours_since_run=48",
    "diffuse_soreness",
    "pain_eases_with_movement",
    "localised_bone_tenderness=no",
)


def run(engine: Engine, kb: KnowledgeBase, *facts: str):
    return engine.run(case_from_assignments(kb, facts))


def statuses(report):
    return [
        (rule.rule, alt.index, [(c.condition, c.status.value, c.detail) for c in alt.checks])
        for rule in report.root.rules
        for alt in rule.alternatives
    ]


def test_doms_like_case_rules_out_stress_fracture(differential_engine, differential_kb):
    result = run(differential_engine, differential_kb, *DOMS_LIKE)
    report = why_not(differential_kb, result, "stress_fracture")
    assert report.impossible and not report.concluded
    assert report.ruled_out_by == (
        ("diffuse_soreness", True),
        ("localised_bone_tenderness", False),
        ("pain_eases_with_movement", True),
    )
    assert report.additions == ()
    assert statuses(report) == [
        (
            "stress_fracture_pattern",
            0,
            [
                ("bone_stress", "unknown", "not concluded"),
                ("localised_bone_tenderness", "failed", "given as no"),
                ("pain_worsens_with_impact", "unknown", "not given"),
                ("not pain_eases_with_movement", "failed", "given"),
                ("not diffuse_soreness", "failed", "given"),
            ],
        ),
        (
            "stress_fracture_rest_pain",
            0,
            [
                ("localised_bone_tenderness", "failed", "given as no"),
                ("pain_at_rest", "unknown", "not given"),
            ],
        ),
        (
            "stress_fracture_rest_pain",
            1,
            [
                ("localised_bone_tenderness", "failed", "given as no"),
                ("night_pain", "unknown", "not given"),
            ],
        ),
    ]
    bone = report.root.rules[0].alternatives[0].checks[0].because
    assert bone is not None and bone.fact == "bone_stress" and bone.status is Status.UNKNOWN


def test_smallest_additions_sorted_by_size_then_name(differential_engine, differential_kb):
    result = run(differential_engine, differential_kb, "hours_since_run=48")
    report = why_not(differential_kb, result, "stress_fracture")
    assert not report.impossible and report.ruled_out_by == ()
    assert [a.conditions for a in report.additions] == [
        ("localised_bone_tenderness", "night_pain"),
        ("localised_bone_tenderness", "pain_at_rest"),
        ("localised_bone_tenderness", "pain_worsens_with_impact", "rapid_mileage_increase"),
    ]


def test_numeric_additions_get_a_satisfying_example(tiny_engine, tiny_kb):
    report = why_not(tiny_kb, run(tiny_engine, tiny_kb, "sun"), "late_soreness")
    ((addition),) = report.additions
    assert addition.conditions == ("hours >= 24", "water = no")
    assert addition.example == (("hours", 24.0), ("water", False))


def test_number_out_of_range_fails(tiny_engine, tiny_kb):
    result = run(tiny_engine, tiny_kb, "sun", "water=no", "hours=10")
    report = why_not(tiny_kb, result, "late_soreness")
    assert report.impossible and report.ruled_out_by == (("hours", 10.0),)


def test_recursion_reaches_inputs_and_finds_denials(tiny_engine, tiny_kb):
    report = why_not(tiny_kb, run(tiny_engine, tiny_kb, "water"), "late_soreness")
    ache = report.root.rules[0].alternatives[0].checks[0]
    assert (ache.condition, ache.status) == ("ache", Status.FAILED)
    thirst = ache.because.rules[0].alternatives[0].checks[0]
    water = thirst.because.rules[0].alternatives[0].checks[1]
    assert (water.condition, water.status, water.blockers) == (
        "water = no",
        Status.FAILED,
        ("water",),
    )
    assert report.ruled_out_by == (("water", True),)


def test_additions_are_verified_and_minimal(tiny_engine, tiny_kb):
    # Additions never include a set that the rules would not actually conclude from.
    for facts in [(), ("sun",), ("hours=30",), ("water=no",)]:
        result = run(tiny_engine, tiny_kb, *facts)
        for addition in why_not(tiny_kb, result, "late_soreness").additions:
            values = dict(result.case.facts)
            values.update(addition.example)
            assert "late_soreness" in derive(tiny_kb, values)


def test_concluded_fact_has_no_report(tiny_engine, tiny_kb):
    report = why_not(tiny_kb, run(tiny_engine, tiny_kb, "sun", "water=no"), "thirst")
    assert report.concluded and report.root is None


def test_input_fact_is_an_input_error(tiny_engine, tiny_kb):
    with pytest.raises(InputError, match="'sun' is an input"):
        why_not(tiny_kb, run(tiny_engine, tiny_kb), "sun")


def test_derive_matches_the_engine(tiny_engine, tiny_kb):
    for facts in [("sun",), ("sun", "water=no", "hours=30"), ("rest_pain", "sun", "water")]:
        result = run(tiny_engine, tiny_kb, *facts)
        assert derive(tiny_kb, dict(result.case.facts)) == set(result.derived)


CYCLE = """
facts:
  - {id: x, label: X, kind: input, question: X?}
  - {id: a, label: A, kind: mechanism}
  - {id: b, label: B, kind: mechanism}
rules:
  - {id: x_a, description: X gives A., if: x, then: a, sources: [{doc: d.txt, section: S}]}
  - {id: b_a, description: B gives A., if: b, then: a, sources: [{doc: d.txt, section: S}]}
  - {id: a_b, description: A gives B., if: a, then: b, sources: [{doc: d.txt, section: S}]}
"""


def test_a_cycle_is_not_support_and_is_shown_once(tmp_path):
    from whyache.knowledge_base import load_knowledge_base

    (tmp_path / "kb.yaml").write_text('name: cycle\nversion: "1"\ndescription: c\n' + KINDS_YAML)
    (tmp_path / "documents.yaml").write_text(
        "documents:\n  - {file: d.txt, title: D, sections: [S]}\n"
    )
    (tmp_path / "rules.yaml").write_text(CYCLE)
    kb = load_knowledge_base(tmp_path)
    engine = Engine(kb)
    report = why_not(kb, run(engine, kb), "b")
    assert [a.conditions for a in report.additions] == [("x",)]
    a_check = report.root.rules[0].alternatives[0].checks[0]
    b_again = a_check.because.rules[1].alternatives[0].checks[0].because
    assert (b_again.fact, b_again.shown_above, b_again.rules) == ("b", True, ())
    denied = why_not(kb, run(engine, kb, "x=no"), "b")
    assert denied.impossible and denied.ruled_out_by == (("x", False),)


LEVELS_RULES = """\
facts:
  - {id: a, label: A, kind: input, question: A?}
  - {id: b, label: B, kind: input, question: B?}
  - {id: c, label: C, kind: input, question: C?}
  - {id: x, label: X, kind: mechanism}
  - {id: y, label: Y, kind: condition}
rules:
  - id: a_may_give_x
    description: A can lead to X.
    if: a
    then: x
    link: can_lead_to
    sources: [{doc: d.txt, section: S}]
  - id: b_c_without_x_give_y
    description: B and C give Y unless X is established.
    if:
      all: [b, c, {not: x}]
    then: y
    link: establishes
    sources: [{doc: d.txt, section: S}]
  - id: c_gives_x
    description: C gives X.
    if: [a, c]
    then: x
    link: establishes
    sources: [{doc: d.txt, section: S}]
"""


def _levels_kb(tmp_path):
    from whyache.knowledge_base import load_knowledge_base

    (tmp_path / "kb.yaml").write_text('name: lv\nversion: "1"\ndescription: l\n' + KINDS_YAML)
    (tmp_path / "documents.yaml").write_text(
        "documents:\n  - {file: d.txt, title: D, sections: [S]}\n"
    )
    (tmp_path / "rules.yaml").write_text(LEVELS_RULES)
    return load_knowledge_base(tmp_path)


def test_an_absence_reads_every_conclusion_possible_ones_included(tmp_path):
    # x is only possible, and that is enough to block "not x", as in a run.
    kb = _levels_kb(tmp_path)
    engine = Engine(kb)
    report = why_not(kb, run(engine, kb, "a", "b"), "y")
    (rule,) = report.root.rules
    checks = [(c.condition, c.status.value, c.detail) for c in rule.alternatives[0].checks]
    assert checks == [
        ("b", "held", "given"),
        ("c", "unknown", "not given"),
        ("not x", "failed", "concluded from a"),
    ]
    assert (report.level, report.additions, report.impossible) == (None, (), True)
    assert report.ruled_out_by == (("a", True),)


def test_a_possible_fact_gets_what_would_establish_it(tmp_path):
    kb = _levels_kb(tmp_path)
    engine = Engine(kb)
    report = why_not(kb, run(engine, kb, "a"), "x")
    assert (report.concluded, report.level, report.possible_only) == (True, "possible", True)
    assert [r.rule for r in report.root.rules] == ["c_gives_x"]  # establishing rules only
    assert [a.conditions for a in report.additions] == [("c",)]
    assert [s.rule for s in report.links] == ["a_may_give_x"]
    established = why_not(kb, run(engine, kb, "a", "c"), "x")
    assert (established.root, established.level) == (None, "established")


# --- findings a case reports, and the additions that make one rule fire ---------------------


def test_a_given_finding_holds_as_a_premise(findings_kb, findings_engine):
    """cramps is an observed finding: given, it holds like an input, so the rule reading it
    needs nothing more (read as a derived fact it would need hot weather)."""
    given = run(findings_engine, findings_kb, "cramps", "hours_since_run=2")
    assert rule_additions(findings_kb, given, ["cramps_ache"]) == {
        "cramps_ache": (Addition((), ()),)
    }


def test_rule_additions_are_the_fewest_inputs_that_make_each_rule_fire(
    findings_kb, findings_engine
):
    result = run(findings_engine, findings_kb, "hot_weather")
    found = rule_additions(
        findings_kb, result, ["doms_aches", "fracture_aches", "unreplaced_sweat_dehydrates"]
    )
    assert {rule: [a.conditions for a in additions] for rule, additions in found.items()} == {
        "doms_aches": [("downhill_run", "hours_since_run <= 72", "hours_since_run >= 24")],
        "fracture_aches": [("high_mileage",)],
        "unreplaced_sweat_dehydrates": [("drank_little",)],
    }
    ruled_out = run(findings_engine, findings_kb, "hot_weather", "hours_since_run=2")
    assert rule_additions(findings_kb, ruled_out, ["doms_aches"]) == {"doms_aches": ()}


def test_rule_additions_can_ask_what_would_establish_a_rule_s_premises(
    findings_kb, findings_engine
):
    """Establish mode: the rule fires with every premise established (for a possible link
    such as fracture_aches, its cause; the link itself stays possible)."""
    result = run(findings_engine, findings_kb, "hot_weather", "high_mileage")
    found = rule_additions(
        findings_kb, result, ["dehydration_aches", "fracture_aches", "cramps_ache"], establish=True
    )
    assert {rule: [a.conditions for a in additions] for rule, additions in found.items()} == {
        "dehydration_aches": [("drank_little",)],
        "fracture_aches": [("pain_at_rest",)],
        "cramps_ache": [],  # cramps come only through "can lead to"
    }
