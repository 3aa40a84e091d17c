from __future__ import annotations

import json
import re

import networkx as nx
import pytest
from click.testing import CliRunner

from whyache.cli import main

from ..conftest import TINY


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def edges_of(stdout: str) -> set[tuple[str, str]]:
    graph = nx.node_link_graph(json.loads(stdout), edges="edges")
    return set(graph.edges)


def test_case_graph_json():
    result = invoke("graph", "--kb", str(TINY), "-f", "rest_pain", "--format", "json")
    assert result.exit_code == 0, result.output
    assert edges_of(result.stdout) == {
        ("rest_pain", "1:rest_pain_flag"),
        ("1:rest_pain_flag", "see_doctor"),
    }


def test_kb_map_without_facts_and_focus():
    result = invoke("graph", "--kb", str(TINY), "--format", "json", "--focus", "see_doctor")
    assert result.exit_code == 0, result.output
    assert edges_of(result.stdout) == {
        ("rest_pain", "rule:rest_pain_flag"),
        ("rule:rest_pain_flag", "see_doctor"),
    }


def test_highlight_overlays_the_case_on_the_map():
    result = invoke(
        "graph", "--kb", str(TINY), "--highlight", "-f", "rest_pain", "--format", "json"
    )
    data = json.loads(result.stdout)
    on = sorted(n["id"] for n in data["nodes"] if n["highlighted"])
    assert on == ["rest_pain", "rule:rest_pain_flag", "see_doctor"]
    assert len(data["nodes"]) == 14


def test_highlight_needs_a_case():
    result = invoke("graph", "--kb", str(TINY), "--highlight")
    assert result.exit_code == 2
    assert result.stderr == "Error: --highlight needs a case (give facts with -f or --case)\n"


def test_output_file(tmp_path):
    out = tmp_path / "map.dot"
    result = invoke("graph", "--kb", str(TINY), "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text(encoding="utf-8").startswith('digraph "whyache" {\n')


def test_mermaid_and_graphml_and_text():
    for fmt, start in [("mermaid", "flowchart LR\n"), ("graphml", "<graphml"), ("text", "rule:")]:
        result = invoke("graph", "--kb", str(TINY), "--format", fmt)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(start)


def test_unknown_focus_fact_suggests():
    result = invoke("graph", "--kb", str(TINY), "--focus", "thrist")
    assert result.exit_code == 2
    assert result.stderr == "Error: unknown fact 'thrist' (did you mean 'thirst'?)\n"


def test_bundled_map_exports():
    result = invoke("graph", "--format", "json")
    assert result.exit_code == 0
    graph = nx.node_link_graph(json.loads(result.stdout), edges="edges")
    assert ("dehydration", "rule:dehydration_lowers_blood_volume") in graph.edges


def test_bundled_focus_dot_parses_back():
    import warnings

    import pydot

    args = ["graph", "--focus", "dehydration", "--highlight", "-f", "hot_weather"]
    result = invoke(*args, "-f", "inadequate_fluid_intake")
    as_json = invoke(*args, "-f", "inadequate_fluid_intake", "--format", "json")
    expected = nx.node_link_graph(json.loads(as_json.stdout), edges="edges")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        (parsed,) = pydot.graph_from_dot_data(result.stdout)
    names = {n.get_name().strip('"') for n in parsed.get_nodes()} - {"node", "edge", "graph"}
    assert "whyache:legend" in names  # the legend: one node, no edges
    names.discard("whyache:legend")
    assert names == set(expected.nodes)
    edges = {
        (e.get_source().strip('"'), e.get_destination().strip('"')) for e in parsed.get_edges()
    }
    assert edges == set(expected.edges)


MERMAID_LINE = re.compile(
    r"^(flowchart LR"
    r"|  classDef \w+ [\w:#.,-]+"
    r"|  class [\w,]+ \w+"
    r"|  linkStyle [\d,]+ [\w:#.,-]+"
    r'|  \w+(\["[^"]*"\]|\("[^"]*"\)|\(\["[^"]*"\]\)|\{\{"[^"]*"\}\})'
    r'|  \w+ (-->|-\.->)(\|"[^"|]*"\|)? \w+)$'
)


def test_bundled_map_mermaid_is_well_formed():
    # No Mermaid renderer here: check every line against the small grammar we emit.
    result = invoke("graph", "--format", "mermaid")
    bad = [line for line in result.stdout.splitlines() if not MERMAID_LINE.match(line)]
    assert bad == []


def test_layout_defaults_top_to_bottom_for_a_case_and_left_to_right_for_the_map():
    case = invoke("graph", "--kb", str(TINY), "-f", "rest_pain")
    assert 'rankdir="TB"' in case.stdout and 'size="20,11.25"' in case.stdout
    assert 'rankdir="LR"' in invoke("graph", "--kb", str(TINY)).stdout
    assert 'rankdir="TB"' in invoke("graph", "--kb", str(TINY), "--focus", "thirst").stdout
    forced = invoke("graph", "--kb", str(TINY), "-f", "rest_pain", "--layout", "lr")
    assert 'rankdir="LR"' in forced.stdout
    mermaid = invoke("graph", "--kb", str(TINY), "-f", "rest_pain", "--format", "mermaid")
    assert mermaid.stdout.startswith("flowchart TD\n")


def test_no_legend():
    assert "whyache:legend" in invoke("graph", "--kb", str(TINY)).stdout
    assert "whyache:legend" not in invoke("graph", "--kb", str(TINY), "--no-legend").stdout


def test_from_to_and_depth():
    result = invoke("graph", "--kb", str(TINY), "--from", "sun", "--to", "ache", "--format", "json")
    assert result.exit_code == 0, result.output
    assert ("rule:thirst_aches", "ache") in edges_of(result.stdout)
    assert "drink" not in {n for e in edges_of(result.stdout) for n in e}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--depth", "2"], "--depth needs --focus, --from or --to (say where to count from)"),
        (["--focus", "ache", "--to", "ache"], "--focus cannot be combined with --from or --to"),
        (["--overview", "--focus", "ache"], "--overview draws the whole knowledge base"),
        (["--from", "ache", "--to", "sun"], "no chain leads from 'ache' to 'sun'"),
        (["--from", "thrist"], "unknown fact 'thrist' (did you mean 'thirst'?)"),
    ],
)
def test_bad_cuts_are_one_line_errors(args, message):
    result = invoke("graph", "--kb", str(TINY), *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {message}")
    assert result.stderr.count("\n") == 1


def test_overview():
    result = invoke("graph", "--overview", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["graph"]["view"] == "overview" and len(data["nodes"]) == 25


def test_html_export_of_a_case(tmp_path):
    from ..tools import need

    need("dot", "Graphviz")
    out = tmp_path / "case.html"
    result = invoke("graph", "--format", "html", "-f", "hot_weather", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<svg" in text
    assert '"HOW: Fluid lost through sweat"' in text
    assert "<title>hot_weather</title>" in text  # Graphviz names each node's group


def test_html_needs_a_case():
    result = invoke("graph", "--kb", str(TINY), "--format", "html")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --format html draws one case's derivation "
        "(give facts with -f or --case, without --highlight)\n"
    )
