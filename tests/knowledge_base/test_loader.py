from __future__ import annotations

from pathlib import Path

import pytest

from whyache.engine import InputError, KnowledgeBaseError
from whyache.knowledge_base import load_knowledge_base, read_case_file

from ..conftest import KINDS_YAML, TINY


def write_kb(tmp_path: Path, rules: str, facts: str | None = None) -> Path:
    (tmp_path / "kb.yaml").write_text("name: broken\n" + KINDS_YAML)
    (tmp_path / "documents.yaml").write_text(
        "documents:\n  - {file: doc.txt, title: T, sections: [One]}\n"
    )
    facts = facts or (
        "facts:\n"
        "  - {id: a, label: A, kind: input, question: A?}\n"
        "  - {id: b, label: B, kind: mechanism}\n"
    )
    (tmp_path / "rules.yaml").write_text(facts + rules)
    return tmp_path


GOOD_RULE = """rules:
  - id: r1
    description: A gives B.
    if: a
    then: b
    sources: [{doc: doc.txt, section: One}]
"""


def test_loads_tiny(tiny_kb):
    assert tiny_kb.name == "tiny"
    assert [r.id for r in tiny_kb.rules][:2] == ["sun_and_no_water", "thirst_aches"]
    assert tiny_kb.fact("hours").unit == "h"


def test_good_rule_loads(tmp_path):
    kb = load_knowledge_base(write_kb(tmp_path, GOOD_RULE))
    assert kb.rule("r1").location.line == 5


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (GOOD_RULE.replace("if: a", "if: c"), "rules.yaml:5: rule 'r1': uses undeclared fact 'c'"),
        (
            GOOD_RULE.replace("then: b", "then: a"),
            "rules.yaml:5: rule 'r1': concludes input fact 'a'",
        ),
        (
            GOOD_RULE.replace("section: One", "section: Onw"),
            "rules.yaml:5: rule 'r1': cites unknown section 'Onw' of doc.txt (did you mean 'One'?)",
        ),
        (
            GOOD_RULE.replace("doc: doc.txt", "doc: dog.txt"),
            "rules.yaml:5: rule 'r1': cites unknown document 'dog.txt' (did you mean 'doc.txt'?)",
        ),
        (
            GOOD_RULE.replace("if: a", "if: a >= 3"),
            "rules.yaml:5: rule 'r1': compares yes/no fact 'a' with a number",
        ),
        (
            GOOD_RULE.replace("if: a", "if: a >> 3"),
            "rules.yaml:5: rule 'r1': 'if': cannot read condition 'a >> 3'",
        ),
        (
            GOOD_RULE.replace("    sources: [{doc: doc.txt, section: One}]\n", ""),
            "rules.yaml:5: rule is missing 'sources'",
        ),
        (
            GOOD_RULE.replace("description:", "descripton:"),
            "rules.yaml:5: unknown key 'descripton' in rule (did you mean 'description'?)",
        ),
        (
            GOOD_RULE + GOOD_RULE.replace("rules:\n", ""),
            "rules.yaml:10: rule 'r1': rule id is used twice (first at",
        ),
        (
            GOOD_RULE.replace("if: a", "if: !!python/object/apply:os.system [echo hi]"),
            "rules.yaml:7: invalid YAML: could not determine a constructor",
        ),
        ("rules: &x [1]\nmore: *x\n", "anchors and aliases"),
    ],
)
def test_broken_rule_names_file_line_and_rule(tmp_path, rules, message):
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(write_kb(tmp_path, rules))
    assert message in str(info.value)


def test_missing_directory():
    with pytest.raises(InputError, match="knowledge base directory not found"):
        load_knowledge_base(Path("/nonexistent/kb"))


def test_missing_manifest(tmp_path):
    with pytest.raises(KnowledgeBaseError, match=r"no kb\.yaml"):
        load_knowledge_base(tmp_path)


def test_case_file_yaml_and_json(tmp_path, tiny_kb):
    y = tmp_path / "c.yaml"
    y.write_text("facts:\n  sun: yes\n  water: no\n  hours: 30\n")
    j = tmp_path / "c.json"
    j.write_text('{"sun": true, "water": "no", "hours": 30}')
    assert read_case_file(tiny_kb, y) == read_case_file(tiny_kb, j)
    assert read_case_file(tiny_kb, y).values == {"sun": True, "water": False, "hours": 30.0}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("c.yaml", "facts:\n  sunn: yes\n", "unknown fact 'sunn' (did you mean 'sun'?)"),
        ("c.yaml", "", "case file is empty"),
        ("c.json", "{", "c.json:1: invalid JSON"),
        ("c.yaml", "sun: yes\nsun: no\n", "c.yaml:2: invalid YAML: key 'sun' appears twice"),
        ("c.yaml", "hours: lots\n", "'hours' needs a number in h, not 'lots'"),
    ],
)
def test_bad_case_files(tmp_path, tiny_kb, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError) as info:
        read_case_file(tiny_kb, path)
    assert message in str(info.value)


def test_binary_case_file(tmp_path, tiny_kb):
    path = tmp_path / "c.yaml"
    path.write_bytes(b"\x00\x01\xff")
    with pytest.raises(InputError, match="binary"):
        read_case_file(tiny_kb, path)


def test_tiny_path_exists():
    assert (TINY / "kb.yaml").is_file()


def test_kinds_come_from_kb_yaml_in_order_with_their_roles(bundled_kb):
    assert bundled_kb.kind_order == (
        "red_flag",
        "condition",
        "symptom",
        "sign",
        "mechanism",
        "recommendation",
        "input",
    )
    assert bundled_kb.urgent_kinds == ("red_flag",)
    assert bundled_kb.advice_kinds == ("recommendation",)
    assert bundled_kb.observed_kinds == ("symptom",)
    flag = bundled_kb.kind("red_flag")
    assert (flag.title, flag.singular, flag.style, flag.weight, flag.tier) == (
        "Red flags",
        "red flag",
        "alert",
        4,
        1,
    )


def test_a_fact_of_an_undeclared_kind_is_an_error_with_a_suggestion(tmp_path):
    facts = (
        "facts:\n"
        "  - {id: a, label: A, kind: input, question: A?}\n"
        "  - {id: b, label: B, kind: mechanizm}\n"
    )
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(write_kb(tmp_path, GOOD_RULE, facts))
    assert str(caught.value.location).endswith("rules.yaml:3")
    assert caught.value.message == "fact 'b': unknown kind 'mechanizm'"
    assert caught.value.hint == "did you mean 'mechanism'?"


@pytest.mark.parametrize(
    ("kinds", "message"),
    [
        ("kinds:\n  - {id: input, title: Inputs}\n", "kind 'input' is the engine's own kind"),
        (
            "kinds:\n  - {id: step, title: Steps, summary: sometimes}\n",
            "kind 'step': summary must be one of always, end_points, never",
        ),
        (
            "kinds:\n  - {id: step, title: Steps, urgent: 2}\n",
            "kind 'step': urgent must be yes or no",
        ),
        ("kinds:\n  - {id: step}\n", "kind is missing 'title'"),
    ],
)
def test_bad_kind_declarations(tmp_path, kinds, message):
    (tmp_path / "kb.yaml").write_text("name: k\n" + kinds)
    (tmp_path / "documents.yaml").write_text("documents: []\n")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(tmp_path)
    assert caught.value.message == message


def test_advice_kinds_carry_timing_and_needs_review(tmp_path):
    facts = (
        "facts:\n"
        "  - {id: a, label: A, kind: input, question: A?}\n"
        "  - {id: b, label: B, kind: recommendation, timing: prevention, needs_review: yes}\n"
    )
    fact = load_knowledge_base(write_kb(tmp_path, GOOD_RULE, facts)).fact("b")
    assert (fact.timing, fact.needs_review) == ("prevention", True)


@pytest.mark.parametrize(
    ("fact", "message"),
    [
        (
            "{id: b, label: B, kind: mechanism, timing: immediate}",
            "only advice kinds have 'timing'",
        ),
        (
            "{id: b, label: B, kind: condition, needs_review: yes}",
            "only advice kinds have 'needs_review'",
        ),
        ("{id: b, label: B, kind: recommendation, timing: soon}", "unknown timing 'soon'"),
    ],
)
def test_timing_only_on_advice_and_only_known_values(tmp_path, fact, message):
    facts = f"facts:\n  - {{id: a, label: A, kind: input, question: A?}}\n  - {fact}\n"
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(write_kb(tmp_path, GOOD_RULE, facts))
    assert caught.value.message == f"fact 'b': {message}"


_GROUP_FACTS = (
    "facts:\n"
    "  - {id: a, label: A, kind: input, question: A?}\n"
    "  - {id: c, label: C, kind: input, question: C?}\n"
    "  - {id: n, label: N, kind: input, type: number, range: [0, 9], question: N?}\n"
    "  - {id: b, label: B, kind: mechanism}\n"
)


def test_question_groups_load_and_round_trip(tmp_path):
    write_kb(tmp_path, GOOD_RULE, _GROUP_FACTS)
    with (tmp_path / "kb.yaml").open("a") as out:
        out.write("question_groups:\n  - {id: ac, question: A or C?, facts: [a, c]}\n")
    kb = load_knowledge_base(tmp_path)
    (group,) = kb.question_groups
    assert (group.id, group.question, group.facts) == ("ac", "A or C?", ("a", "c"))
    assert kb.group_of("c") == group and kb.group_of("b") is None


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ("[{id: g, question: Q?, facts: [a]}]", "question group 'g' needs two or more facts"),
        ("[{id: g, question: Q?, facts: [a, cc]}]", "question group 'g' asks undeclared fact 'cc'"),
        (
            "[{id: g, question: Q?, facts: [a, n]}]",
            "question group 'g': 'n' is not a yes/no input (a group answers yes or no)",
        ),
        (
            "[{id: g, question: Q?, facts: [a, b]}]",
            "question group 'g': 'b' is not a yes/no input (a group answers yes or no)",
        ),
        (
            "[{id: g, question: Q?, facts: [a, c]}, {id: h, question: R?, facts: [c, a]}]",
            "question group 'h': 'c' is already asked in group 'g'",
        ),
        ("[{id: g, facts: [a, c]}]", "question group is missing 'question'"),
    ],
)
def test_bad_question_groups(tmp_path, groups, message):
    write_kb(tmp_path, GOOD_RULE, _GROUP_FACTS)
    with (tmp_path / "kb.yaml").open("a") as out:
        out.write(f"question_groups: {groups}\n")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(tmp_path)
    assert caught.value.message == message
