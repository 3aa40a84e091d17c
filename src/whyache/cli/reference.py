"""The command reference (docs/cli.md), generated from the commands' own ``--help``.

Generating it means the reference cannot drift from the code: tests/cli/test_reference.py
compares docs/cli.md with :func:`render_reference` and fails until it is regenerated with
``python -m whyache.cli.reference > docs/cli.md`` (or ``make docs``). Help is rendered at a
fixed width, so the text is the same on every terminal.
"""

from __future__ import annotations

from collections.abc import Iterator

import click

#: Width the help is wrapped at: wide enough for the examples, fixed for byte-identical output.
WIDTH = 100

REGENERATE = "python -m whyache.cli.reference > docs/cli.md"


def walk(
    command: click.Command, name: str = "whyache", parent: click.Context | None = None
) -> Iterator[tuple[str, click.Context]]:
    """Every command under ``command`` (itself first), depth first, subcommands by name.

    Yields the full command path ("whyache kb facts") and a context whose help is that
    command's ``--help`` text.
    """
    settings = {**command.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    ctx = click.Context(command, info_name=name, parent=parent, **settings)
    yield ctx.command_path, ctx
    if isinstance(command, click.Group):
        for sub_name in command.list_commands(ctx):
            sub = command.get_command(ctx, sub_name)
            if sub is not None and not sub.hidden:
                yield from walk(sub, sub_name, ctx)


#: The JSON Schema of each command's --format json output (src/whyache/schemas/NAME.json).
SCHEMAS: dict[str, str] = {
    "whyache run": "result",
    "whyache demo": "result",
    "whyache consult": "result",
    "whyache explain": "how",
    "whyache why-not": "why-not",
    "whyache what-if": "what-if",
    "whyache graph": "graph",
    "whyache batch": "batch-line",
    "whyache check": "check",
    "whyache kb facts": "kb-facts",
    "whyache kb rules": "kb-rules",
    "whyache kb sources": "kb-sources",
    "whyache kb stats": "kb-stats",
    "whyache kb lint": "kb-lint",
    "whyache schema": "schemas",
    "whyache example": "examples",
    "whyache serve": "serve",
}
SCHEMA_LINK = "../src/whyache/schemas/{}.json"


def schema_link(name: str) -> str:
    return f"[`{name}`]({SCHEMA_LINK.format(name)})"


def anchor(path: str) -> str:
    """The anchor a code host gives ``## <path>``: "whyache kb facts" -> "whyache-kb-facts"."""
    return path.lower().replace(" ", "-")


def render_reference(main: click.Command | None = None) -> str:
    """docs/cli.md: a contents list, then one section per command holding its ``--help``."""
    if main is None:
        from whyache.cli import main as whyache_main

        main = whyache_main
    commands = list(walk(main))
    lines = [
        "# Command reference",
        "",
        "<!-- Generated from the commands' --help; do not edit by hand.",
        f"     Regenerate with: {REGENERATE}  (or: make docs) -->",
        "",
        "Every command prints results to standard output and errors to standard error, takes",
        "`--format text|json` (the graph adds `dot`, `mermaid`, `graphml`) and, where it reads a",
        "knowledge base, `--kb DIR`. A fact not given is unknown, never false: `-f FACT=no`",
        "denies it. Exit codes: 0 ok, 1 a reported failure (a failed scenario, a lint error, a",
        "conclusion not reached), 2 a usage or input error, 3 an invalid knowledge base,",
        "70 an internal error, 130 interrupted, 141 standard output closed by its reader.",
        "See the [concepts](concepts.md) for the words used here.",
        "",
        "Every JSON output has a JSON Schema (draft 2020-12), shipped with whyache and printed by",
        "`whyache schema NAME`; each command below links to its own. An error, with",
        f"`--format json`, is one object on standard error: {schema_link('error')}.",
        "",
    ]
    lines += [f"- [`{path}`](#{anchor(path)})" for path, _ in commands]
    for path, ctx in commands:
        help_text = ctx.command.get_help(ctx).rstrip()
        lines += ["", f"## {path}", "", "```text", help_text, "```"]
        if path in SCHEMAS:
            lines += ["", f"JSON output schema: {schema_link(SCHEMAS[path])}"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - exercised through the drift test's text
    click.echo(render_reference(), nl=False)
