"""``whyache run`` and ``whyache demo``: run one case and print its reasoning trace."""

from __future__ import annotations

import json
from pathlib import Path

import click

from whyache.api.session import run_case
from whyache.cli.options import (
    build,
    case_options,
    engine_option,
    format_option,
    kb_option,
    load_kb,
)
from whyache.engine import Result, case_from_mapping
from whyache.engine.render.serialize import result_to_dict
from whyache.engine.render.trace import render_trace


def emit(result: Result, output_format: str) -> None:
    if output_format == "json":
        click.echo(json.dumps(result_to_dict(result), indent=2, ensure_ascii=False))
    else:
        click.echo(render_trace(result), nl=False)


@click.command()
@case_options
@engine_option()
@kb_option
@format_option()
def run(
    facts: tuple[str, ...],
    case_file: Path | None,
    kb_dir: Path | None,
    engine_name: str,
    output_format: str,
) -> None:
    """Run a case and print the reasoning trace: every firing, sourced.

    A fact not given is unknown, never false; FACT=no denies it.

    \b
    Examples:
      whyache run -f hot_weather -f inadequate_fluid_intake -f hours_since_run=2
      whyache run --case case.yaml --format json
    """
    kb = load_kb(kb_dir)
    case = build(kb, facts, case_file)
    if not case.facts:
        click.echo(NO_FACTS_HINT, err=True)
    emit(run_case(kb, case, engine_name), output_format)


#: Printed on stderr by ``whyache run`` without facts, so the empty report is not a mystery.
NO_FACTS_HINT = (
    "whyache run: no facts given, so every fact is unknown and nothing follows. "
    "Give facts with -f FACT (list them: whyache kb facts --kind input), "
    "or let whyache ask: whyache consult"
)


@click.command()
@engine_option()
@kb_option
@format_option()
def demo(kb_dir: Path | None, engine_name: str, output_format: str) -> None:
    """Run the knowledge base's built-in demo case and print its trace.

    \b
    Example:
      whyache demo
    """
    kb = load_kb(kb_dir)
    if not kb.demo:
        raise click.ClickException(f"knowledge base {kb.name!r} has no demo case in kb.yaml")
    case = case_from_mapping(kb, dict(kb.demo))
    emit(run_case(kb, case, engine_name), output_format)
