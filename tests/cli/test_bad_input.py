"""Every command, every way input enters: hostile input gets one line and a documented code."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from whyache.cli import main

from ..conftest import KINDS_YAML

CASE_COMMANDS = [
    ["run"],
    ["explain", "leg_ache"],
    ["why-not", "stress_fracture"],
    ["what-if", "--add", "pain_at_rest"],
    ["graph"],
    ["consult"],
]

BAD_CASE_FILES = {
    "binary.yaml": (b"\x00\x01\x02", "case file is binary, not text"),
    "empty.yaml": (b"", "case file is empty"),
    "alias.yaml": (b"a: &x [1]\nb: *x\n", "anchors and aliases (*name) are not allowed"),
    "tag.yaml": (
        b"!!python/object/apply:os.system ['echo pwned']\n",
        "could not determine a constructor",
    ),
    "deep.yaml": (b"[" * 200 + b"]" * 200, "nesting deeper than 50 levels"),
    "duplicate.yaml": (b"facts: {pain_at_rest: yes, pain_at_rest: no}\n", "appears twice"),
    "duplicate.json": (
        b'{"facts": {"pain_at_rest": true, "pain_at_rest": false}}',
        "invalid JSON: key 'pain_at_rest' appears twice in one object",
    ),
    "latin1.yaml": ("facts: {pain_at_rest: sí}\n".encode("latin-1"), "not valid UTF-8"),
    "badvalue.json": (
        b'{"facts": {"pain_at_rest": "maybe"}}',
        "'pain_at_rest' is yes/no, not 'maybe'",
    ),
    "unknown.yaml": (b"facts: {pain_at_rets: yes}\n", "(did you mean 'pain_at_rest'"),
    "list.yaml": (b"- 3\n", "a list of facts holds fact names, not 3"),
    "listkey.yaml": (b"facts:\n  [a]: yes\n", "a mapping key must be a name, not a list"),
    "scalar.yaml": (b"pain_at_rest\n", "a case must be a mapping of fact to value or a list"),
}


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


@pytest.mark.parametrize("command", CASE_COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("name", sorted(BAD_CASE_FILES))
def test_bad_case_file(tmp_path: Path, command, name):
    content, message = BAD_CASE_FILES[name]
    path = tmp_path / name
    path.write_bytes(content)
    result = invoke(*command, "--case", str(path), input="")
    assert result.exit_code == 2, result.output
    assert result.stdout == "" or command[0] == "consult"
    assert result.stderr.startswith(f"Error: {path}")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


KB_COMMANDS = [
    ["run", "-f", "a"],
    ["demo"],
    ["explain", "b", "-f", "a"],
    ["why-not", "b", "-f", "a"],
    ["what-if", "-f", "a", "--remove", "a"],
    ["graph"],
    ["kb", "facts"],
    ["kb", "rules"],
    ["kb", "sources"],
    ["kb", "stats"],
    ["consult"],
]


def _kb(tmp_path: Path, rules: str) -> Path:
    (tmp_path / "kb.yaml").write_text("name: broken\n" + KINDS_YAML)
    (tmp_path / "r.yaml").write_text(
        "facts:\n"
        "  - {id: a, label: A, kind: input, question: A?}\n"
        "  - {id: b, label: B, kind: mechanism}\n"
        "  - {id: c, label: C, kind: mechanism}\n" + rules
    )
    return tmp_path


BROKEN_KBS = {
    "negation-cycle": (
        "rules:\n"
        "  - {id: r1, description: x, if: [a, {not: c}], then: b,"
        " sources: [{doc: d, section: s}]}\n"
        "  - {id: r2, description: x, if: b, then: c, sources: [{doc: d, section: s}]}\n",
        "r.yaml:6: rule 'r1': takes part in a cycle through an absence or 'not' condition",
    ),
    "missing-key": (
        "rules:\n  - {id: r1, if: a, then: b}\n",
        "r.yaml:6: rule is missing 'description'",
    ),
    "code-in-condition": (
        "rules:\n  - {id: r1, description: x, if: \"__import__('os').system('x')\", then: b,"
        " sources: [{doc: d, section: s}]}\n",
        "rule 'r1': 'if': cannot read condition",
    ),
}


@pytest.mark.parametrize("command", KB_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("broken", sorted(BROKEN_KBS))
def test_broken_knowledge_base_exits_3(tmp_path: Path, command, broken):
    rules, message = BROKEN_KBS[broken]
    kb = _kb(tmp_path, rules)
    result = invoke(*command, "--kb", str(kb), input="")
    assert result.exit_code == 3, result.output
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", KB_COMMANDS, ids=" ".join)
def test_broken_knowledge_base_points_to_kb_lint(tmp_path: Path, command):
    kb = _kb(tmp_path, BROKEN_KBS["missing-key"][0])
    result = invoke(*command, "--kb", str(kb), input="")
    assert result.stderr.endswith(f"(whyache kb lint --kb {kb} lists every problem)\n")


TWO_ERRORS = (
    "rules:\n"
    "  - {id: r1, description: x, if: aa, then: b, sources: [{doc: d, section: s}]}\n"
    "  - {id: r2, description: x, if: a, then: cc, sources: [{doc: d, section: s}]}\n"
)


@pytest.mark.parametrize("command", KB_COMMANDS, ids=" ".join)
def test_every_error_of_a_broken_knowledge_base_at_once(tmp_path: Path, command):
    """Loading stops at the first error; the commands report what kb lint finds, all of it."""
    kb = _kb(tmp_path, TWO_ERRORS)
    lint = invoke("kb", "lint", "--kb", str(kb))
    errors = [line for line in lint.stdout.splitlines() if ": error [" in line]
    assert len(errors) >= 2
    result = invoke(*command, "--kb", str(kb), input="")
    assert result.exit_code == 3
    assert result.stderr == (
        f"Error: the knowledge base has {len(errors)} errors "
        f"(whyache kb lint --kb {kb} lists them, warnings too):\n"
        + "".join(f"  {line}\n" for line in errors)
    )
    as_json = invoke(*command, "--kb", str(kb), "--format", "json", input="")
    assert json.loads(as_json.stderr)["error"]["problems"] == errors


@pytest.mark.parametrize("command", KB_COMMANDS, ids=" ".join)
def test_missing_knowledge_base_exits_2(tmp_path: Path, command):
    result = invoke(*command, "--kb", str(tmp_path / "nowhere"), input="")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'nowhere'}: knowledge base directory not found\n"


def test_self_feeding_rules_finish(tmp_path: Path):
    """Rules that feed each other in a loop (without 'not') terminate: facts are only added once."""
    kb = _kb(
        tmp_path,
        "rules:\n"
        "  - {id: r1, description: x, if: [a], then: b, sources: [{doc: d, section: s}]}\n"
        "  - {id: r2, description: x, if: b, then: c, sources: [{doc: d, section: s}]}\n"
        "  - {id: r3, description: x, if: c, then: b, sources: [{doc: d, section: s}]}\n",
    )
    result = invoke("run", "--kb", str(kb), "-f", "a", "--format", "json")
    assert result.exit_code == 0
    assert '"rule": "r3"' in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bogus"], "No such option '--bogus'. (see 'whyache --help')"),
        (["nosuchcmd"], "no such command 'nosuchcmd' (see 'whyache --help')"),
        (["rn"], "no such command 'rn'; did you mean 'run'? (see 'whyache --help')"),
        (["why_not"], "no such command 'why_not'; did you mean 'why-not'? (see 'whyache --help')"),
        (
            ["run", "--format", "xml"],
            "Invalid value for '--format': 'xml' is not one of 'text', 'json'. "
            "(see 'whyache run --help')",
        ),
        (["run", "-f"], "Option '-f' requires an argument. (see 'whyache run --help')"),
        (
            ["kb", "rules", "--fact"],
            "Option '--fact' requires an argument. (see 'whyache kb rules --help')",
        ),
        (["kb", "nosuch"], "no such command 'nosuch' (see 'whyache kb --help')"),
        (["kb", "lnt"], "no such command 'lnt'; did you mean 'lint'? (see 'whyache kb --help')"),
    ],
    ids=lambda a: " ".join(a) if isinstance(a, list) else "",
)
def test_usage_errors_are_one_line(args, message):
    result = CliRunner().invoke(main, args, prog_name="whyache")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"


@pytest.mark.parametrize(
    "args",
    [
        ["graph", "-f", "hot_weather", "-o"],
        ["batch", "CASES", "-q", "-o"],
    ],
    ids=lambda a: a[0],
)
def test_unwritable_output_file_is_an_input_error(tmp_path: Path, args):
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"id": 1, "facts": {"hot_weather": true}}\n')
    target = tmp_path / "missing-dir" / "out"
    args = [str(cases) if a == "CASES" else a for a in args]
    result = invoke(*args, str(target))
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Error: {target}: no such file or directory\n"


@pytest.mark.parametrize("command", [["run"], ["explain", "leg_ache"], ["consult"]], ids=" ".join)
def test_unreadable_case_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command):
    """Permission errors, simulated: tests may run as root, who can read anything."""
    path = tmp_path / "case.yaml"
    path.write_text("facts: {pain_at_rest: yes}\n")
    real = os.open

    def refuse(name: object, flags: int, *args: object, **kwargs: object) -> int:
        if os.fspath(name) == str(path):  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", str(name))
        return real(name, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    result = invoke(*command, "--case", str(path), input="")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {path}: permission denied reading case file\n"
