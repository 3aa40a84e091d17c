from __future__ import annotations

import pytest

from whyache.engine.model.conditions import (
    All,
    AnyOf,
    Compare,
    ConditionSyntaxError,
    Denied,
    Literal,
    Not,
    Present,
    Unknown,
    evaluate,
    from_data,
    parse_atom,
    to_dnf,
)


@pytest.mark.parametrize(
    ("text", "atom"),
    [
        ("pain_at_rest", Present("pain_at_rest")),
        ("pain_at_rest = yes", Present("pain_at_rest")),
        ("pain_at_rest = no", Denied("pain_at_rest")),
        ("pain_at_rest is unknown", Unknown("pain_at_rest")),
        ("pain_at_rest is known", Not(Unknown("pain_at_rest"))),
        ("hours_since_run >= 24", Compare("hours_since_run", ">=", 24.0)),
        ("hours_since_run ≥ 24", Compare("hours_since_run", ">=", 24.0)),
        ("cadence < 170.5", Compare("cadence", "<", 170.5)),
    ],
)
def test_parse_atom(text, atom):
    assert parse_atom(text) == atom


@pytest.mark.parametrize("text", ["", "a b", "x >= lots", "__import__('os')", "x >= nan", "Bad-Id"])
def test_parse_atom_rejects(text):
    with pytest.raises(ConditionSyntaxError):
        parse_atom(text)


def test_dnf_splits_any_and_pushes_not():
    cond = from_data({"all": ["a", {"not": {"all": ["b", "c = no"]}}]})
    assert to_dnf(cond) == (
        (Literal(Present("a")), Literal(Present("b"), negated=True)),
        (Literal(Present("a")), Literal(Denied("c"), negated=True)),
    )


def test_three_valued_evaluation():
    values = {"a": True, "b": False, "n": 30.0}
    look = values.get
    assert evaluate(Present("a"), look) is True
    assert evaluate(Present("b"), look) is False
    assert evaluate(Present("z"), look) is None
    assert evaluate(Unknown("z"), look) is True
    assert evaluate(Compare("n", ">=", 24), look) is True
    assert evaluate(All((Present("a"), Present("z"))), look) is None
    assert evaluate(AnyOf((Present("a"), Present("z"))), look) is True
    assert evaluate(Not(Present("z")), look) is True  # negation as failure


def test_str_round_trips():
    cond = from_data({"any": ["a", {"all": ["b = no", "n >= 2"]}, {"not": "c"}]})
    assert str(cond) == "a or (b = no and n >= 2) or not c"
