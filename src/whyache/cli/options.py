"""Options shared by commands, and the helpers that turn them into a knowledge base and case."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import click

from whyache.engine import Case, Engine, KnowledgeBase, build_case, parse_assignment
from whyache.knowledge_base.cache import load_cached

F = TypeVar("F", bound=Callable[..., Any])

kb_option = click.option(
    "--kb",
    "kb_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Knowledge-base directory to use instead of the bundled one.",
)


def format_option(*extra: str, default: str = "text") -> Callable[[F], F]:
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", "json", *extra]),
        default=default,
        show_default=True,
        help="Output format.",
    )


def case_options(func: F) -> F:
    """-f/--fact (repeatable) and --case FILE."""
    func = click.option(
        "--case",
        "case_file",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Read facts from a JSON or YAML case file (combined with any -f).",
    )(func)
    func = click.option(
        "-f",
        "--fact",
        "facts",
        multiple=True,
        metavar="FACT[=VALUE]",
        help="A given fact: FACT (present), FACT=no (denied) or FACT=48 (a number). Repeatable.",
    )(func)
    return func


@lru_cache(maxsize=4)
def _load(kb_dir: Path | None) -> tuple[KnowledgeBase, Engine]:
    kb = load_cached(kb_dir)
    return kb, Engine(kb)


def load(kb_dir: Path | None) -> tuple[KnowledgeBase, Engine]:
    """The knowledge base and its compiled engine (compiled once per process)."""
    return _load(kb_dir)


def load_kb(kb_dir: Path | None) -> KnowledgeBase:
    """The knowledge base alone, for commands that compile only what one case needs."""
    return load_cached(kb_dir)


def build(kb: KnowledgeBase, facts: Sequence[str], case_file: Path | None) -> Case:
    """The case from --case and -f together; a fact given twice with two values is an error."""
    pairs: list[tuple[str, object]] = []
    if case_file is not None:
        from whyache.knowledge_base import read_case_file  # PyYAML: only for case files

        pairs.extend(read_case_file(kb, case_file).facts)
    pairs.extend(parse_assignment(text) for text in facts)
    return build_case(kb, pairs)
