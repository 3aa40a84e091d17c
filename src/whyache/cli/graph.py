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
from whyache.engine.analysis.kb_graph import chains, focus, highlight, kb_graph
from whyache.engine.analysis.overview import overview as kb_overview
from whyache.engine.model.definitions import KnowledgeBase
from whyache.engine.render.data import to_graphml, to_json, to_text
from whyache.engine.render.dot import kind_styles, to_dot
from whyache.engine.render.html import to_html
from whyache.engine.render.legend import kind_titles
from whyache.engine.render.mermaid import to_mermaid
from whyache.web.graphviz import draw_svg

RENDERERS = {
    "json": to_json,
    "graphml": to_graphml,
    "text": to_text,
}


LAYOUTS = ("tb", "lr")


@click.command()
@case_options
@engine_option()
@kb_option
@format_option("dot", "mermaid", "graphml", "html", default="dot")
@click.option("--focus", "focus_fact", metavar="FACT", help="Keep only the chains through FACT.")
@click.option("--from", "from_fact", metavar="FACT", help="Keep only the chains starting at FACT.")
@click.option("--to", "to_fact", metavar="FACT", help="Keep only the chains ending at FACT.")
@click.option(
    "--depth",
    type=click.IntRange(min=1),
    default=None,
    help="With --focus, --from or --to: at most N steps (rules) from that fact.",
)
@click.option(
    "--overview",
    is_flag=True,
    help="One node per knowledge-base category, linked where rules lead from one to another.",
)
@click.option(
    "--highlight",
    "highlighted",
    is_flag=True,
    help="With facts: draw the whole knowledge-base map and mark the paths the case took.",
)
@click.option(
    "--layout",
    type=click.Choice(LAYOUTS),
    default=None,
    help="DOT and Mermaid: top to bottom or left to right. [default: tb for a case, a part "
    "of the map or the overview (slides), lr for the whole map]",
)
@click.option("--legend/--no-legend", default=True, show_default=True, help="DOT: draw a legend.")
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
    from_fact: str | None,
    to_fact: str | None,
    depth: int | None,
    overview: bool,
    highlighted: bool,
    layout: str | None,
    legend: bool,
    output: Path | None,
) -> None:
    """Export a derivation graph (with facts) or the knowledge-base map (without).

    With -f/--case: the case's graph, fact -> firing -> fact, firings numbered and labelled
    by rule id. Without facts: every fact and rule, premise -> rule -> conclusion (dotted:
    absence). A possible link (can lead to, raises the risk of...) is dashed, a link more
    documents state heavier, a fact reached only through possible links has a dashed border;
    JSON and GraphML carry level, link and support. --overview: one node per category, for a
    first slide. --focus, --from/--to and
    --depth cut out the part to teach; red flags (facts of an urgent kind) one step from it
    are always kept. Facts are drawn in the style their kind declares (a red flag: red and
    bold); DOT carries a legend. JSON is networkx node-link data (schema
    whyache.graph/1); DOT renders with Graphviz, Mermaid in any Mermaid viewer. HTML (needs
    Graphviz): one offline page of a case, pan and zoom, a click on a node explains it (HOW,
    or WHY-NOT for the conditions and red flags not concluded).

    \b
    Examples:
      whyache graph -f hot_weather -f inadequate_fluid_intake | dot -Tsvg -o case.svg
      whyache graph --focus stress_fracture | dot -Tpng -o stress-fracture.png
      whyache graph --from hot_weather --to muscle_cramps --format mermaid
      whyache graph --focus dehydration --depth 1
      whyache graph --overview | dot -Tpng -o overview.png
      whyache graph --highlight -f hot_weather -f inadequate_fluid_intake -o map.dot
      whyache graph --format json -o kb.json
      whyache graph --format html -f hot_weather -f inadequate_fluid_intake -o case.html
    """
    kb = load_kb(kb_dir)
    has_case = bool(facts) or case_file is not None
    cut = focus_fact is not None or from_fact is not None or to_fact is not None
    if highlighted and not has_case:
        raise InputError("--highlight needs a case", hint="give facts with -f or --case")
    if focus_fact is not None and (from_fact is not None or to_fact is not None):
        raise InputError("--focus cannot be combined with --from or --to", hint="use one of them")
    if depth is not None and not cut:
        raise InputError("--depth needs --focus, --from or --to", hint="say where to count from")
    if overview and (has_case or cut):
        raise InputError(
            "--overview draws the whole knowledge base",
            hint="leave out facts, --focus, --from and --to",
        )
    if output_format == "html" and (not has_case or highlighted):
        raise InputError(
            "--format html draws one case's derivation",
            hint="give facts with -f or --case, without --highlight",
        )
    picture: nx.DiGraph
    result = None
    if overview:
        picture = kb_overview(kb)
    elif has_case:
        result = run_case(kb, build(kb, facts, case_file), engine_name)
        picture = highlight(kb_graph(kb), result) if highlighted else derivation_graph(result)
    else:
        picture = kb_graph(kb)
    if focus_fact is not None:
        picture = focus(picture, resolve_fact(kb, focus_fact).id, depth, urgent=kb.urgent_kinds)
    elif cut:
        start = resolve_fact(kb, from_fact).id if from_fact is not None else None
        end = resolve_fact(kb, to_fact).id if to_fact is not None else None
        picture = chains(picture, start, end, depth, urgent=kb.urgent_kinds)
    if layout is None:
        layout = "tb" if (has_case and not highlighted) or cut or overview else "lr"
    if output_format == "html" and result is not None:
        dot_text = to_dot(picture, kind_styles(kb), layout=layout, with_legend=False, fit=False)
        title = f"whyache · {kb.name} {kb.version} · a case"
        text = to_html(picture, draw_svg(dot_text), result, title, kb.disclaimer)
    else:
        text = render(picture, output_format, kb, layout=layout, with_legend=legend)
    if output is None:
        click.echo(text, nl=False)
    else:
        refuse_input_as_output(output, [case_file])
        with replacing(output) as handle:
            handle.write(text)


def render(
    picture: nx.DiGraph, output_format: str, kb: KnowledgeBase, *, layout: str, with_legend: bool
) -> str:
    """One graph in one format; DOT and Mermaid are drawn in ``layout``, each fact in the style
    its kind declares."""
    styles = kind_styles(kb)
    if output_format == "dot":
        titles = kind_titles(kb)
        return to_dot(picture, styles, layout=layout, with_legend=with_legend, titles=titles)
    if output_format == "mermaid":
        return to_mermaid(picture, styles, layout=layout)
    return RENDERERS[output_format](picture)
