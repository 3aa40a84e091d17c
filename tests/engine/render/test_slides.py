"""Slide-ready diagrams, measured by Graphviz itself: every focused graph fits 1920 x 1080 px.

The graphs: for the demo case, every fact it concludes; for every scenario in tests/scenarios,
every fact it names (concludes, red flags), each one step either way (``--depth 1``, the
picture of one link of a chain). Drawn top to bottom, Graphviz shrinks a drawing to the slide;
the test reads the scale it applied and checks that the smallest text (11 pt rule labels)
still comes out at least 10 px high. All drawings go through one ``dot`` process (it lays out
every graph of its input), a few seconds for the ~550 distinct pictures.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from whyache.engine import Engine, KnowledgeBase, case_from_mapping, derivation_graph
from whyache.engine.analysis.kb_graph import focus
from whyache.engine.analysis.overview import overview
from whyache.engine.render.dot import kind_styles, to_dot
from whyache.knowledge_base.scenarios import load_scenarios

from ...tools import REPO, need

SMALLEST_POINTS = 11  # rule and edge labels; facts are 14 pt
LEGIBLE_PX = 10
SVG_SIZE = re.compile(r'<svg width="(\d+)pt" height="(\d+)pt"')
SCALE = re.compile(r'<g id="[^"]*graph0" class="graph" transform="scale\(([\d.]+) ')


def focused_graphs(kb: KnowledgeBase, engine: Engine) -> dict[str, str]:
    """DOT text -> what it shows, one entry per distinct picture."""
    pictures: dict[str, str] = {}
    styles = kind_styles(kb)
    demo = derivation_graph(engine.run(case_from_mapping(kb, dict(kb.demo))))
    derived = [n for n, d in demo.nodes(data=True) if d["type"] == "fact" and not d["given"]]
    for fact in derived:
        picture = focus(demo, fact, 1, urgent=kb.urgent_kinds)
        pictures.setdefault(to_dot(picture, styles, layout="tb"), f"demo --focus {fact}")
    for path in sorted((REPO / "tests" / "scenarios").glob("*.scenarios.yaml")):
        for scenario in load_scenarios(kb, path):
            graph = derivation_graph(engine.run(scenario.case))
            named = (*scenario.concludes, *scenario.red_flags_at_least)
            named += scenario.red_flags_exact or ()
            for fact in dict.fromkeys(f for f in named if f in graph):
                shown = f"{scenario.name} --focus {fact}"
                picture = focus(graph, fact, 1, urgent=kb.urgent_kinds)
                pictures.setdefault(to_dot(picture, styles, layout="tb"), shown)
    return pictures


def rendered_sizes(dot_texts: list[str]) -> list[tuple[float, float, float]]:
    """(width px, height px, scale) of each drawing, Graphviz's 96 dpi."""
    dot = need("dot", "Graphviz")
    proc = subprocess.run(
        [dot, "-Tsvg"], input="".join(dot_texts), capture_output=True, text=True, check=True
    )
    sizes = SVG_SIZE.findall(proc.stdout)
    scales = SCALE.findall(proc.stdout)
    assert len(sizes) == len(scales) == len(dot_texts)
    return [
        (int(w) * 4 / 3, int(h) * 4 / 3, float(s)) for (w, h), s in zip(sizes, scales, strict=True)
    ]


def test_every_focused_graph_fits_a_slide_at_a_legible_size(bundled_kb, bundled_engine):
    pictures = focused_graphs(bundled_kb, bundled_engine)
    assert len(pictures) > 400  # the demo and ~230 scenarios, each a handful of focuses
    too_big = [
        (pictures[text], round(w), round(h), round(SMALLEST_POINTS * 4 / 3 * scale, 1))
        for text, (w, h, scale) in zip(pictures, rendered_sizes(list(pictures)), strict=True)
        if w > 1920.5 or h > 1080.5 or SMALLEST_POINTS * 4 / 3 * scale < LEGIBLE_PX
    ]
    assert too_big == []


def test_the_overview_is_small_and_fits_a_slide(bundled_kb):
    graph = overview(bundled_kb)
    assert graph.number_of_nodes() < 100
    ((width, height, scale),) = rendered_sizes(
        [to_dot(graph, kind_styles(bundled_kb), layout="tb")]
    )
    assert width <= 1920.5 and height <= 1080.5
    assert 14 * 4 / 3 * scale >= LEGIBLE_PX  # category names and link counts are 14 pt


@pytest.mark.parametrize("layout", ["tb", "lr"])
def test_png_renders(tmp_path: Path, bundled_kb, bundled_engine, layout):
    # The PNG the docs show: one real raster render per layout, within the slide when tb.
    dot = need("dot", "Graphviz")
    result = bundled_engine.run(case_from_mapping(bundled_kb, dict(bundled_kb.demo)))
    picture = focus(derivation_graph(result), "muscle_cramps", 1, urgent=bundled_kb.urgent_kinds)
    text = to_dot(picture, kind_styles(bundled_kb), layout=layout)
    out = tmp_path / "cramps.png"
    subprocess.run([dot, "-Tpng", "-o", str(out)], input=text, text=True, check=True)
    header = out.read_bytes()[:24]
    width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    if layout == "tb":
        assert width <= 1920 and height <= 1080
