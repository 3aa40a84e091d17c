from __future__ import annotations

import pytest

from whyache.engine import Engine, InputError, KnowledgeBase, case_from_assignments
from whyache.engine.explain.how import HowNode, NotConcludedError, how
from whyache.engine.runtime.result import Premise
from whyache.knowledge_base import load_knowledge_base

from ...conftest import KINDS_YAML, Kind


def run(engine: Engine, kb: KnowledgeBase, *facts: str):
    return engine.run(case_from_assignments(kb, facts))


def test_tree_goes_down_to_given_facts(tiny_engine, tiny_kb):
    result = run(tiny_engine, tiny_kb, "sun", "water=no", "hours=30")
    tree = how(result, "late_soreness")
    root = tree.root
    assert (root.fact, root.kind, root.given, root.premise) == (
        "late_soreness",
        Kind.CONDITION,
        False,
        None,
    )
    (step,) = root.steps
    assert (step.firing, step.rule, step.assumptions) == (3, "late_ache", ("not rest_pain",))
    ache, hours = step.premises
    assert hours == HowNode(
        "hours",
        "Hours since",
        Kind.INPUT,
        30.0,
        True,
        Premise("hours", 30.0, "hours >= 24"),
        level="given",
    )
    (thirst,) = ache.steps[0].premises
    assert [(p.fact, p.given, p.value) for p in thirst.steps[0].premises] == [
        ("sun", True, True),
        ("water", True, False),
    ]


def test_every_derivation_is_shown_and_repeats_are_not_expanded(
    differential_engine, differential_kb
):
    result = run(
        differential_engine,
        differential_kb,
        "unaccustomed_exercise",
        "downhill_running",
        "hours_since_run=48",
    )
    damage = how(result, "delayed_soreness").root.steps[0].premises[0]
    assert damage.fact == "muscle_micro_damage"
    assert [(s.firing, [p.fact for p in s.premises]) for s in damage.steps] == [
        (1, ["unaccustomed_exercise"]),
        (2, ["downhill_running"]),
    ]


DIAMOND = """
facts:
  - {id: a, label: A, kind: input, question: A?}
  - {id: b, label: B, kind: mechanism}
  - {id: c, label: C, kind: mechanism}
  - {id: d, label: D, kind: mechanism}
  - {id: e, label: E, kind: symptom}
rules:
  - {id: a_b, description: A gives B., if: a, then: b, sources: [{doc: x.txt, section: S}]}
  - {id: b_c, description: B gives C., if: b, then: c, sources: [{doc: x.txt, section: S}]}
  - {id: b_d, description: B gives D., if: b, then: d, sources: [{doc: x.txt, section: S}]}
  - {id: cd_e, description: C+D give E., if: [c, d], then: e, sources: [{doc: x.txt, section: S}]}
"""


def diamond(tmp_path) -> KnowledgeBase:
    (tmp_path / "kb.yaml").write_text('name: diamond\nversion: "1"\ndescription: d\n' + KINDS_YAML)
    (tmp_path / "documents.yaml").write_text(
        "documents:\n  - {file: x.txt, title: X, sections: [S]}\n"
    )
    (tmp_path / "rules.yaml").write_text(DIAMOND)
    return load_knowledge_base(tmp_path)


def test_a_fact_reached_twice_is_expanded_once(tmp_path):
    kb = diamond(tmp_path)
    tree = how(run(Engine(kb), kb, "a"), "e")
    c, d = tree.root.steps[0].premises
    assert not c.shown_above and c.steps[0].premises[0].fact == "b"
    assert not c.steps[0].premises[0].shown_above
    b_again = d.steps[0].premises[0]
    assert (b_again.fact, b_again.shown_above, b_again.steps) == ("b", True, ())


def test_given_fact_is_its_own_tree(tiny_engine, tiny_kb):
    tree = how(run(tiny_engine, tiny_kb, "water=no"), "water")
    assert tree.root.given and tree.root.value is False and tree.root.steps == ()


def test_not_concluded_points_to_why_not(tiny_engine, tiny_kb):
    with pytest.raises(NotConcludedError) as info:
        how(run(tiny_engine, tiny_kb, "sun"), "late_soreness")
    assert str(info.value) == (
        "'late_soreness' was not concluded from the facts given (see whyache why-not late_soreness)"
    )


def test_an_input_not_given_is_an_input_error(tiny_engine, tiny_kb):
    with pytest.raises(InputError, match="'sun' is an input and was not given"):
        how(run(tiny_engine, tiny_kb), "sun")
