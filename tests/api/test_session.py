"""The public API: ``import whyache`` gives load, run, how, why_not, what_if, lint and check."""

from __future__ import annotations

import subprocess
import sys

import networkx as nx
import pytest

import whyache
from whyache.engine.explain.what_if import WhatIf

from ..conftest import FINDINGS, REPO, TINY


@pytest.fixture(scope="module")
def session() -> whyache.Session:
    return whyache.load()


def test_all_names_resolve() -> None:
    for name in whyache.__all__:
        assert getattr(whyache, name) is not None
    with pytest.raises(AttributeError):
        whyache.no_such_name  # noqa: B018


def test_import_whyache_loads_no_engine() -> None:
    code = (
        "import sys, whyache; "
        "print(any(m.startswith(('experta', 'whyache.engine')) for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_same_case_every_way_it_can_be_given(session: whyache.Session) -> None:
    by_strings = session.run("hot_weather", "inadequate_fluid_intake", "hours_since_run=2")
    by_keywords = session.run(hot_weather=True, inadequate_fluid_intake="yes", hours_since_run=2)
    by_mapping = session.run(
        {"hot_weather": "yes", "inadequate_fluid_intake": True, "hours_since_run": 2}
    )
    by_case = session.run(
        session.case(["hot_weather", "inadequate_fluid_intake"], hours_since_run=2)
    )
    by_list = session.run(["hot_weather", "inadequate_fluid_intake"], hours_since_run=2)
    assert (
        by_strings.to_dict()
        == by_keywords.to_dict()
        == by_mapping.to_dict()
        == by_case.to_dict()
        == by_list.to_dict()
    )


@pytest.mark.parametrize("facts", [([1],), ("hot_weather", 3), (["hot_weather", None],)])
def test_a_fact_that_is_no_string_is_an_input_error(
    session: whyache.Session, facts: tuple[object, ...]
) -> None:
    with pytest.raises(whyache.InputError) as caught:
        session.run(*facts)
    assert str(caught.value).startswith("a fact must be a FACT[=VALUE] string, not ")


def test_run_answers_every_question(session: whyache.Session) -> None:
    run = session.run("hot_weather", "inadequate_fluid_intake", hours_since_run=2)
    assert run.conclusions[:2] == ("sweat_fluid_loss", "dehydration")
    assert list(run.by_kind()) == ["condition", "symptom", "mechanism", "recommendation"]
    assert run.red_flags == ()
    assert run.recommendations[0] == "rec_hydrate"
    assert set(run.recommendations) <= set(run.conclusions)
    assert run.how("dehydration").root.fact == "dehydration"
    assert run.why_not("doms").concluded is False
    change = run.what_if(remove=["hot_weather"])
    assert isinstance(change, WhatIf)
    assert "dehydration" in [c.fact for c in change.lost]
    assert isinstance(run.graph, nx.DiGraph)
    assert run.to_dict()["schema"] == "whyache.result/1"
    assert run.report().startswith("whyache · running-leg-ache")


def test_unknown_names_are_input_errors_with_a_hint(session: whyache.Session) -> None:
    run = session.run("hot_weather")
    with pytest.raises(whyache.InputError) as caught:
        run.concludes("dehydraton")
    assert caught.value.hint == "did you mean 'dehydration'?"
    with pytest.raises(whyache.InputError):
        run.fired("no_such_rule")
    with pytest.raises(whyache.InputError):
        run.path("hot_weather")


def test_another_knowledge_base_and_its_lint_and_scenarios() -> None:
    tiny = whyache.load(TINY)
    assert tiny.kb.name != "running-leg-ache"
    assert whyache.lint(TINY) == tiny.lint()
    outcomes = whyache.check_scenarios(
        [REPO / "tests" / "scenarios" / "dehydration.scenarios.yaml"]
    )
    assert outcomes and all(o.passed for o in outcomes)


def test_a_reported_finding_is_explained_on_the_run() -> None:
    session = whyache.load(FINDINGS)
    run = session.run("leg_ache", "hot_weather")
    (found,) = run.explanations
    assert (found.finding, found.level) == ("leg_ache", "possible")
    assert [e.rule for e in found.explanations] == ["dehydration_aches", "cramps_ache"]
    assert run.explains("leg_ache")
    assert run.explains("leg_ache", "hot_weather", "sweat_loss", level="possible")
    refused = run.explains("leg_ache", "sweat_loss", level="established")
    assert not refused
    assert str(refused).splitlines()[0] == (
        "expected leg_ache to be explained through sweat_loss at the established level, "
        "but the best such explanation is possible"
    )
    assert str(run.explains("leg_ache", "hot_weather")) == (
        "leg_ache is explained through hot_weather"
    )
    data = run.to_dict()
    assert [f["finding"] for f in data["explanations"]] == ["leg_ache"]
    assert session.run("hot_weather").explanations == ()


def test_concludes_at_a_level() -> None:
    run = whyache.load(FINDINGS).run("hot_weather")
    assert run.concludes("dehydration", level="possible")
    assert run.concludes("sweat_loss", level="established")
    assert str(run.concludes("sweat_loss", level="established")).splitlines()[0] == (
        "sweat_loss was concluded at the established level"
    )
    refused = run.concludes("dehydration", level="established")
    assert not refused
    assert str(refused) == (
        "dehydration was concluded possible, not established\n"
        "  only possible because fluid lost in sweat can lead to dehydration, 2 of 3 documents"
    )
    assert str(run.concludes("sweat_loss", level="possible")) == (
        "sweat_loss was concluded established, not possible\n"
        "  how:\n"
        "    1. heat_sweats: hot_weather ⇒ sweat_loss"
    )
    missing = run.concludes("doms", level="possible")
    assert not missing
    assert str(missing).splitlines()[0] == "doms was not concluded at the possible level"
    with pytest.raises(whyache.InputError, match="did you mean 'established'"):
        run.concludes("dehydration", level="establshed")


def test_explains_refuses_names_that_are_no_reported_finding() -> None:
    run = whyache.load(FINDINGS).run("leg_ache=no", "hot_weather")
    with pytest.raises(whyache.InputError, match="'leg_ache' is not given as present"):
        run.explains("leg_ache")
    with pytest.raises(whyache.InputError, match="'dehydration' is not an observed finding"):
        run.explains("dehydration")
    with pytest.raises(whyache.InputError, match="did you mean 'leg_ache'"):
        run.explains("leg_ach")
    reported = whyache.load(FINDINGS).run("leg_ache", "hot_weather")
    with pytest.raises(whyache.InputError, match="is not established or possible"):
        reported.explains("leg_ache", "hot_weather", level="likely")
    with pytest.raises(whyache.InputError, match="needs the facts it is about"):
        reported.explains("leg_ache", level="possible")
