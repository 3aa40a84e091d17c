"""Structural guarantees of the clinical rules that scenarios alone cannot state.

A DOMS-like case must not only miss a stress fracture; every rule that concludes its signs from
what the runner observes must fail on a feature the case explicitly denies, so a why-not
explanation can name what ruled it out. (Rules elsewhere may make the fracture itself possible
from risk factors; those do not fire here because no risk factor is given.) Risk factors alone
reach conditions only at the possible level: never a sign, an established condition or a red
flag.
"""

from __future__ import annotations

from whyache.engine import ESTABLISHED, POSSIBLE, Engine, KnowledgeBase, case_from_mapping

from ..conftest import Kind

DOMS_LIKE = {
    "hours_since_run": 48,
    "pain_diffuse": True,
    "pain_symmetric": True,
    "eases_with_gentle_activity": True,
    "pain_at_rest": False,
    "pain_localized_to_point": False,
    "cannot_hop_on_leg": False,
}


def test_every_stress_fracture_rule_fails_on_a_denied_feature(bundled_kb: KnowledgeBase) -> None:
    case = case_from_mapping(bundled_kb, DOMS_LIKE)
    values = case.values
    rules = [
        r
        for r in bundled_kb.rules
        if "stress_fracture_signs" in r.concludes
        and all(bundled_kb.fact(f).is_input for f in r.premises)
    ]
    assert {r.id for r in rules} >= {
        "stress_fracture_pain_pattern",
        "cannot_hop_suggests_stress_fracture",
    }
    for rule in rules:
        for alternative in rule.alternatives:
            denied = [
                lit.fact
                for lit in alternative
                if lit.fact in values and values[lit.fact] is False and not lit.holds(False)
            ]
            assert denied, f"{rule.id}: an alternative fails on no denied feature"


def test_doms_like_case_concludes_doms_and_no_fracture(bundled_kb: KnowledgeBase) -> None:
    result = Engine(bundled_kb).run(case_from_mapping(bundled_kb, DOMS_LIKE))
    assert result.concludes("doms")
    assert not result.concludes("stress_fracture")
    assert result.red_flags == ()


def test_doms_disagreement_keeps_one_rule_per_document(bundled_kb: KnowledgeBase) -> None:
    (dis,) = [d for d in bundled_kb.disagreements if d.id == "doms_definition_and_timing"]
    first_docs = [bundled_kb.rule(rule_id).sources[0].document for rule_id in dis.rules]
    assert sorted(first_docs) == [
        "001_fa66be2cad819618.txt",
        "002_85490eaba66fe70c.txt",
        "003_bdbcd32db2692559.txt",
    ]


_CLINICAL_DIRS = ("/conditions/", "/differentials/", "/safety/")
_CLINICAL_CONDITIONS_IN_CORE = {"doms", "stress_fracture", "shin_splints"}


def _is_clinical(kb: KnowledgeBase, fact_id: str) -> bool:
    fact = kb.fact(fact_id)
    where = str(fact.location.file) if fact.location is not None else ""
    return fact_id in _CLINICAL_CONDITIONS_IN_CORE or any(d in where for d in _CLINICAL_DIRS)


def _risk_factor_case(kb: KnowledgeBase, hours: float) -> dict[str, object]:
    """Every input that is not a clinical observation, all at once, at its most extreme."""
    data: dict[str, object] = {"hours_since_run": hours}
    for fact in kb.facts:
        if not fact.is_input or fact.id == "hours_since_run" or _is_clinical(kb, fact.id):
            continue
        if fact.is_numeric:
            data[fact.id] = fact.minimum if fact.id == "cadence_steps_per_minute" else fact.maximum
        else:
            data[fact.id] = True
    return data


def test_risk_factors_alone_establish_no_clinical_condition_sign_or_red_flag(
    bundled_kb: KnowledgeBase,
) -> None:
    engine = Engine(bundled_kb)
    for hours in (0.0, 24.0, 48.0):
        result = engine.run(case_from_mapping(bundled_kb, _risk_factor_case(bundled_kb, hours)))
        assert result.red_flags == ()
        assert result.possible_red_flags == ()
        assert result.conclusions("sign") == (), f"at {hours} h"
        clinical = [f for f in result.conclusions(Kind.CONDITION) if _is_clinical(bundled_kb, f)]
        established = [f for f in clinical if result.level(f) == ESTABLISHED]
        assert established == [], f"at {hours} h: {established}"


def test_risk_factors_reach_a_condition_and_its_pain_at_the_possible_level(
    bundled_kb: KnowledgeBase,
) -> None:
    """Overtraining raises the risk of a stress fracture (004 s1): the fracture and the ache it
    brings are concluded, possible only, with no sign and no flag."""
    result = Engine(bundled_kb).run(
        case_from_mapping(bundled_kb, {"insufficient_rest": True, "long_run": True})
    )
    assert result.level("stress_fracture") == POSSIBLE
    assert "stress_fracture_hurts" in {f.rule for f in result.derivations("leg_ache")}
    assert not result.concludes("stress_fracture_signs")
    assert result.red_flags == () and result.possible_red_flags == ()


def test_electrolyte_drinks_are_not_held_back_by_a_red_flag_but_leg_elevation_is(
    bundled_kb: KnowledgeBase,
) -> None:
    """Issue 16 checked both against the documents: electrolyte drinks are hydration advice
    with no clinician's review in any document (kidney disease keeps them out altogether), so
    they stay 'now' beside a red flag; raising the legs is given only with a suspected venous
    insufficiency, whose flag is always up, and waits for the clinician."""
    from whyache.engine.analysis.report import advice_timing, flagged

    engine = Engine(bundled_kb)
    sweaty = engine.run(
        case_from_mapping(
            bundled_kb,
            {
                "heavy_sweating": True,
                "long_run": True,
                "electrolytes_not_replaced": True,
                "pain_severe": True,
            },
        )
    )
    assert sweaty.red_flags == ("flag_severe_pain",)
    assert sweaty.concludes("rec_electrolyte_drinks")
    assert advice_timing(bundled_kb, "rec_electrolyte_drinks", flagged(sweaty))[0].value == (
        "immediate"
    )
    venous = engine.run(
        case_from_mapping(bundled_kb, {"pain_relieved_by_elevation": True, "swelling": True})
    )
    assert "flag_venous_insufficiency" in venous.red_flags + venous.possible_red_flags
    assert venous.concludes("rec_elevate_legs")
    assert advice_timing(bundled_kb, "rec_elevate_legs", flagged(venous)) == (
        advice_timing(bundled_kb, "rec_elevate_legs", True)
    )
    assert advice_timing(bundled_kb, "rec_elevate_legs", True)[0].value == "after_review"
    kidney = engine.run(
        case_from_mapping(
            bundled_kb,
            {"known_kidney_disease": True, "heavy_sweating": True, "long_run": True},
        )
    )
    assert not kidney.concludes("rec_electrolyte_drinks")
    assert kidney.concludes("rec_medical_review_of_electrolytes")
