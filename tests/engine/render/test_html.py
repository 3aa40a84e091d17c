"""The offline HTML page: explanations for every node, nothing from the network."""

from __future__ import annotations

import json
import re

from whyache.engine import case_from_assignments, derivation_graph
from whyache.engine.render.html import explanations, not_concluded, to_html

SVG = '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg viewBox="0 0 10 10"><g class="node"></g></svg>'


def page_for(tiny_engine, tiny_kb, *facts: str) -> tuple[str, dict[str, dict[str, str]]]:
    result = tiny_engine.run(case_from_assignments(tiny_kb, list(facts)))
    text = to_html(derivation_graph(result), SVG, result, "a <case>", "Not a diagnosis.")
    payload = re.search(r'<script type="application/json" id="panels">(.*?)</script>', text, re.S)
    assert payload is not None
    return text, json.loads(payload[1])


def test_every_node_has_a_panel_and_unconcluded_red_flags_have_why_not(tiny_engine, tiny_kb):
    text, panels = page_for(tiny_engine, tiny_kb, "sun", "water=no")
    assert panels["sun"] == {"title": "Given: Sunny", "text": "sun = yes, given in the case."}
    assert panels["thirst"]["title"].startswith("HOW: ")
    assert panels["1:sun_and_no_water"]["title"] == "Rule sun_and_no_water (firing 1)"
    assert panels["see_doctor"]["title"] == "WHY NOT: See a doctor"
    assert 'data-node="see_doctor">!! See a doctor</a>' in text


def test_the_page_is_self_contained_and_escaped(tiny_engine, tiny_kb):
    text, _panels = page_for(tiny_engine, tiny_kb, "rest_pain")
    assert text.startswith("<!DOCTYPE html>")
    assert "<?xml" not in text and "<!DOCTYPE svg>" not in text
    assert re.findall(r'(?:src|href)="(?!#)', text) == []
    assert "<link" not in text and "@import" not in text and "url(" not in text
    assert "default-src 'none'" in text
    assert "<title>a &lt;case&gt;</title>" in text


def test_not_concluded_lists_red_flags_first(tiny_engine, tiny_kb):
    result = tiny_engine.run(case_from_assignments(tiny_kb, ["sun"]))
    assert [kind for _f, _l, kind in not_concluded(result)][:1] == ["red_flag"]
    assert set(explanations(result, derivation_graph(result))) >= {"sun", "see_doctor"}
