"""``whyache graph``: export a case's derivation graph, or the knowledge-base map."""

from __future__ import annotations

from pathlib import Path

import click
import networkx as nx

from whyache.api.session import run_case
from whyache.cli.options import (
    build,
    case_options,
    engine_option,
    format_option,
    kb_option,
    load_kb,
)
from whyache.cli.streams import refuse_input_as_output, replacing
from whyache.engine import InputError, derivation_graph, resolve_fact
from whyache.engine.analysis.kb_graph import focus, highlight, kb_graph
from whyache.engine.render.data import to_graphml, to_json, to_text
from whyache.engine.render.dot import kind_styles, to_dot
from whyache.engine.render.mermaid import to_mermaid

#: Renderers that draw each fact in the style its kind declares.
STYLED = {"dot": to_dot, "mermaid": to_mermaid}
RENDERERS = {
    "dot": to_dot,
    "mermaid": to_mermaid,
    "json": to_json,
    "graphml": to_graphml,
    "text": to_text,
}


@click.command()
@case_options
@engine_option()
@kb_option
@format_option("dot", "mermaid", "graphml", default="dot")
@click.option("--focus", "focus_fact", metavar="FACT", help="Keep only the chains through FACT.")
@click.option(
    "--highlight",
    "highlighted",
    is_flag=True,
    help="With facts: draw the whole knowledge-base map and mark the paths the case took.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write to FILE instead of standard output.",
)
def graph(
    facts: tuple[str, ...],
    case_file: Path | None,
    kb_dir: Path | None,
    engine_name: str,
    output_format: str,
    focus_fact: str | None,
    highlighted: bool,
    output: Path | None,
) -> None:
    """Export a derivation graph (with facts) or the knowledge-base map (without).

    With -f/--case: the case's graph, fact -> firing -> fact, firings labelled by rule id.
    Without facts: every fact and rule, premise -> rule -> conclusion (dashed: absence).
    Facts are drawn in the style their kind declares (a red flag: red and bold). JSON is
    networkx node-link data (schema whyache.graph/1); DOT renders with Graphviz, Mermaid in
    any Mermaid viewer.

    \b
    Examples:
      whyache graph -f hot_weather -f inadequate_fluid_intake | dot -Tsvg -o case.svg
      whyache graph --format mermaid --focus dehydration
      whyache graph --highlight -f hot_weather -f inadequate_fluid_intake -o map.dot
      whyache graph --format json -o kb.json
    """
    kb = load_kb(kb_dir)
    has_case = bool(facts) or case_file is not None
    if highlighted and not has_case:
        raise InputError("--highlight needs a case", hint="give facts with -f or --case")
    picture: nx.DiGraph
    if has_case:
        result = run_case(kb, build(kb, facts, case_file), engine_name)
        picture = highlight(kb_graph(kb), result) if highlighted else derivation_graph(result)
    else:
        picture = kb_graph(kb)
    if focus_fact is not None:
        picture = focus(picture, resolve_fact(kb, focus_fact).id)
    styles = kind_styles(kb)
    if output_format in STYLED:
        text = STYLED[output_format](picture, styles)
    else:
        text = RENDERERS[output_format](picture)
    if output is None:
        click.echo(text, nl=False)
    else:
        refuse_input_as_output(output, [case_file])
        with replacing(output) as handle:
            handle.write(text)
