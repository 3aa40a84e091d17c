"""One self-contained HTML page for a case: the derivation drawn, pan and zoom, click to explain.

The drawing is Graphviz's SVG (made at the CLI edge, which runs ``dot``) embedded as is; a
short script of our own, inline, pans (drag), zooms (wheel, or the + and - buttons) and, on a
click on a node, shows its explanation in a side panel: HOW for a concluded fact, "given" for
an input, the rule with its premises and sources for a firing, and WHY-NOT for a fact the case
did not conclude (listed beside the drawing: the facts of the knowledge base's urgent kinds,
its red flags, then of its goal kinds, its conditions; kinds are kb.yaml's data). Nothing is
fetched: no script, style or font comes from the network, so the file opens offline.

Every text reaches the page as JSON inside ``<script type="application/json">`` with ``<``
escaped, and is shown with ``textContent``, never parsed as HTML.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

import networkx as nx

from whyache.engine.analysis.consultation import goal_kinds
from whyache.engine.explain.how import how
from whyache.engine.explain.strength import strength
from whyache.engine.explain.why_not import why_not
from whyache.engine.model.definitions import POSSIBLE, KnowledgeBase
from whyache.engine.render.dot import kind_styles
from whyache.engine.render.explain import how_text, why_not_text
from whyache.engine.render.legend import kind_titles, legend
from whyache.engine.render.strength import step_note, support_words
from whyache.engine.runtime.result import Result

_PROLOG = re.compile(r"^.*?(?=<svg)", re.DOTALL)


@dataclass(frozen=True)
class Panel:
    """What a click on one node shows: a heading and a preformatted explanation."""

    title: str
    text: str


def explanations(result: Result, graph: nx.DiGraph) -> dict[str, Panel]:
    """A panel for every node drawn, and for every fact :func:`not_concluded` lists."""
    kb = result.kb
    panels: dict[str, Panel] = {}
    for node, data in graph.nodes(data=True):
        if data.get("type") == "firing":
            rule = kb.rule(str(data["rule"]))
            premises = [f"{u}: {d.get('condition', u)}" for u, _v, d in graph.in_edges(node, True)]
            step = strength(result, result.firings[int(data["number"]) - 1])
            lines = [
                rule.description,
                "",
                step_note(kb, step) or f"established: {support_words(step)}",
                "premises: " + ("; ".join(sorted(premises)) or "(none)"),
                "concludes: " + ", ".join(rule.concludes),
                *(f"assuming: {a}" for a in data.get("assumptions", ())),
                "sources:",
                *(f"  {s}" for s in rule.sources),
            ]
            panels[node] = Panel(f"Rule {rule.id} (firing {data['number']})", "\n".join(lines))
        elif data.get("type") == "fact":
            panels[node] = fact_panel(result, node)
    for fact_id, _label, _kind in not_concluded(result):
        panels.setdefault(fact_id, fact_panel(result, fact_id))
    return panels


def open_kinds(kb: KnowledgeBase) -> tuple[str, ...]:
    """The kinds whose unconcluded facts a page lists: urgent kinds (red flags) first, then the
    goal kinds a consultation settles (conditions), each in knowledge-base order."""
    urgent = kb.urgent_kinds
    return (*urgent, *(k for k in goal_kinds(kb) if k not in urgent))


def not_concluded(result: Result) -> list[tuple[str, str, str]]:
    """(fact id, label, kind) of every fact of :func:`open_kinds` the case did not conclude:
    red flags first, then conditions, by id within a kind."""
    order = {kind: rank for rank, kind in enumerate(open_kinds(result.kb))}
    facts = [f for f in result.kb.facts if f.kind in order and result.value(f.id) is None]
    facts.sort(key=lambda f: (order[f.kind], f.id))
    return [(f.id, f.label, f.kind) for f in facts]


def fact_panel(result: Result, fact_id: str) -> Panel:
    fact = result.kb.fact(fact_id)
    if result.case.get(fact_id) is not None:
        value = result.case.get(fact_id)
        shown = "yes" if value is True else "no" if value is False else str(value)
        return Panel(f"Given: {fact.label}", f"{fact_id} = {shown}, given in the case.")
    kb = result.kb
    if result.level(fact_id) == POSSIBLE:  # how it is possible, and what would establish it
        settle = why_not_text(why_not(kb, result, fact_id), kb)
        text = f"{how_text(how(result, fact_id), kb)}\n{settle}"
        return Panel(f"HOW (possible only): {fact.label}", text)
    if result.value(fact_id) is not None:
        return Panel(f"HOW: {fact.label}", how_text(how(result, fact_id), kb))
    return Panel(f"WHY NOT: {fact.label}", why_not_text(why_not(kb, result, fact_id), kb))


def to_html(graph: nx.DiGraph, svg: str, result: Result, title: str, disclaimer: str) -> str:
    """The page: ``svg`` (Graphviz's drawing of ``graph``) with its explanations and legend."""
    panels = explanations(result, graph)
    data = {node: {"title": p.title, "text": p.text} for node, p in sorted(panels.items())}
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    drawing = _PROLOG.sub("", svg, count=1)
    kb = result.kb
    urgent = set(kb.urgent_kinds)
    missing = "".join(
        f'<li><a href="#" data-node="{html.escape(fact)}">'
        f"{'!! ' if kind in urgent else ''}{html.escape(label)}</a></li>"
        for fact, label, kind in not_concluded(result)
    )
    entries = legend(graph, kind_styles(kb), kind_titles(kb))
    keys = "".join(f"<li>{html.escape(entry.text)}</li>" for entry in entries)
    nothing_open = " and ".join(kb.kind(k).title.lower() for k in open_kinds(kb))
    return _PAGE.format(
        title=html.escape(title),
        disclaimer=html.escape(disclaimer),
        drawing=drawing,
        payload=payload,
        missing=missing or f"<li>(all {html.escape(nothing_open)} were concluded)</li>",
        legend=keys,
        map_script=MAP_SCRIPT,
        script=SCRIPT,
        style=STYLE,
    )


STYLE = """
body { margin: 0; font: 15px/1.4 "DejaVu Sans", Helvetica, Arial, sans-serif; display: flex;
       height: 100vh; }
#map { flex: 1; overflow: hidden; position: relative; background: #fff; cursor: grab; }
#map svg { width: 100%; height: 100%; }
#side { width: 34em; overflow: auto; border-left: 1px solid #ccc; padding: 0 1em;
        background: #fafafa; }
#zoom { position: absolute; top: 8px; left: 8px; }
#zoom button { font-size: 18px; width: 2em; }
pre { white-space: pre-wrap; font-size: 13px; }
.node { cursor: pointer; }
.node.selected polygon, .node.selected path, .node.selected ellipse { stroke: #1a73e8;
       stroke-width: 4; }
.disclaimer { color: #a00; font-weight: bold; }
"""

#: Pan, zoom and node selection of a drawn map, shared by this page (inline) and the teaching
#: page of ``whyache serve`` (served as /assets/map.js): one implementation of both.
MAP_SCRIPT = """
window.whyacheMap = function (map, onNode) {
  "use strict";
  var view = null;
  function apply() { view.svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" ")); }
  function zoom(factor, cx, cy) {
    if (!view) { return; }
    var r = view.svg.getBoundingClientRect();
    var px = view.x + view.w * (cx - r.left) / r.width;
    var py = view.y + view.h * (cy - r.top) / r.height;
    view.w *= factor; view.h *= factor;
    view.x = px - (px - view.x) * factor; view.y = py - (py - view.y) * factor;
    apply();
  }
  map.addEventListener("wheel", function (e) {
    e.preventDefault();
    zoom(e.deltaY < 0 ? 0.8 : 1.25, e.clientX, e.clientY);
  }, {passive: false});
  var drag = null;
  map.addEventListener("mousedown", function (e) { drag = {x: e.clientX, y: e.clientY}; });
  window.addEventListener("mouseup", function () { drag = null; });
  window.addEventListener("mousemove", function (e) {
    if (!drag || !view) { return; }
    var r = view.svg.getBoundingClientRect();
    view.x -= (e.clientX - drag.x) * view.w / r.width;
    view.y -= (e.clientY - drag.y) * view.h / r.height;
    drag = {x: e.clientX, y: e.clientY};
    apply();
  });
  return {
    // A new drawing: fit it to the box, make its nodes clickable.
    attach: function (svg) {
      svg.removeAttribute("width");
      svg.removeAttribute("height");
      var box = svg.viewBox.baseVal;
      view = {svg: svg, x: box.x, y: box.y, w: box.width, h: box.height};
      svg.querySelectorAll(".node").forEach(function (n) {
        var t = n.querySelector("title");
        if (t) { n.addEventListener("click", function () { onNode(t.textContent); }); }
      });
    },
    centred: function (factor) {
      var r = map.getBoundingClientRect();
      zoom(factor, r.left + r.width / 2, r.top + r.height / 2);
    },
    select: function (name) {
      if (!view) { return; }
      view.svg.querySelectorAll(".node").forEach(function (n) {
        var t = n.querySelector("title");
        n.classList.toggle("selected", Boolean(t && t.textContent === name));
      });
    }
  };
};
"""

SCRIPT = """
(function () {
  "use strict";
  var panels = JSON.parse(document.getElementById("panels").textContent);
  var drawing = window.whyacheMap(document.getElementById("map"), show);
  drawing.attach(document.querySelector("#map svg"));
  document.getElementById("zoom-in").onclick = function () { drawing.centred(0.8); };
  document.getElementById("zoom-out").onclick = function () { drawing.centred(1.25); };
  function show(name) {
    var panel = panels[name];
    if (!panel) { return; }
    document.getElementById("explain-title").textContent = panel.title;
    document.getElementById("explain-text").textContent = panel.text;
    drawing.select(name);
  }
  document.querySelectorAll("[data-node]").forEach(function (a) {
    a.addEventListener("click", function (e) { e.preventDefault(); show(a.dataset.node); });
  });
  window.whyacheShow = show;
})();
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<div id="map">
<div id="zoom"><button id="zoom-in" title="zoom in">+</button>\
<button id="zoom-out" title="zoom out">−</button></div>
{drawing}
</div>
<div id="side">
<h2>{title}</h2>
<p class="disclaimer">{disclaimer}</p>
<p>Click a node to see how it was concluded; drag to pan, scroll to zoom.</p>
<h3 id="explain-title">Nothing selected</h3>
<pre id="explain-text"></pre>
<h3>Not concluded: why not?</h3>
<ul id="not-concluded">{missing}</ul>
<h3>Legend</h3>
<ul>{legend}</ul>
</div>
<script type="application/json" id="panels">{payload}</script>
<script>{map_script}</script>
<script>{script}</script>
</body>
</html>
"""
