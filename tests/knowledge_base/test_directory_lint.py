from __future__ import annotations

from pathlib import Path

import pytest

from whyache.engine import InputError, KnowledgeBaseError, validate
from whyache.engine.analysis.lint import CHECKS, Finding, lint
from whyache.knowledge_base import read_knowledge_base
from whyache.knowledge_base.directory_lint import lint_knowledge_base

from ..conftest import FIXTURES, KINDS_YAML, TINY

BROKEN = FIXTURES / "broken_kbs"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())


def shown(findings: tuple[Finding, ...], directory: Path) -> list[str]:
    return [str(f).replace(f"{directory}/", "") for f in findings]


@pytest.mark.parametrize("check", CASES)
def test_each_check_fires_on_its_broken_kb(check):
    directory = BROKEN / check
    findings = lint_knowledge_base(directory)
    expected = (directory / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert shown(findings, directory) == expected
    assert [f.check for f in findings] == [check]
    assert findings[0].severity == CHECKS[check]


def test_every_check_has_a_broken_kb():
    assert sorted(CHECKS) == CASES


def test_finding_fields_name_rule_fact_and_place():
    directory = BROKEN / "undeclared-fact"
    (finding,) = lint_knowledge_base(directory)
    assert finding.rule == "a_gives_b"
    assert finding.fact == "c"
    assert str(finding.location) == f"{directory}/rules.yaml:5"
    assert finding.message == "uses undeclared fact 'c'"


def test_tiny_kb_lints_clean():
    assert lint_knowledge_base(TINY) == ()


def test_bundled_kb_lints_clean():
    assert [str(f) for f in lint_knowledge_base()] == []


def test_missing_directory_is_an_input_error():
    with pytest.raises(InputError, match="knowledge base directory not found"):
        lint_knowledge_base(Path("/nonexistent/kb"))


def write_kb(tmp_path: Path, facts: str, rules: str) -> Path:
    (tmp_path / "kb.yaml").write_text("name: t\n" + KINDS_YAML)
    (tmp_path / "documents.yaml").write_text(
        "documents:\n  - {file: doc.txt, title: T, sections: [One]}\n"
    )
    (tmp_path / "rules.yaml").write_text(f"facts:\n{facts}rules:\n{rules}")
    return tmp_path


FACTS = (
    "  - {id: a, label: A, kind: input, question: A?}\n"
    "  - {id: h, label: H, kind: input, type: number, range: [0, 100], question: H?}\n"
    "  - {id: b, label: B, kind: mechanism}\n"
    "  - {id: c, label: C, kind: mechanism}\n"
)


def rule(rule_id: str, condition: str, then: str) -> str:
    return (
        f"  - id: {rule_id}\n    description: D.\n    if: {condition}\n    then: {then}\n"
        "    sources: [{doc: doc.txt, section: One}]\n"
    )


def lint_rules(tmp_path: Path, rules: str, facts: str = FACTS) -> list[str]:
    directory = write_kb(tmp_path, facts, rules)
    return shown(lint_knowledge_base(directory), directory)


BASE = rule("a_gives_b", "a", "b") + rule("late_b", "h >= 24", "b")


@pytest.mark.parametrize(
    ("condition", "reason"),
    [
        ("[a, a = no]", "'a' and 'a = no' cannot all hold"),
        ("[a, a is unknown]", "'a' and 'a is unknown' cannot all hold"),
        ("[a, {not: a}]", "'a' and 'not a' cannot all hold"),
        ("h > 100", "'h > 100' can never hold (range 0 to 100)"),
        ("[h >= 50, h != 50, h <= 50]", "'h >= 50' and 'h != 50' and 'h <= 50' cannot all hold"),
        ("b = no", "'b = no' can never hold (only inputs can be given as no)"),
    ],
)
def test_never_fires_explains_the_contradiction(tmp_path, condition, reason):
    assert lint_rules(tmp_path, BASE + rule("dead", condition, "c")) == [
        "rules.yaml:5: warning [unreachable] fact 'c' can never be established: "
        "every rule concluding it can never fire (dead)",
        f"rules.yaml:17: error [never-fires] rule 'dead': can never fire: {reason}",
    ]


@pytest.mark.parametrize(
    "condition", ["[h > 10, h < 20]", "[h >= 50, h <= 50]", "[a, b = yes]", "[a, {not: b}]"]
)
def test_satisfiable_conditions_are_not_flagged(tmp_path, condition):
    assert lint_rules(tmp_path, BASE + rule("live", condition, "c")) == []


def test_never_fires_lists_every_dead_alternative_and_the_chain_it_breaks(tmp_path):
    rules = BASE + rule("dead", "{any: [[a, a = no], c]}", "c") + rule("uses_c", "c", "b")
    assert lint_rules(tmp_path, rules) == [
        "rules.yaml:5: warning [unreachable] fact 'c' can never be established: every rule "
        "concluding it can never fire (dead)",
        "rules.yaml:17: error [never-fires] rule 'dead': can never fire: no alternative can "
        "hold (1: 'a' and 'a = no' cannot all hold; 2: needs 'c', which can never be "
        "established)",
        "rules.yaml:17: warning [cycle] rule 'dead': takes part in a cycle: c → dead → c",
        "rules.yaml:22: error [never-fires] rule 'uses_c': can never fire: needs 'c', which "
        "can never be established",
    ]


def test_many_problems_are_all_reported_in_order(tmp_path):
    rules = (
        BASE
        + rule("one", "[a, x]", "c").replace("section: One", "section: Two")
        + rule("two", "a >= 1", "c")
    )
    directory = write_kb(tmp_path, FACTS, rules)
    findings = lint_knowledge_base(directory)
    assert [(f.check, f.rule, f.fact) for f in findings] == [
        ("undeclared-fact", "one", "x"),
        ("unknown-section", "one", None),
        ("type-mismatch", "two", "a"),
    ]
    with pytest.raises(KnowledgeBaseError, match="rule 'one': cites unknown section 'Two'"):
        validate(read_knowledge_base(directory))


def test_lint_of_a_model_without_files_has_no_locations(tiny_kb):
    assert lint(tiny_kb) == ()


def test_every_reading_error_is_reported_and_nothing_else(tmp_path):
    directory = write_kb(
        tmp_path,
        FACTS + "  - {id: d, label: D, kind: mechanizm}\n",
        rule("a_gives_b", "a", "b").replace("if:", "iff:") + rule("late_b", "h >= 24", "b"),
    )
    (directory / "more.yaml").write_text("rules: []\nrules: []\n")
    (directory / "extra.yaml").write_text("facts: {}\n")
    assert shown(lint_knowledge_base(directory), directory) == [
        "extra.yaml:1: error [schema] 'facts' must be a list",
        "more.yaml:2: error [schema] invalid YAML: key 'rules' appears twice in one mapping",
        "rules.yaml:6: error [schema] fact 'd': unknown kind 'mechanizm' "
        "(did you mean 'mechanism'?)",
        "rules.yaml:8: error [schema] unknown key 'iff' in rule (did you mean 'if'?)",
    ]
    with pytest.raises(KnowledgeBaseError, match="'facts' must be a list"):
        read_knowledge_base(directory)


def test_a_special_case_citing_its_own_source_is_not_subsumed(tmp_path):
    directory = BROKEN / "subsumed-rule"
    copy = tmp_path / "kb"
    copy.mkdir()
    for name in ("kb.yaml", "documents.yaml"):
        (copy / name).write_text((directory / name).read_text())
    rules = (directory / "rules.yaml").read_text()
    head, special = rules.split("  - id: a_and_c_give_b\n")
    special = special.replace("section: One", "section: Two")
    (copy / "rules.yaml").write_text(f"{head}  - id: a_and_c_give_b\n{special}")
    assert lint_knowledge_base(copy) == ()
