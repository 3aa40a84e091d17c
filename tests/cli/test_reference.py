"""docs/cli.md is generated from the commands' --help and must not drift from the code."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from whyache.cli import main
from whyache.cli.reference import REGENERATE, WIDTH, anchor, render_reference, walk

from ..conftest import REPO

COMMANDS = [(path, ctx.command) for path, ctx in walk(main)]
LEAVES = [(path, cmd) for path, cmd in COMMANDS if not isinstance(cmd, click.Group)]
# Commands that do not read a knowledge base (`--kb` is the rule for all others).
NO_KB: set[str] = {"whyache schema", "whyache example"}
# Commands without --format (none: batch writes JSON Lines by default, or text).
NO_FORMAT: set[str] = set()


def test_cli_reference_is_up_to_date():
    written = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == render_reference(), (
        f"docs/cli.md is out of date with the commands' --help; regenerate it: {REGENERATE}"
    )


def test_reference_lists_every_command_including_kb_subcommands():
    paths = [path for path, _ in COMMANDS]
    text = render_reference()
    for name in ("run", "demo", "explain", "why-not", "what-if", "graph", "check", "kb"):
        assert f"whyache {name}" in paths
    for name in ("facts", "rules", "sources", "stats", "lint"):
        assert f"whyache kb {name}" in paths
    for path in paths:
        assert f"\n## {path}\n" in text
        assert f"(#{anchor(path)})" in text


def test_walk_order_is_stable_and_sorted():
    paths = [path for path, _ in COMMANDS]
    assert paths[0] == "whyache"
    top = [p for p in paths if p.count(" ") == 1]
    assert top == sorted(top)
    assert render_reference() == render_reference()


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS])
def test_reference_text_is_the_commands_help(path):
    args = [*path.split()[1:], "--help"]
    result = CliRunner().invoke(
        main, args, prog_name="whyache", terminal_width=WIDTH, max_content_width=WIDTH
    )
    assert result.exit_code == 0, result.output
    section = render_reference().split(f"\n## {path}\n\n```text\n", 1)[1].split("\n```", 1)[0]
    assert result.output.rstrip() == section


@pytest.mark.parametrize("path,command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_help_has_an_example(path, command):
    ctx = dict(walk(main))[path]
    assert re.search(r"^\s*Examples?:\n\s+whyache ", command.get_help(ctx), re.M), (
        f"{path} --help shows no example (add a \\b Examples block to its docstring)"
    )


@pytest.mark.parametrize("path,command", LEAVES, ids=[p for p, _ in LEAVES])
def test_every_command_takes_format_and_kb(path, command):
    options = {opt for param in command.params for opt in getattr(param, "opts", [])}
    if path not in NO_FORMAT:
        assert "--format" in options, f"{path} has no --format"
    if path not in NO_KB:
        assert "--kb" in options, f"{path} has no --kb"
