from __future__ import annotations

import pytest

from whyache.engine import InputError, case_from_assignments, derivation_graph
from whyache.engine.analysis.kb_graph import focus, highlight, kb_graph


def test_map_has_every_fact_and_rule(tiny_kb):
    graph = kb_graph(tiny_kb)
    assert set(graph.nodes) == {f.id for f in tiny_kb.facts} | {
        f"rule:{r.id}" for r in tiny_kb.rules
    }
    assert set(graph.edges) == {
        ("sun", "rule:sun_and_no_water"),
        ("water", "rule:sun_and_no_water"),
        ("rule:sun_and_no_water", "thirst"),
        ("thirst", "rule:thirst_aches"),
        ("rule:thirst_aches", "ache"),
        ("ache", "rule:late_ache"),
        ("hours", "rule:late_ache"),
        ("rest_pain", "rule:late_ache"),
        ("rule:late_ache", "late_soreness"),
        ("rest_pain", "rule:rest_pain_flag"),
        ("rule:rest_pain_flag", "see_doctor"),
        ("thirst", "rule:advise_drink"),
        ("sun", "rule:advise_drink"),
        ("water", "rule:advise_drink"),
        ("rule:advise_drink", "drink"),
    }


def test_absence_edges_are_marked_negated(tiny_kb):
    graph = kb_graph(tiny_kb)
    rest = graph.edges["rest_pain", "rule:late_ache"]
    assert (rest["condition"], rest["negated"]) == ("not rest_pain", True)
    water = graph.edges["water", "rule:advise_drink"]
    assert (water["condition"], water["negated"]) == ("water is unknown", True)
    denied = graph.edges["water", "rule:sun_and_no_water"]
    assert (denied["condition"], denied["negated"]) == ("water = no", False)


def test_focus_keeps_chains_through_one_fact(tiny_kb):
    graph = focus(kb_graph(tiny_kb), "thirst")
    assert set(graph.nodes) == {
        "sun",
        "water",
        "rule:sun_and_no_water",
        "thirst",
        "rule:thirst_aches",
        "ache",
        "rule:late_ache",
        "late_soreness",
        "rule:advise_drink",
        "drink",
    }
    assert graph.graph["focus"] == "thirst" and graph.graph["kb"] == "tiny"


def test_focus_on_a_fact_outside_the_graph(tiny_engine, tiny_kb):
    result = tiny_engine.run(case_from_assignments(tiny_kb, ["sun"]))
    with pytest.raises(InputError, match="'ache' is not in this graph"):
        focus(derivation_graph(result), "ache")


def test_highlight_marks_what_the_case_used(tiny_engine, tiny_kb):
    result = tiny_engine.run(case_from_assignments(tiny_kb, ["sun", "water=no"]))
    graph = highlight(kb_graph(tiny_kb), result)
    assert graph.graph["highlight"] is True
    on_nodes = {n for n, d in graph.nodes(data=True) if d["highlighted"]}
    on_edges = {(u, v) for u, v, d in graph.edges(data=True) if d["highlighted"]}
    assert on_nodes == {
        "sun",
        "water",
        "thirst",
        "ache",
        "drink",
        "rule:sun_and_no_water",
        "rule:thirst_aches",
        "rule:advise_drink",
    }
    assert on_edges == {
        ("sun", "rule:sun_and_no_water"),
        ("water", "rule:sun_and_no_water"),
        ("rule:sun_and_no_water", "thirst"),
        ("thirst", "rule:thirst_aches"),
        ("rule:thirst_aches", "ache"),
        ("thirst", "rule:advise_drink"),
        ("rule:advise_drink", "drink"),
    }
