"""Issue 14, item 5: the condition parser is linear and capped; huge numbers are input errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from whyache.engine.model.conditions import MAX_ATOM_LENGTH, ConditionSyntaxError, parse_atom

from ..conftest import TINY
from .conftest import run_cli

HUGE = "9" * 401  # beyond any float
HUGER = "9" * 5001  # beyond Python's limit on the digits of a whole number


def _kb_with(tmp_path: Path, old: str, new: str) -> Path:
    kb = Path(shutil.copytree(TINY, tmp_path / "kb"))
    rules = kb / "rules.yaml"
    text = rules.read_text()
    assert old in text
    rules.write_text(text.replace(old, new, 1))
    return kb


@pytest.mark.parametrize("n", [1_000, 8_000, 64 * 1024, 1024 * 1024])
def test_an_atom_of_spaces_is_refused_at_once(n: int):
    with pytest.raises(ConditionSyntaxError, match=f"longer than {MAX_ATOM_LENGTH} characters"):
        parse_atom("a" + " " * n + "!")


def test_a_condition_of_64_kib_of_spaces_is_a_located_kb_error(tmp_path: Path):
    kb = _kb_with(tmp_path, "    if: thirst\n", '    if: "thirst' + " " * 65536 + '!"\n')
    run = run_cli("run", "--kb", str(kb), "-f", "sun", timeout=30)
    assert run.returncode == 3
    assert run.stderr.startswith(f"Error: {kb}/rules.yaml:".encode())
    assert b"longer than 200 characters" in run.stderr and len(run.stderr) < 400
    lint = run_cli("kb", "lint", "--kb", str(kb), timeout=30)
    assert lint.returncode == 1
    assert b"longer than 200 characters" in lint.stdout


def test_an_any_list_of_300000_items_is_a_kb_error(tmp_path: Path):
    # 300,000 items are more YAML values than one file may hold: refused before any is built
    items = "[" + ", ".join(["sun"] * 300_000) + "]"
    kb = _kb_with(tmp_path, "    if: thirst\n", f"    if:\n      any: {items}\n")
    run = run_cli("run", "--kb", str(kb), "-f", "sun", timeout=60)
    assert run.returncode == 3
    assert run.stderr.startswith(f"Error: {kb}/rules.yaml:".encode())
    assert b"invalid YAML: more than 200000 values (keys, items) in one file" in run.stderr


def test_an_any_list_of_1000_items_is_a_kb_error(tmp_path: Path):
    items = "[" + ", ".join(["sun"] * 1000) + "]"
    kb = _kb_with(tmp_path, "    if: thirst\n", f"    if:\n      any: {items}\n")
    run = run_cli("run", "--kb", str(kb), "-f", "sun")
    assert run.returncode == 3
    assert b"'any' of 1000 conditions (at most 256); split the rule" in run.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["run", "-f", f"hours={HUGE}"],
        ["run", "-f", f"hours={HUGER}"],
        ["run", "--case", "CASE.json"],
        ["run", "--case", "CASE.yaml"],
        ["run", "--case", "HUGER.json"],
        ["run", "--case", "HUGER.yaml"],
        ["explain", "ache", "-f", f"hours={HUGE}"],
    ],
    ids=lambda a: " ".join(a)[:30],
)
def test_a_huge_number_in_a_case_is_exit_2(tmp_path: Path, args: list[str]):
    files = {
        "CASE.json": json.dumps({"facts": {"hours": int(HUGE)}}),
        "CASE.yaml": f"facts:\n  hours: {HUGE}\n",
        "HUGER.json": '{"facts": {"hours": ' + HUGER + "}}",
        "HUGER.yaml": f"facts:\n  hours: {HUGER}\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    args = [str(tmp_path / a) if a in files else a for a in args]
    out = run_cli(*args, "--kb", str(TINY))
    assert out.returncode == 2, out.stderr
    assert out.stderr.count(b"\n") == 1 and len(out.stderr) < 400
    assert b"internal error" not in out.stderr


@pytest.mark.parametrize("digits", [HUGE, HUGER], ids=["401", "5001"])
def test_a_huge_number_in_a_fact_range_is_exit_3_and_a_lint_finding(tmp_path: Path, digits):
    kb = Path(shutil.copytree(TINY, tmp_path / "kb"))
    rules = kb / "rules.yaml"
    rules.write_text(rules.read_text().replace("range: [0, 100]", f"range: [0, {digits}]"))
    run = run_cli("run", "--kb", str(kb), "-f", "sun")
    assert run.returncode == 3, run.stderr
    assert run.stderr.startswith(f"Error: {kb}/rules.yaml".encode())
    assert len(run.stderr) < 400
    lint = run_cli("kb", "lint", "--kb", str(kb))
    assert lint.returncode == 1, lint.stderr
    assert b"internal error" not in lint.stdout + lint.stderr


def test_a_huge_number_in_a_condition_is_a_kb_error(tmp_path: Path):
    kb = _kb_with(tmp_path, "hours >= 24", "hours >= 1e400")
    run = run_cli("run", "--kb", str(kb), "-f", "sun")
    assert run.returncode == 3
    assert b"must be a finite number" in run.stderr
