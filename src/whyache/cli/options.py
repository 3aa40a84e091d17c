"""Options shared by commands, and the helpers that turn them into a knowledge base and case."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import click

from whyache.engine import (
    Case,
    KnowledgeBase,
    KnowledgeBaseError,
    WhyacheError,
    build_case,
    parse_assignment,
)
from whyache.engine.errors import KnowledgeBaseProblems
from whyache.engine.runtime.engines import ENGINES, Runner, make_engine
from whyache.knowledge_base.cache import load_cached

F = TypeVar("F", bound=Callable[..., Any])
K = TypeVar("K")

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


def engine_option(default: str = "experta") -> Callable[[F], F]:
    """--engine: which engine runs the cases (both give the same results, record for record)."""
    return click.option(
        "--engine",
        "engine_name",
        type=click.Choice(list(ENGINES)),
        default=default,
        show_default=True,
        help="Run cases on experta (the rule engine) or on the reference evaluator "
        "(linear-time, the same results).",
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
        help="A given fact: FACT (present), FACT=no (denied), FACT=48 (a number) or "
        "FACT=unknown (left out); yes/no spellings as in docs/concepts.md. Repeatable.",
    )(func)
    return func


def reporting_every_problem(loader: Callable[[Path | None], K], kb_dir: Path | None) -> K:
    """``loader(kb_dir)``; when the knowledge base does not load, every error ``kb lint`` finds.

    Loading stops at the first error; a person fixing a knowledge base wants them all, and to
    learn that ``whyache kb lint`` reports them (with warnings too). Linting runs only here, on
    the failure path, so a good knowledge base loads no slower.
    """
    try:
        return loader(kb_dir)
    except KnowledgeBaseError as exc:
        raise every_problem(exc, kb_dir) from None


def every_problem(exc: KnowledgeBaseError, kb_dir: Path | None) -> KnowledgeBaseError:
    from whyache.knowledge_base.directory_lint import lint_knowledge_base

    command = "whyache kb lint" + (f" --kb {kb_dir}" if kb_dir is not None else "")
    try:
        errors = [str(f) for f in lint_knowledge_base(kb_dir) if f.is_error]
    except WhyacheError:
        errors = []
    if len(errors) < 2:
        pointer = f"{command} lists every problem"
        exc.hint = f"{exc.hint}; {pointer}" if exc.hint else pointer
        return exc
    return KnowledgeBaseProblems(tuple(errors), hint=f"{command} lists them, warnings too")


@lru_cache(maxsize=4)
def _load(kb_dir: Path | None, engine_name: str) -> tuple[KnowledgeBase, Runner]:
    kb = reporting_every_problem(load_cached, kb_dir)
    return kb, make_engine(kb, engine_name)


def load(kb_dir: Path | None, engine_name: str = "experta") -> tuple[KnowledgeBase, Runner]:
    """The knowledge base and its compiled engine (compiled once per process)."""
    return _load(kb_dir, engine_name)


def load_kb(kb_dir: Path | None) -> KnowledgeBase:
    """The knowledge base alone, for commands that compile only what one case needs."""
    return reporting_every_problem(load_cached, kb_dir)


def build(kb: KnowledgeBase, facts: Sequence[str], case_file: Path | None) -> Case:
    """The case from --case and -f together; a fact given twice with two values is an error."""
    pairs: list[tuple[str, object]] = []
    if case_file is not None:
        from whyache.knowledge_base import read_case_file  # PyYAML: only for case files

        pairs.extend(read_case_file(kb, case_file).facts)
    pairs.extend(parse_assignment(text) for text in facts)
    return build_case(kb, pairs)
