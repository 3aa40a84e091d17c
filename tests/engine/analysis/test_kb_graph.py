from __future__ import annotations

import pytest

from whyache.engine import InputError, case_from_assignments, derivation_graph
from whyache.engine.analysis.kb_graph import chains, focus, highlight, kb_graph
from whyache.engine.analysis.overview import overview


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
    graph = focus(kb_graph(tiny_kb), "thirst", urgent=tiny_kb.urgent_kinds)
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
        focus(derivation_graph(result), "ache", urgent=tiny_kb.urgent_kinds)


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


def test_focus_keeps_the_red_flag_raised_from_the_same_evidence(bundled_kb):
    # stress_fracture_pain_pattern concludes stress_fracture_signs beside stress_fracture;
    # the flag hangs off the signs, one step aside, and must not be left out.
    graph = focus(kb_graph(bundled_kb), "stress_fracture", depth=1, urgent=bundled_kb.urgent_kinds)
    assert {"stress_fracture_signs", "flag_possible_stress_fracture"} <= set(graph.nodes)
    assert ("stress_fracture_signs", "rule:red_flag_stress_fracture") in graph.edges


def test_focus_depth_counts_steps(tiny_kb):
    graph = focus(kb_graph(tiny_kb), "thirst", depth=1, urgent=tiny_kb.urgent_kinds)
    assert {n for n, d in graph.nodes(data=True) if d["type"] == "fact"} == {
        "sun",
        "water",
        "thirst",
        "ache",
        "drink",
    }


def test_chains_between_two_facts(tiny_kb):
    graph = chains(kb_graph(tiny_kb), "sun", "ache", urgent=tiny_kb.urgent_kinds)
    assert set(graph.edges) == {
        ("sun", "rule:sun_and_no_water"),
        ("water", "rule:sun_and_no_water"),
        ("rule:sun_and_no_water", "thirst"),
        ("thirst", "rule:thirst_aches"),
        ("rule:thirst_aches", "ache"),
    } - {("water", "rule:sun_and_no_water")}
    assert (graph.graph["from"], graph.graph["to"]) == ("sun", "ache")


def test_chains_that_do_not_exist(tiny_kb):
    with pytest.raises(InputError, match="no chain leads from 'ache' to 'sun'"):
        chains(kb_graph(tiny_kb), "ache", "sun", urgent=tiny_kb.urgent_kinds)
    with pytest.raises(InputError, match="within 1 steps"):
        chains(kb_graph(tiny_kb), "sun", "ache", depth=1, urgent=tiny_kb.urgent_kinds)


def test_overview_groups_by_category(bundled_kb):
    graph = overview(bundled_kb)
    assert graph.number_of_nodes() == 25
    flags = graph.nodes["category:Red flags (see a clinician)"]
    assert (flags["facts"], flags["rules"], flags["red_flags"]) == (13, 13, 13)
    assert flags["urgent"] == {"Red flags": 13} and flags["kinds"] == {"red_flag": 13}
    assert all(d["rules"] >= 3 or "Red flags" in v for _u, v, d in graph.edges(data=True))
    assert ("category:Dehydration", "category:Electrolyte imbalance") in graph.edges


def test_focus_keeps_the_urgent_kinds_it_is_told(bundled_kb):
    # Kinds are data: without urgent kinds named, the red flag one step aside is not kept.
    graph = focus(kb_graph(bundled_kb), "stress_fracture", depth=1, urgent=())
    assert "flag_possible_stress_fracture" not in graph
