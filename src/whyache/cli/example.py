"""``whyache example``: write one of the example files the documentation uses."""

from __future__ import annotations

import json
from pathlib import Path

import click

from whyache.cli.options import format_option
from whyache.examples import EXAMPLES, write_example

LISTING_SCHEMA = "whyache.examples/1"


@click.command()
@click.argument("name", required=False)
@click.option(
    "--to",
    "directory",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help="Folder to write the example into.",
)
@click.option("--force", is_flag=True, help="Replace an example already there.")
@click.option("--list", "list_only", is_flag=True, help="List the examples (the default).")
@format_option()
def example(
    name: str | None, directory: Path, force: bool, list_only: bool, output_format: str
) -> None:
    """Write an example file or folder (cases, answers, knowledge bases, scenarios), or list them.

    The documentation's commands use these, so they run wherever whyache is installed. A
    different file already there is never replaced without --force.

    \b
    Examples:
      whyache example --list
      whyache example runners.csv
      whyache example tiny-kb --to /tmp/whyache
    """
    if name is None or list_only:
        if output_format == "json":
            listing = {
                "schema": LISTING_SCHEMA,
                "examples": [
                    {"name": n, "kind": "folder" if not Path(n).suffix else "file", "about": a}
                    for n, a in EXAMPLES.items()
                ],
            }
            click.echo(json.dumps(listing, indent=2, ensure_ascii=False))
            return
        width = max(len(n) for n in EXAMPLES)
        for n, about in EXAMPLES.items():
            click.echo(f"{n:<{width}}  {about}")
        return
    target = write_example(name, directory, force=force)
    if output_format == "json":
        click.echo(json.dumps({"schema": LISTING_SCHEMA, "written": str(target)}))
    else:
        click.echo(f"wrote {target}")
