"""The condition language of rules: atoms, combinations, parsing, and three-valued evaluation.

Atoms talk about one fact each:

==========================  ==========================================================
``pain_at_rest``            present: given as yes, or concluded by a rule
``pain_at_rest = yes``      the same, spelled out
``pain_at_rest = no``       denied: explicitly given as no
``pain_at_rest is unknown`` absent: neither given nor concluded
``pain_at_rest is known``   given, with any value
``hours_since_run >= 24``   a numeric comparison (``<``, ``<=``, ``>``, ``>=``, ``=``, ``!=``)
==========================  ==========================================================

They combine with ``all``, ``any`` and ``not``. ``not C`` means "C is not established"
(negation as failure): it holds when C is false *or unknown*. Use ``X = no`` when a rule needs
an explicit denial. Text is parsed with a small grammar; nothing is ever evaluated as code.
An atom's text is at most :data:`MAX_ATOM_LENGTH` characters, an ``all``/``any`` list at most
:data:`MAX_ITEMS` items and a rule's condition at most :data:`MAX_ATOMS` atoms.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeAlias

from whyache.engine.errors import echo

Value: TypeAlias = bool | float
"""A fact's value: True (present), False (denied) or a number."""

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "=": operator.eq,
    "!=": operator.ne,
}
_ASCII_OPS = {"≥": ">=", "≤": "<=", "≠": "!=", "==": "="}

FACT_ID = re.compile(r"^[a-z][a-z0-9_]*$")
#: Operators, longest first so that ``<=`` is never read as ``<`` followed by ``=``.
_OPS = ("<=", ">=", "==", "!=", "≥", "≤", "≠", "<", ">", "=")
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NAME_CHARS = _NAME_START | frozenset("0123456789_")
_IS_WORDS = {
    ("is", "unknown"): False,
    ("is", "known"): True,
    ("is", "not", "unknown"): True,
    ("is", "not", "known"): False,
}
#: The longest text of one atom (``fact op value``), and the most items in one ``all``/``any``
#: list and atoms in one rule's condition. Real rules are far below; the caps keep a hostile
#: knowledge base from costing more than a moment to read.
MAX_ATOM_LENGTH = 200
MAX_ITEMS = 256
MAX_ATOMS = 1024


def format_number(value: float) -> str:
    """Print 48.0 as 48 and 2.5 as 2.5, the same on every platform."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def format_value(value: Value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return format_number(value)


class ConditionSyntaxError(ValueError):
    """Raised for condition text or structure that does not parse; the loader adds the place."""


@dataclass(frozen=True)
class Present:
    fact: str

    def __str__(self) -> str:
        return self.fact


@dataclass(frozen=True)
class Denied:
    fact: str

    def __str__(self) -> str:
        return f"{self.fact} = no"


@dataclass(frozen=True)
class Unknown:
    fact: str

    def __str__(self) -> str:
        return f"{self.fact} is unknown"


@dataclass(frozen=True)
class Compare:
    fact: str
    op: str
    value: float

    def __str__(self) -> str:
        return f"{self.fact} {self.op} {format_number(self.value)}"

    def test(self, value: object) -> bool:
        """True when a number satisfies the comparison; a yes/no value never does."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return OPERATORS[self.op](float(value), self.value)


Atom: TypeAlias = Present | Denied | Unknown | Compare


@dataclass(frozen=True)
class Not:
    item: Condition

    def __str__(self) -> str:
        if isinstance(self.item, Unknown):
            return f"{self.item.fact} is known"
        inner = str(self.item)
        return f"not {inner}" if isinstance(self.item, Present) else f"not ({inner})"


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]

    def __str__(self) -> str:
        return " and ".join(_wrap(i) for i in self.items)


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]

    def __str__(self) -> str:
        return " or ".join(_wrap(i) for i in self.items)


Condition: TypeAlias = Present | Denied | Unknown | Compare | Not | All | AnyOf


def _wrap(cond: Condition) -> str:
    return f"({cond})" if isinstance(cond, All | AnyOf) else str(cond)


@dataclass(frozen=True)
class Literal:
    """An atom, possibly negated: the unit a compiled rule pattern is made of."""

    atom: Atom
    negated: bool = False

    @property
    def fact(self) -> str:
        return self.atom.fact

    @property
    def is_positive_pattern(self) -> bool:
        """True when the literal matches an existing fact (so the fact is a premise)."""
        if isinstance(self.atom, Unknown):
            return self.negated
        return not self.negated

    def __str__(self) -> str:
        return str(Not(self.atom)) if self.negated else str(self.atom)

    def holds(self, value: Value | None) -> bool:
        """Whether the literal holds for a fact's value (None: neither given nor concluded)."""
        return evaluate(Not(self.atom) if self.negated else self.atom, lambda _f: value) is True


def parse_atom(text: str) -> Atom | Not:
    """Parse one atom such as ``hours_since_run >= 24``; raise ConditionSyntaxError otherwise.

    A scan from left to right (no backtracking pattern), so its time is linear in the text,
    which is capped at :data:`MAX_ATOM_LENGTH` characters anyway.
    """
    if len(text) > MAX_ATOM_LENGTH:
        raise ConditionSyntaxError(
            f"condition longer than {MAX_ATOM_LENGTH} characters ({len(text)}): {echo(text)}"
        )
    body = text.strip()
    end = 0
    if body and body[0] in _NAME_START:
        end = 1
        while end < len(body) and body[end] in _NAME_CHARS:
            end += 1
    fact, rest = body[:end], body[end:].lstrip()
    if not fact:
        raise ConditionSyntaxError(f"cannot read condition {echo(text)}")
    if not FACT_ID.match(fact):
        raise ConditionSyntaxError(f"fact id {fact!r} must be lower_snake_case")
    if not rest:
        return Present(fact)
    op = next((o for o in _OPS if rest.startswith(o)), None)
    if op is None:
        known = _IS_WORDS.get(tuple(rest.split()))
        if known is None:
            raise ConditionSyntaxError(f"cannot read condition {echo(text)}")
        return Not(Unknown(fact)) if known else Unknown(fact)
    shown = rest[len(op) :].strip()
    if not shown or len(shown.split()) != 1:
        raise ConditionSyntaxError(f"cannot read condition {echo(text)}")
    op = _ASCII_OPS.get(op, op)
    raw = shown.lower()
    if op in {"=", "!="} and raw in {"yes", "no", "true", "false"}:
        positive = raw in {"yes", "true"}
        atom: Atom = Present(fact) if positive else Denied(fact)
        return atom if op == "=" else Not(atom)
    try:
        number = float(raw)
    except ValueError:
        raise ConditionSyntaxError(
            f"cannot compare {fact!r} with {echo(shown)}: expected a number, yes or no"
        ) from None
    if number != number or number in {float("inf"), float("-inf")}:
        raise ConditionSyntaxError(f"comparison value for {fact!r} must be a finite number")
    return Compare(fact, op, number)


def from_data(data: Any) -> Condition:
    """Build a condition from YAML data: a string, a list (all of), or all/any/not mapping."""
    return _from_data(data, [MAX_ATOMS])


def _from_data(data: Any, budget: list[int]) -> Condition:
    if isinstance(data, str):
        budget[0] -= 1
        if budget[0] < 0:
            raise ConditionSyntaxError(
                f"a condition of more than {MAX_ATOMS} atoms; split the rule"
            )
        return parse_atom(data)
    if isinstance(data, list):
        if not data:
            raise ConditionSyntaxError("an empty list of conditions")
        _check_size(data, "a list")
        items = tuple(_from_data(d, budget) for d in data)
        return items[0] if len(items) == 1 else All(items)
    if isinstance(data, dict):
        if len(data) != 1:
            keys = ", ".join(sorted(echo(k) if not isinstance(k, str) else k for k in data))
            raise ConditionSyntaxError(
                f"a combination needs exactly one of all/any/not, got: {echo(keys or 'nothing')}"
            )
        ((key, value),) = data.items()
        if key == "not":
            return Not(_from_data(value, budget))
        if key in {"all", "any"}:
            if not isinstance(value, list) or not value:
                raise ConditionSyntaxError(f"'{key}' needs a non-empty list of conditions")
            _check_size(value, f"'{key}'")
            items = tuple(_from_data(d, budget) for d in value)
            return All(items) if key == "all" else AnyOf(items)
        raise ConditionSyntaxError(f"unknown combination {echo(key)} (use all, any or not)")
    raise ConditionSyntaxError(f"a condition must be text, a list or a mapping, not {echo(data)}")


def _check_size(items: list[Any], what: str) -> None:
    if len(items) > MAX_ITEMS:
        raise ConditionSyntaxError(
            f"{what} of {len(items)} conditions (at most {MAX_ITEMS}); split the rule"
        )


def facts_in(cond: Condition) -> Iterator[str]:
    """Every fact id a condition mentions, in order of appearance (may repeat)."""
    if isinstance(cond, All | AnyOf):
        for item in cond.items:
            yield from facts_in(item)
    elif isinstance(cond, Not):
        yield from facts_in(cond.item)
    else:
        yield cond.fact


def atoms_in(cond: Condition) -> Iterator[Atom]:
    if isinstance(cond, All | AnyOf):
        for item in cond.items:
            yield from atoms_in(item)
    elif isinstance(cond, Not):
        yield from atoms_in(cond.item)
    else:
        yield cond


MAX_ALTERNATIVES = 64


def to_dnf(cond: Condition) -> tuple[tuple[Literal, ...], ...]:
    """Rewrite a condition as alternatives (OR) of conjunctions (AND) of literals.

    Each alternative compiles to one experta rule with only plain and single-pattern NOT
    elements, which sidesteps experta's OR and NOT(AND) faults (see docs/architecture.md).
    """
    result = _dnf(cond, negated=False)
    unique: list[tuple[Literal, ...]] = []
    for conj in result:
        deduped = tuple(dict.fromkeys(conj))
        if deduped not in unique:
            unique.append(deduped)
    return tuple(unique)


def _dnf(cond: Condition, negated: bool) -> list[tuple[Literal, ...]]:
    if isinstance(cond, Not):
        return _dnf(cond.item, not negated)
    if isinstance(cond, All | AnyOf):
        conjunctive = isinstance(cond, All) != negated
        parts = [_dnf(item, negated) for item in cond.items]
        if not conjunctive:
            out = [conj for part in parts for conj in part]
        else:
            out = [()]
            for part in parts:
                out = [a + b for a in out for b in part]
                if len(out) > MAX_ALTERNATIVES:
                    break
        if len(out) > MAX_ALTERNATIVES:
            raise ConditionSyntaxError(
                f"condition expands to more than {MAX_ALTERNATIVES} alternatives; split the rule"
            )
        return out
    return [(Literal(cond, negated),)]


Lookup: TypeAlias = Callable[[str], Value | None]


def evaluate(cond: Condition, lookup: Lookup) -> bool | None:
    """Three-valued truth of a condition: True, False, or None when it hinges on unknown facts.

    ``not`` is negation as failure (it holds unless its operand is True), matching how the
    compiled rules fire; ``all``/``any`` follow Kleene's logic.
    """
    if isinstance(cond, Not):
        return evaluate(cond.item, lookup) is not True
    if isinstance(cond, All):
        values = [evaluate(i, lookup) for i in cond.items]
        if any(v is False for v in values):
            return False
        return True if all(v is True for v in values) else None
    if isinstance(cond, AnyOf):
        values = [evaluate(i, lookup) for i in cond.items]
        if any(v is True for v in values):
            return True
        return False if all(v is False for v in values) else None
    value = lookup(cond.fact)
    if isinstance(cond, Unknown):
        return value is None
    if value is None:
        return None
    if isinstance(cond, Present):
        return value is not False
    if isinstance(cond, Denied):
        return value is False
    return cond.test(value)
