"""``whyache what-if``: what a case gains and loses when facts are added or removed."""

from __future__ import annotations

from pathlib import Path

import click

from whyache.api.session import engine_for
from whyache.cli.options import (
    build,
    case_options,
    engine_option,
    format_option,
    kb_option,
    load_kb,
)
from whyache.engine import InputError, resolve_fact
from whyache.engine.explain.what_if import what_if as compare_case
from whyache.engine.render.trace import header
from whyache.engine.render.what_if import what_if_json, what_if_text


@click.command(name="what-if")
@case_options
@click.option(
    "--add",
    "added",
    multiple=True,
    metavar="FACT[=VALUE]",
    help="A fact to add (or give a new value). Repeatable.",
)
@click.option(
    "--remove", "removed", multiple=True, metavar="FACT", help="A given fact to take away."
)
@engine_option()
@kb_option
@format_option()
def what_if(
    facts: tuple[str, ...],
    case_file: Path | None,
    added: tuple[str, ...],
    removed: tuple[str, ...],
    kb_dir: Path | None,
    engine_name: str,
    output_format: str,
) -> None:
    """Compare a case with a changed copy: conclusions gained and lost, each with its reason.

    Removing a fact withdraws everything that depended only on it, and nothing else: a
    conclusion with another derivation stays (listed as kept). A conclusion that goes from
    possible to established, or back, is listed as a change of level.

    \b
    Examples:
      whyache what-if -f hot_weather -f inadequate_fluid_intake --remove inadequate_fluid_intake
      whyache what-if -f hot_weather --add inadequate_fluid_intake --format json
    """
    if not added and not removed:
        raise InputError("nothing to compare", hint="give --add FACT[=VALUE] or --remove FACT")
    kb = load_kb(kb_dir)
    case = build(kb, facts, case_file)
    add = build(kb, added, None)
    remove = [resolve_fact(kb, name, suggest_inputs_first=True).id for name in removed]
    report = compare_case(engine_for(kb, case, add, engine_name=engine_name), case, add, remove)
    if output_format == "json":
        click.echo(what_if_json(report), nl=False)
    else:
        click.echo(f"{header(kb)}\n\n{what_if_text(report)}", nl=False)
