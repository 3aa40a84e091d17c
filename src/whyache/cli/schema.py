"""``whyache schema``: print the JSON Schema of a JSON output, or list them all."""

from __future__ import annotations

import json

import click

from whyache.cli.options import format_option
from whyache.schemas import NAMES, OUTPUTS, load_schema, schema_text

LISTING_SCHEMA = "whyache.schemas/1"


@click.command()
@click.argument("name", required=False)
@format_option()
def schema(name: str | None, output_format: str) -> None:
    """Print the JSON Schema (draft 2020-12) of a JSON output, or list the schemas.

    Every JSON document whyache writes has a schema: NAME is one of those listed by a bare
    'whyache schema' (result, how, why-not, what-if, graph, batch-line, check, kb-facts, kb-rules,
    kb-sources, kb-stats, kb-lint, error, ...). A schema is JSON, whatever --format says.

    \b
    Examples:
      whyache schema
      whyache schema result > result.schema.json
    """
    if name is not None:
        click.echo(schema_text(name), nl=False)
        return
    rows = [(n, load_schema(n)["title"], OUTPUTS[n]) for n in NAMES]
    if output_format == "json":
        listing = {
            "schema": LISTING_SCHEMA,
            "schemas": [{"name": n, "title": t, "describes": d} for n, t, d in rows],
        }
        click.echo(json.dumps(listing, indent=2, ensure_ascii=False))
        return
    width = max(len(n) for n in NAMES)
    for n, _, describes in rows:
        click.echo(f"{n:<{width}}  {describes}")
