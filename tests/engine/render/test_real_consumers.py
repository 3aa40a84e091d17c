"""Every format read by its real consumer: Mermaid by mermaid-cli in Chromium, GraphML and
JSON by networkx (DOT by Graphviz: test_slides.py and test_graph_formats.py).

mermaid-cli is pinned in tools/mermaid/package-lock.json and installed by .ci/run without a
browser download; it drives the system Chromium through a puppeteer configuration. One
``mmdc`` run draws every diagram of one Markdown file (one browser start, ~20 s here).
"""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import networkx as nx
from click.testing import CliRunner

from whyache.cli import main
from whyache.engine import case_from_mapping, derivation_graph
from whyache.engine.analysis.kb_graph import focus, highlight, kb_graph
from whyache.engine.analysis.overview import overview
from whyache.engine.render.dot import kind_styles
from whyache.engine.render.mermaid import MERMAID_LIMIT, to_mermaid

from ...tools import CHROMIUM, CHROMIUM_ARGS, MERMAID_CLI, need

STRESS_FRACTURE = {
    "pain_sharp": "yes",
    "pain_localized_to_point": "yes",
    "worsens_with_activity": "yes",
    "pain_at_rest": "yes",
    "cannot_hop_on_leg": "yes",
}


def diagrams(kb, engine) -> dict[str, str]:
    demo = derivation_graph(engine.run(case_from_mapping(kb, dict(kb.demo))))
    runner = engine.run(case_from_mapping(kb, STRESS_FRACTURE))
    styles, urgent = kind_styles(kb), kb.urgent_kinds
    return {
        "demo case": to_mermaid(demo, styles, layout="tb"),
        "demo --focus muscle_cramps": to_mermaid(
            focus(demo, "muscle_cramps", urgent=urgent), styles, layout="tb"
        ),
        "map --highlight --focus stress_fracture": to_mermaid(
            focus(highlight(kb_graph(kb), runner), "stress_fracture", urgent=urgent), styles
        ),
        "map --focus dehydration": to_mermaid(
            focus(kb_graph(kb), "dehydration", urgent=urgent), styles, layout="tb"
        ),
        "overview": to_mermaid(overview(kb), styles, layout="tb"),
    }


def test_mermaid_cli_draws_every_kind_of_diagram(tmp_path: Path, bundled_kb, bundled_engine):
    mmdc = need(MERMAID_CLI, "mermaid-cli (npm ci in tools/mermaid)")
    need(CHROMIUM, "Chromium")
    shown = diagrams(bundled_kb, bundled_engine)
    assert all(len(text) <= MERMAID_LIMIT for text in shown.values())
    source = tmp_path / "diagrams.md"
    source.write_text(
        "".join(f"## {name}\n\n```mermaid\n{text}```\n\n" for name, text in shown.items()),
        encoding="utf-8",
    )
    config = tmp_path / "puppeteer.json"
    config.write_text(json.dumps({"executablePath": str(CHROMIUM), "args": CHROMIUM_ARGS}))
    proc = subprocess.run(
        [mmdc, "-p", str(config), "-i", str(source), "-o", str(tmp_path / "out.md")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    svgs = sorted(tmp_path.glob("out-*.svg"), key=lambda p: int(re.findall(r"\d+", p.name)[0]))
    assert len(svgs) == len(shown)
    for name, svg in zip(shown, svgs, strict=True):
        text = svg.read_text(encoding="utf-8")
        assert "Syntax error" not in text and "Maximum text size" not in text, name
        assert "<svg" in text and "flowchart" in text, name
    # Spot checks that the drawing holds our labels, not an empty frame.
    assert "[stress_fracture]" in svgs[2].read_text(encoding="utf-8")
    assert "Red flags (see a" in svgs[4].read_text(encoding="utf-8")


def test_the_whole_map_is_refused_as_mermaid_with_a_hint():
    result = CliRunner().invoke(main, ["graph", "--format", "mermaid"])
    assert result.exit_code == 2
    assert re.fullmatch(
        r"Error: this Mermaid diagram is [\d,]+ characters, over Mermaid's default limit of "
        r"50,000 \(draw a part with --focus FACT, --from/--to or --depth N, or the --overview\)\n",
        result.stderr,
    )
    assert result.stdout == ""


def test_networkx_reads_the_whole_map_back_from_graphml_and_json():
    runner = CliRunner()
    graphml = runner.invoke(main, ["graph", "--format", "graphml"])
    as_json = runner.invoke(main, ["graph", "--format", "json"])
    assert graphml.exit_code == as_json.exit_code == 0
    from_graphml = nx.read_graphml(io.BytesIO(graphml.stdout.encode("utf-8")))
    from_json = nx.node_link_graph(json.loads(as_json.stdout), edges="edges")
    assert set(from_graphml.nodes) == set(from_json.nodes)
    assert set(from_graphml.edges) == set(from_json.edges)
    assert from_json.number_of_nodes() > 800
    node = from_graphml.nodes["rule:dehydration_lowers_blood_volume"]
    assert node["type"] == "rule" and "§" in node["sources"]
