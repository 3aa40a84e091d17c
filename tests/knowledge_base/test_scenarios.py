"""Scenario files: loading (variants, errors with file and line) and the failure messages.

The knowledge base's own scenario suite (tests/scenarios/*.scenarios.yaml) is not run from
here: the whyache pytest plugin collects it, the way it collects a user's scenario files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from whyache.engine import InputError
from whyache.knowledge_base.scenarios import load_scenarios
from whyache.workflows.scenario_check import check


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "t.scenarios.yaml"
    path.write_text(text)
    return path


def load(tiny_kb, tmp_path: Path, text: str):
    return load_scenarios(tiny_kb, write(tmp_path, text))


def error(tiny_kb, tmp_path: Path, text: str) -> str:
    with pytest.raises(InputError) as info:
        load(tiny_kb, tmp_path, text)
    return str(info.value).replace(str(tmp_path) + "/", "")


def failures(tiny_kb, tiny_engine, tmp_path: Path, text: str) -> list[str]:
    (scenario,) = load(tiny_kb, tmp_path, text)
    return list(check(tiny_engine, scenario).failures)


def test_loads_fields_and_location(tiny_kb, tmp_path):
    (s,) = load(
        tiny_kb,
        tmp_path,
        "scenarios:\n"
        "  - name: thirsty\n"
        "    given: {sun: yes, water: no}\n"
        "    concludes: ache\n"
        "    red_flags: {at_least: [see_doctor]}\n"
        "    via: [sun, ache]\n",
    )
    assert s.name == "thirsty"
    assert s.case.facts == (("sun", True), ("water", False))
    assert s.concludes == ("ache",)
    assert s.red_flags_exact is None
    assert s.red_flags_at_least == ("see_doctor",)
    assert s.via == (("sun", "ache"),)
    assert s.location.line == 2


def test_red_flags_exactly_mapping_is_the_list_form(tiny_kb, tmp_path):
    (s,) = load(tiny_kb, tmp_path, "scenarios:\n  - {name: a, red_flags: {exactly: []}}\n")
    assert (s.red_flags_exact, s.red_flags_at_least) == ((), ())


def test_variant_list_and_mapping_forms(tiny_kb, tmp_path):
    listed = load(
        tiny_kb,
        tmp_path,
        "scenarios:\n"
        "  - name: late\n"
        "    given: {sun: yes}\n"
        "    variants: [{hours: 2}, {hours: 30, water: no}]\n",
    )
    assert [s.name for s in listed] == ["late [hours=2]", "late [hours=30, water=no]"]
    assert listed[1].case.facts == (("hours", 30.0), ("sun", True), ("water", False))
    crossed = load(
        tiny_kb,
        tmp_path,
        "scenarios:\n"
        "  - name: late\n"
        "    given: {sun: yes}\n"
        "    variants: {water: [no, yes], hours: [24, 48]}\n",
    )
    assert [
        s.name for s in load(tiny_kb, tmp_path, "scenarios:\n  - {name: a, variants: []}\n")
    ] == ["a"]
    assert [s.name for s in crossed] == [
        "late [hours=24, water=no]",
        "late [hours=24, water=yes]",
        "late [hours=48, water=no]",
        "late [hours=48, water=yes]",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "scenarios:\n  - name: a\n    concludes:\n      - ache\n      - thrist\n",
            "t.scenarios.yaml:5: unknown fact 'thrist' in 'concludes' (did you mean 'thirst'?)",
        ),
        (
            "scenarios:\n  - name: a\n    via:\n      - [sun, thirst]\n      - [sun, ahce]\n",
            "t.scenarios.yaml:5: unknown fact 'ahce' in 'via' (did you mean 'ache'?)",
        ),
        (
            "scenarios:\n  - name: a\n    fires: [thirst_ache]\n",
            "t.scenarios.yaml:3: unknown rule 'thirst_ache' in 'fires' "
            "(did you mean 'thirst_aches'?)",
        ),
        (
            "scenarios:\n  - name: a\n    concluded: [ache]\n",
            "t.scenarios.yaml:3: unknown key 'concluded' in scenario (did you mean 'concludes'?)",
        ),
        (
            "scenarios:\n  - name: a\n    given:\n      sun: yes\n      wter: no\n",
            "t.scenarios.yaml:5: unknown fact 'wter' (did you mean 'water'?)",
        ),
        (
            "scenarios:\n  - name: a\n    given: {sun: yes}\n    variants:\n      - {hours: 500}\n",
            "t.scenarios.yaml:4: hours = 500 is out of range [0, 100] h",
        ),
        (
            "scenarios:\n  - name: a\n    red_flags: [ache]\n",
            "t.scenarios.yaml:3: 'ache' in 'red_flags' is a symptom fact, not a red flag",
        ),
        (
            "scenarios:\n  - name: a\n    recommends: [see_doctor]\n",
            "t.scenarios.yaml:3: 'see_doctor' in 'recommends' is a red flag fact, "
            "not a recommendation",
        ),
        (
            "scenarios:\n  - name: a\n  - name: a\n",
            "t.scenarios.yaml:3: scenario name 'a' is used twice (first at line 2) "
            "(give each scenario its own name)",
        ),
        (
            "- name: a\n",
            "t.scenarios.yaml: a scenario file needs a 'scenarios:' list "
            "(see whyache.knowledge_base.scenarios for the format)",
        ),
        (
            "scenarios:\n  - name: a\n    via: [sun]\n",
            "t.scenarios.yaml:3: a 'via' chain needs at least two facts",
        ),
        (
            "scenarios:\n  - name: a\n    given: {sun: yes}\n    does_not_fire: {a: b}\n",
            "t.scenarios.yaml:4: 'does_not_fire' must be a list of names",
        ),
        (
            "scenarios:\n  - name: a\n    given: {sun: yes}\n    variants:\n      hours: 3\n",
            "t.scenarios.yaml:5: variant values for 'hours' must be a non-empty list "
            "(write hours: [24, 48])",
        ),
        (
            "scenarios:\n  - name: a\n    red_flags: {at_most: [see_doctor]}\n",
            "t.scenarios.yaml:3: 'red_flags' takes a list, {exactly: [..]} or {at_least: [..]} "
            "(a list means exactly these; at_least allows others too)",
        ),
        (
            "scenarios:\n  - name: a\n    red_flags:\n      exactly: [see_doctr]\n",
            "t.scenarios.yaml:4: unknown fact 'see_doctr' in 'red_flags' "
            "(did you mean 'see_doctor'?)",
        ),
        (
            "scenarios:\n  - name: a\n    given: {sun: yes}\n"
            "    variants: [{hours: 2}, {hours: 2}]\n",
            "t.scenarios.yaml:4: variant 'a [hours=2]' appears twice (remove the repeated variant)",
        ),
    ],
    ids=[
        "unknown-fact",
        "unknown-fact-in-via",
        "unknown-rule",
        "unknown-key",
        "unknown-given-fact",
        "variant-out-of-range",
        "red-flag-of-wrong-kind",
        "recommendation-of-wrong-kind",
        "duplicate-name",
        "no-scenarios-list",
        "one-fact-via",
        "names-not-a-list",
        "variant-values-not-a-list",
        "red-flags-bad-mapping",
        "red-flags-exactly-unknown",
        "repeated-variant",
    ],
)
def test_file_errors_name_file_and_line(tiny_kb, tmp_path, text, message):
    assert error(tiny_kb, tmp_path, text) == message


def test_bad_yaml_names_file_and_line(tiny_kb, tmp_path):
    # The wording after "invalid YAML:" is libyaml's (C and Python loaders differ).
    text = "scenarios:\n  - name: a\n    given: [sun\n"
    assert error(tiny_kb, tmp_path, text).startswith("t.scenarios.yaml:4: invalid YAML: ")


def test_a_passing_scenario_has_no_failures(tiny_kb, tiny_engine, tmp_path):
    text = (
        "scenarios:\n"
        "  - name: thirsty\n"
        "    given: {sun: yes, water: no}\n"
        "    concludes: [thirst, ache]\n"
        "    does_not_conclude: [late_soreness]\n"
        "    red_flags: []\n"
        "    recommends: [drink]\n"
        "    via: [sun, thirst, ache]\n"
        "    fires: [thirst_aches]\n"
        "    does_not_fire: [late_ache]\n"
    )
    assert failures(tiny_kb, tiny_engine, tmp_path, text) == []


def test_missing_conclusion_explains_why_not(tiny_kb, tiny_engine, tmp_path):
    text = (
        "scenarios:\n"
        "  - name: a\n"
        "    given: {sun: yes, water: no, hours: 2, rest_pain: yes}\n"
        "    concludes: [late_soreness, sun]\n"
    )
    assert failures(tiny_kb, tiny_engine, tmp_path, text) == [
        "expected late_soreness to be concluded, but it was not\n"
        "  why not: no rule that concludes late_soreness fired\n"
        "    late_ache needs all of:\n"
        "      held    ache\n"
        "      failed  hours >= 24 (hours = 2)\n"
        "      failed  not rest_pain (rest_pain = yes)",
        "expected sun to be concluded, but it was not\n"
        "  why not: sun was given (sun = yes), not derived",
    ]


def test_unknown_premises_say_not_given_or_not_concluded(tiny_kb, tiny_engine, tmp_path):
    text = "scenarios:\n  - name: a\n    given: {water: no}\n    concludes: [drink]\n"
    assert failures(tiny_kb, tiny_engine, tmp_path, text) == [
        "expected drink to be concluded, but it was not\n"
        "  why not: no rule that concludes drink fired\n"
        "    advise_drink needs one of:\n"
        "      unknown thirst (not concluded)\n"
        "      failed  sun and water is unknown (sun not given; water = no)"
    ]


def test_unexpected_conclusion_explains_how(tiny_kb, tiny_engine, tmp_path):
    text = (
        "scenarios:\n"
        "  - name: a\n"
        "    given: {sun: yes, water: no, rest_pain: yes}\n"
        "    does_not_conclude: [ache]\n"
        "    red_flags: []\n"
        "    does_not_fire: [thirst_aches]\n"
    )
    assert failures(tiny_kb, tiny_engine, tmp_path, text) == [
        "expected ache not to be concluded, but it was\n"
        "  how:\n"
        "    1. sun_and_no_water: sun, water = no ⇒ thirst\n"
        "    2. thirst_aches: thirst ⇒ ache",
        "expected red flags exactly [], got [see_doctor]\n"
        "  unexpected see_doctor\n"
        "    how:\n"
        "      3. rest_pain_flag: rest_pain ⇒ see_doctor",
        "expected rule thirst_aches not to fire, but it did\n"
        "  how:\n"
        "    1. sun_and_no_water: sun, water = no ⇒ thirst\n"
        "    2. thirst_aches: thirst ⇒ ache",
    ]


def test_red_flags_missing_and_rules_not_fired(tiny_kb, tiny_engine, tmp_path):
    text = (
        "scenarios:\n"
        "  - name: a\n"
        "    given: {sun: yes}\n"
        "    red_flags: {at_least: [see_doctor]}\n"
        "    fires: [rest_pain_flag]\n"
    )
    assert failures(tiny_kb, tiny_engine, tmp_path, text) == [
        "expected red flag see_doctor, but it was not raised\n"
        "  why not: no rule that concludes see_doctor fired\n"
        "    rest_pain_flag needs:\n"
        "      unknown rest_pain (not given)",
        "expected rule rest_pain_flag to fire, but it did not\n"
        "  why not: rest_pain_flag needs:\n"
        "    unknown rest_pain (not given)",
    ]


def test_exact_red_flags_report_missing_ones(tiny_kb, tiny_engine, tmp_path):
    text = "scenarios:\n  - name: a\n    given: {sun: yes}\n    red_flags: [see_doctor]\n"
    assert failures(tiny_kb, tiny_engine, tmp_path, text) == [
        "expected red flags exactly [see_doctor], got []\n"
        "  missing see_doctor\n"
        "    why not: no rule that concludes see_doctor fired\n"
        "      rest_pain_flag needs:\n"
        "        unknown rest_pain (not given)",
    ]


def test_via_names_missing_and_unconnected_steps(tiny_kb, tiny_engine, tmp_path):
    text = (
        "scenarios:\n"
        "  - name: a\n"
        "    given: {sun: yes, water: no, rest_pain: yes}\n"
        "    via:\n"
        "      - [sun, ache]\n"
        "      - [ache, thirst]\n"
        "      - [rest_pain, late_soreness]\n"
        "      - [ache, sun]\n"
    )
    assert failures(tiny_kb, tiny_engine, tmp_path, text) == [
        "expected the derivation to pass through ache → thirst\n"
        "  ache does not lead to thirst: thirst was derived from sun, water",
        "expected the derivation to pass through rest_pain → late_soreness\n"
        "  late_soreness was neither given nor concluded\n"
        "    why not: no rule that concludes late_soreness fired\n"
        "      late_ache needs all of:\n"
        "        held    ache\n"
        "        unknown hours >= 24 (hours not given)\n"
        "        failed  not rest_pain (rest_pain = yes)",
        "expected the derivation to pass through ache → sun\n"
        "  ache does not lead to sun: sun was given, not derived",
    ]


def test_only_the_first_break_in_a_chain_is_explained(tiny_kb, tiny_engine, tmp_path):
    text = "scenarios:\n  - name: a\n    given: {sun: yes}\n    via: [sun, thirst, ache]\n"
    assert failures(tiny_kb, tiny_engine, tmp_path, text) == [
        "expected the derivation to pass through sun → thirst → ache\n"
        "  thirst was neither given nor concluded\n"
        "    why not: no rule that concludes thirst fired\n"
        "      sun_and_no_water needs all of:\n"
        "        held    sun\n"
        "        unknown water = no (water not given)\n"
        "  ache was neither given nor concluded"
    ]


def test_a_break_already_explained_is_not_explained_twice(tiny_kb, tiny_engine, tmp_path):
    text = (
        "scenarios:\n"
        "  - name: a\n"
        "    given: {sun: yes}\n"
        "    concludes: [thirst]\n"
        "    via: [sun, thirst]\n"
    )
    assert failures(tiny_kb, tiny_engine, tmp_path, text)[1] == (
        "expected the derivation to pass through sun → thirst\n"
        "  thirst was neither given nor concluded (why not: see above)"
    )


def test_failure_details_give_expected_and_actual(tiny_kb, tiny_engine, tmp_path):
    path = write(
        tmp_path,
        "scenarios:\n"
        "  - name: a\n"
        "    given: {rest_pain: yes}\n"
        "    concludes: [ache]\n"
        "    red_flags: []\n",
    )
    (scenario,) = load_scenarios(tiny_kb, path)
    outcome = check(tiny_engine, scenario)
    assert [(f.expectation, f.subject, f.expected, f.actual) for f in outcome.details] == [
        ("concludes", "ache", True, False),
        ("red_flags", "", (), ("see_doctor",)),
    ]
    assert outcome.failures == tuple(f.message for f in outcome.details)


def test_every_variant_is_checked(tiny_kb, tiny_engine, tmp_path):
    path = write(
        tmp_path,
        "scenarios:\n"
        "  - name: late\n"
        "    given: {sun: yes, water: no}\n"
        "    variants: {hours: [2, 30]}\n"
        "    concludes: [late_soreness]\n",
    )
    outcomes = [check(tiny_engine, s) for s in load_scenarios(tiny_kb, path)]
    assert [(o.scenario.name, o.passed) for o in outcomes] == [
        ("late [hours=2]", False),
        ("late [hours=30]", True),
    ]


def test_every_problem_of_a_file_is_reported_at_once(tiny_kb, tmp_path):
    """A misspelt key on line 5 used to hide a misspelt fact on line 4 (and everything after)."""
    text = (
        "scenarios:\n"
        "  - name: first\n"
        "    given: {sun: yes, watr: no, hours: lots}\n"
        "    concludes: [ache, ach]\n"
        "    red_flag: [see_doctor]\n"
        "  - name: second\n"
        "    fires: [no_such_rule]\n"
    )
    assert error(tiny_kb, tmp_path, text) == (
        "t.scenarios.yaml: 5 problems:\n"
        "  t.scenarios.yaml:3: unknown fact 'watr' (did you mean 'water'?)\n"
        "  t.scenarios.yaml:3: 'hours' needs a number in h, not 'lots' (e.g. hours=0)\n"
        "  t.scenarios.yaml:4: unknown fact 'ach' in 'concludes' (did you mean 'ache'?)\n"
        "  t.scenarios.yaml:5: unknown key 'red_flag' in scenario (did you mean 'red_flags'?)\n"
        "  t.scenarios.yaml:7: unknown rule 'no_such_rule' in 'fires'"
    )


def test_one_problem_is_reported_alone(tiny_kb, tmp_path):
    text = "scenarios:\n  - name: a\n    concludes: [ach]\n"
    assert error(tiny_kb, tmp_path, text) == (
        "t.scenarios.yaml:3: unknown fact 'ach' in 'concludes' (did you mean 'ache'?)"
    )


def test_given_may_list_the_present_facts(tiny_kb, tmp_path):
    (listed,) = load(tiny_kb, tmp_path, "scenarios:\n  - {name: a, given: [sun, water=no]}\n")
    (mapped,) = load(tiny_kb, tmp_path, "scenarios:\n  - {name: a, given: {sun: 1, water: 0}}\n")
    assert listed.case == mapped.case and listed.case.facts == (("sun", True), ("water", False))


def test_both_forms_work_for_red_flags_and_recommends(tiny_kb, tiny_engine, tmp_path):
    given = "given: {sun: yes, water: no}"
    for form, ok in [
        ("recommends: [drink]", True),
        ("recommends: {at_least: [drink]}", True),
        ("recommends: {exactly: [drink]}", True),
        ("recommends: {exactly: []}", False),
        ("red_flags: {at_least: []}", True),
        ("red_flags: []", True),
    ]:
        text = f"scenarios:\n  - name: a\n    {given}\n    {form}\n"
        assert (failures(tiny_kb, tiny_engine, tmp_path, text) == []) is ok, form
    text = f"scenarios:\n  - name: a\n    {given}\n    recommends: {{exactly: []}}\n"
    assert failures(tiny_kb, tiny_engine, tmp_path, text) == [
        "expected recommendations exactly [], got [drink]\n  unexpected drink"
    ]


def test_an_exact_red_flag_list_that_is_too_short_names_at_least(
    bundled_kb, bundled_engine, tmp_path
):
    """The natural first scenario writes red_flags: [x] meaning "at least x"; say how."""
    path = write(
        tmp_path,
        "scenarios:\n"
        "  - name: cannot hop\n"
        "    given: [pain_sharp, pain_localized_to_point, pain_at_rest, cannot_hop_on_leg]\n"
        "    red_flags: [flag_possible_stress_fracture]\n",
    )
    (scenario,) = load_scenarios(bundled_kb, path)
    (failure,) = check(bundled_engine, scenario).failures
    assert failure.splitlines()[-1] == (
        "  (a list means exactly these; to allow others write "
        "red_flags: {at_least: [flag_possible_stress_fracture]})"
    )


# --- explains / not_explains (on the findings knowledge base: leg_ache is observed) ----------

_GIVEN = "    given: {leg_ache: yes, hot_weather: yes}\n"


def test_explains_reads_lists_levels_and_not_explains(findings_kb, tmp_path):
    (s,) = load(
        findings_kb,
        tmp_path,
        "scenarios:\n  - name: a\n" + _GIVEN + "    explains:\n"
        "      leg_ache: {hot_weather: possible, dehydration: established}\n"
        "    not_explains: {leg_ache: doms}\n",
    )
    assert s.explains == (
        ("leg_ache", (("hot_weather", "possible"), ("dehydration", "established"))),
    )
    assert s.not_explains == (("leg_ache", ("doms",)),)
    (bare,) = load(
        findings_kb,
        tmp_path,
        "scenarios:\n  - name: a\n" + _GIVEN + "    explains: {leg_ache: [sweat_loss]}\n",
    )
    assert bare.explains == (("leg_ache", (("sweat_loss", None),)),)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "explains: {leg_ache: [dehydraton]}",
            "t.scenarios.yaml:4: unknown fact 'dehydraton' in 'explains' "
            "(did you mean 'dehydration'?)",
        ),
        (
            "explains: {leg_ach: []}",
            "t.scenarios.yaml:4: unknown finding 'leg_ach' in 'explains' "
            "(did you mean 'leg_ache'?)",
        ),
        (
            "explains: {dehydration: [sweat_loss]}",
            "t.scenarios.yaml:4: 'dehydration' in 'explains' is a mechanism fact, not an "
            "observed finding (findings are facts of an observed kind: symptom)",
        ),
        (
            "explains: {cramps: [dehydration]}",
            "t.scenarios.yaml:4: 'cramps' in 'explains' is not given as present in 'a' "
            "(add cramps: yes to given)",
        ),
        (
            "explains: {leg_ache: {dehydration: likely}}",
            "t.scenarios.yaml:4: level 'likely' of 'dehydration' in 'explains' is not "
            "established or possible",
        ),
        (
            "explains: [leg_ache]",
            "t.scenarios.yaml:4: 'explains' must be a mapping of finding to a list of facts or "
            "a mapping of fact to level (write explains: {leg_ache: [dehydration]})",
        ),
        (
            "explains: {leg_ache: 3}",
            "t.scenarios.yaml:4: 'explains' of 'leg_ache' must be a list of facts or a "
            "mapping of fact to level",
        ),
        (
            "explains: {leg_ache: [leg_ache]}",
            "t.scenarios.yaml:4: 'leg_ache' in 'explains' names the finding itself "
            "(name the facts that explain it)",
        ),
        (
            "not_explains: {leg_ache: []}",
            "t.scenarios.yaml:4: 'not_explains' of 'leg_ache' names no fact "
            "(list the facts no explanation may pass through)",
        ),
        (
            "not_explains: {leg_ache: {doms: possible}}",
            "t.scenarios.yaml:4: 'not_explains' of 'leg_ache' must be a list",
        ),
    ],
    ids=[
        "unknown-fact",
        "unknown-finding",
        "not-observed",
        "not-given",
        "bad-level",
        "not-a-mapping",
        "not-a-list",
        "the-finding-itself",
        "not-explains-empty",
        "not-explains-levels",
    ],
)
def test_explains_errors_name_file_and_line(findings_kb, tmp_path, line, message):
    text = "scenarios:\n  - name: a\n" + _GIVEN + f"    {line}\n"
    assert error(findings_kb, tmp_path, text) == message


def test_a_knowledge_base_without_observed_kinds_says_so(tiny_kb, tmp_path):
    text = "scenarios:\n  - name: a\n    given: {sun: yes}\n    explains: {ache: []}\n"
    assert error(tiny_kb, tmp_path, text) == (
        "t.scenarios.yaml:4: 'ache' in 'explains' is a symptom fact, not an observed finding "
        "(this knowledge base declares no observed kind: observed: yes in kb.yaml)"
    )


def test_every_variant_must_report_the_finding(findings_kb, tmp_path):
    text = (
        "scenarios:\n  - name: a\n    given: {hot_weather: yes}\n"
        "    variants: [{leg_ache: yes}, {leg_ache: no}]\n"
        "    explains: {leg_ache: [dehydration]}\n"
    )
    assert error(findings_kb, tmp_path, text) == (
        "t.scenarios.yaml:5: 'leg_ache' in 'explains' is not given as present in "
        "'a [leg_ache=no]' (add leg_ache: yes to given)"
    )


def test_explains_failures_are_judged_per_fact(findings_kb, findings_engine, tmp_path):
    text = (
        "scenarios:\n  - name: a\n"
        + _GIVEN
        + "    explains: {leg_ache: {hot_weather: possible, sweat_loss: established}}\n"
        "    not_explains: {leg_ache: [doms, cramps]}\n"
    )
    assert failures(findings_kb, findings_engine, tmp_path, text) == [
        "expected leg_ache to be explained through sweat_loss at the established level, but "
        "the best such explanation is possible\n"
        "  possible: hot weather → fluid lost in sweat → dehydration → aching legs\n"
        "    because fluid lost in sweat can lead to dehydration, 2 of 3 documents; to "
        "establish it: -f drank_little\n"
        "  possible: hot weather → fluid lost in sweat → dehydration → muscle cramps → "
        "aching legs\n"
        "    because fluid lost in sweat can lead to dehydration, 2 of 3 documents; "
        "dehydration can lead to muscle cramps, 1 of 3 documents; no input would establish it",
        "expected leg_ache not to be explained through cramps, but it was (possible)\n"
        "  possible: hot weather → fluid lost in sweat → dehydration → muscle cramps → "
        "aching legs",
    ]


# --- concludes with levels (on the findings knowledge base: possible and establishing links) --


def test_concludes_reads_a_mapping_of_fact_to_level(findings_kb, tmp_path):
    (s,) = load(
        findings_kb,
        tmp_path,
        "scenarios:\n  - name: a\n"
        "    concludes: {dehydration: possible, sweat_loss: established}\n",
    )
    assert s.concludes == ("dehydration", "sweat_loss")
    assert s.concludes_levels == (("dehydration", "possible"), ("sweat_loss", "established"))
    (bare,) = load(findings_kb, tmp_path, "scenarios:\n  - name: a\n    concludes: [cramps]\n")
    assert (bare.concludes, bare.concludes_levels) == (("cramps",), ())


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "concludes: {dehydration: establised}",
            "t.scenarios.yaml:3: level 'establised' of 'dehydration' in 'concludes' is not "
            "established or possible (did you mean 'established'?)",
        ),
        (
            "concludes: {dehydration: likely}",
            "t.scenarios.yaml:3: level 'likely' of 'dehydration' in 'concludes' is not "
            "established or possible",
        ),
        (
            "concludes: {dehydration: }",
            "t.scenarios.yaml:3: level 'None' of 'dehydration' in 'concludes' is not "
            "established or possible",
        ),
        (
            "concludes:\n      sweat_loss: possible\n      dehydraton: possible",
            "t.scenarios.yaml:5: unknown fact 'dehydraton' in 'concludes' "
            "(did you mean 'dehydration'?)",
        ),
    ],
    ids=["misspelt-level", "unknown-level", "no-level", "unknown-fact"],
)
def test_concludes_level_errors_name_file_and_line(findings_kb, tmp_path, line, message):
    assert error(findings_kb, tmp_path, f"scenarios:\n  - name: a\n    {line}\n") == message


def test_a_misspelt_explains_level_gets_a_guess_too(findings_kb, tmp_path):
    text = (
        "scenarios:\n  - name: a\n" + _GIVEN + "    explains: {leg_ache: {dehydration: posible}}\n"
    )
    assert error(findings_kb, tmp_path, text) == (
        "t.scenarios.yaml:4: level 'posible' of 'dehydration' in 'explains' is not "
        "established or possible (did you mean 'possible'?)"
    )


def test_concludes_judges_the_level_found(findings_kb, findings_engine, tmp_path):
    text = (
        "scenarios:\n  - name: a\n    given: {hot_weather: yes}\n"
        "    concludes:\n"
        "      dehydration: established\n"
        "      sweat_loss: possible\n"
        "      cramps: possible\n"
        "      doms: possible\n"
    )
    (scenario,) = load(findings_kb, tmp_path, text)
    outcome = check(findings_engine, scenario)
    assert list(outcome.failures) == [
        "expected dehydration to be concluded at the established level, but it is possible\n"
        "  only possible because fluid lost in sweat can lead to dehydration, 2 of 3 documents",
        "expected sweat_loss to be concluded at the possible level, but it is established\n"
        "  how:\n"
        "    1. heat_sweats: hot_weather ⇒ sweat_loss",
        "expected doms to be concluded at the possible level, but it was not\n"
        "  why not: no rule that concludes doms fired\n"
        "    late_tears_are_doms needs all of:\n"
        "      unknown micro_tears (not concluded)\n"
        "      unknown hours_since_run >= 24 (hours_since_run not given)\n"
        "      unknown hours_since_run <= 72 (hours_since_run not given)",
    ]
    assert [(f.subject, f.expected, f.actual) for f in outcome.details] == [
        ("dehydration", ("established",), ("possible",)),
        ("sweat_loss", ("possible",), ("established",)),
        ("doms", ("possible",), ()),
    ]


def test_a_possible_conclusion_names_every_possible_link_it_rests_on(
    findings_kb, findings_engine, tmp_path
):
    text = (
        "scenarios:\n  - name: a\n    given: {hot_weather: yes, drank_little: yes}\n"
        "    concludes: {dehydration: established, cramps: established}\n"
    )
    assert failures(findings_kb, findings_engine, tmp_path, text) == [
        "expected cramps to be concluded at the established level, but it is possible\n"
        "  only possible because dehydration can lead to muscle cramps, 1 of 3 documents"
    ]
    text = (
        "scenarios:\n  - name: a\n    given: {hot_weather: yes}\n"
        "    concludes: {cramps: established}\n"
    )
    assert failures(findings_kb, findings_engine, tmp_path, text) == [
        "expected cramps to be concluded at the established level, but it is possible\n"
        "  only possible because dehydration can lead to muscle cramps, 1 of 3 documents; "
        "fluid lost in sweat can lead to dehydration, 2 of 3 documents"
    ]
