"""A case: the input facts a person gives, each present, denied or numeric.

What a case does not mention is unknown, never false. Parsing is strict and every error
names the fact and how to fix it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from whyache.engine.errors import (
    FactValueError,
    InputError,
    Location,
    UnknownFactError,
    UnknownFactsError,
    echo,
)
from whyache.engine.model.answers import is_unknown, yes_no
from whyache.engine.model.conditions import Value, format_number, format_value
from whyache.engine.model.definitions import FactDef, KnowledgeBase
from whyache.engine.model.vocabulary import normalise, suggest


@dataclass(frozen=True)
class Case:
    """Given facts, sorted by id so that the order they were typed in never matters."""

    facts: tuple[tuple[str, Value], ...] = ()

    @property
    def values(self) -> dict[str, Value]:
        return dict(self.facts)

    def get(self, fact_id: str) -> Value | None:
        return self.values.get(fact_id)

    def with_fact(self, fact_id: str, value: Value) -> Case:
        values = self.values
        values[fact_id] = value
        return Case(tuple(sorted(values.items())))

    def without(self, fact_id: str) -> Case:
        return Case(tuple((k, v) for k, v in self.facts if k != fact_id))

    def to_mapping(self) -> dict[str, bool | int | float]:
        """Plain values for JSON/YAML: yes/no as booleans, whole numbers as ints."""
        return {k: _plain(v) for k, v in self.facts}


def _plain(value: Value) -> bool | int | float:
    if isinstance(value, bool):
        return value
    return int(value) if float(value).is_integer() else value


def resolve_fact(
    kb: KnowledgeBase,
    name: str,
    location: Location | None = None,
    *,
    suggest_inputs_first: bool = False,
) -> FactDef:
    """Find a fact by id or alias; raise UnknownFactError with suggestions otherwise.

    ``suggest_inputs_first``: where only input facts can be given (a case), a misspelt name
    is offered the input facts spelt alike, and other facts only when no input is close (so
    that the person learns the name exists, and then that a case cannot give it).
    """
    key = normalise(name)
    if kb.has_fact(key):
        return kb.fact(key)
    aliased = kb.aliased(key)
    if aliased is not None:
        return kb.fact(aliased)
    close: tuple[str, ...] = ()
    if suggest_inputs_first:
        inputs = [f for f in kb.facts if kb.can_give(f.id)]
        close = suggest(
            key, [f.id for f in inputs] + [normalise(a) for f in inputs for a in f.aliases]
        )
    if not close:
        names = [f.id for f in kb.facts] + [normalise(a) for f in kb.facts for a in f.aliases]
        close = suggest(key, names)
    resolved = tuple(dict.fromkeys(resolve_fact(kb, n).id for n in close))
    raise UnknownFactError(name, resolved, location=location)


def parse_value(fact: FactDef, raw: object, location: Location | None = None) -> Value:
    """Turn what a person typed (or a file held) into a value of the fact's type."""
    if fact.is_numeric:
        return _parse_number(fact, raw, location)
    answer = yes_no(raw)
    if answer is not None:
        return answer
    raise FactValueError(
        f"{fact.id!r} is yes/no, not {echo(raw)}",
        hint=f"write {fact.id}, {fact.id}=no or {fact.id}=unknown",
        location=location,
    )


def _parse_number(fact: FactDef, raw: object, location: Location | None) -> float:
    unit = f" in {fact.unit}" if fact.unit else ""
    example = f"e.g. {fact.id}={format_number(fact.minimum or 0)}"
    if isinstance(raw, bool) or raw is None:
        raise FactValueError(f"{fact.id!r} needs a number{unit}", hint=example, location=location)
    if isinstance(raw, int | float):
        try:
            number = float(raw)
        except OverflowError:  # a whole number beyond any float (401 digits or more)
            raise FactValueError(
                f"{fact.id!r} = {echo(raw)} is too large a number", location=location
            ) from None
    else:
        text = str(raw).strip()
        if fact.unit and text.lower().endswith(fact.unit.lower()):
            text = text[: -len(fact.unit)].strip()
        try:
            number = float(text)
        except ValueError:
            raise FactValueError(
                f"{fact.id!r} needs a number{unit}, not {echo(str(raw))}",
                hint=example,
                location=location,
            ) from None
    if not math.isfinite(number):
        raise FactValueError(f"{fact.id!r} needs a finite number", location=location)
    low, high = fact.minimum, fact.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        raise FactValueError(
            f"{fact.id} = {format_number(number)} is out of range "
            f"[{format_number(low or 0)}, {format_number(high or 0)}]"
            + (f" {fact.unit}" if fact.unit else ""),
            location=location,
        )
    return number


def _given(kb: KnowledgeBase, name: str, location: Location | None) -> FactDef:
    if not name.strip():
        raise InputError(
            "empty fact name", hint="write FACT, FACT=no or FACT=NUMBER", location=location
        )
    fact = resolve_fact(kb, name, location, suggest_inputs_first=True)
    if not kb.can_give(fact.id):
        inputs = sorted(
            {p for r in kb.rules_concluding(fact.id) for p in r.premises if kb.fact(p).is_input}
        )[:3]
        hint = f"give what it is concluded from, e.g. {', '.join(inputs)}" if inputs else None
        raise InputError(
            f"{fact.id!r} is a {kb.kind(fact.kind).singular} that rules conclude; "
            "a case gives only input facts"
            + (" and observed findings" if kb.observed_kinds else ""),
            hint=hint,
            location=location,
        )
    return fact


def _undeclared(kb: KnowledgeBase, name: str) -> bool:
    """Whether a name is neither a fact id nor an alias (cheaply: no suggestions)."""
    key = normalise(name)
    return not kb.has_fact(key) and kb.aliased(key) is None


def build_case(
    kb: KnowledgeBase,
    pairs: Iterable[tuple[str, object]],
    location: Location | None = None,
) -> Case:
    """Validate (name, raw value) pairs into a Case; contradictions are errors.

    A value spelt "unknown" (see :mod:`whyache.engine.model.answers`) leaves the fact out, as if it
    had not been given; its name must still be a known input fact.
    """
    values: dict[str, Value] = {}
    unknown: list[UnknownFactError] = []
    more = 0  # unknown names beyond those named (their suggestions are not looked for)
    checked: list[tuple[FactDef, object]] = []
    for name, raw in pairs:
        if len(unknown) >= UnknownFactsError.SHOWN and _undeclared(kb, name):
            more += 1
            continue
        try:
            fact = _given(kb, name, location)
        except UnknownFactError as exc:
            unknown.append(exc)  # report every misspelt name at once, not only the first
            continue
        if not is_unknown(raw):
            checked.append((fact, raw))
    if unknown:
        if len(unknown) == 1:
            raise unknown[0]
        raise UnknownFactsError(tuple(unknown), more)
    for fact, raw in checked:
        value = parse_value(fact, raw, location)
        if fact.id in values and values[fact.id] != value:
            raise InputError(
                f"{fact.id!r} is given twice with different values "
                f"({format_value(values[fact.id])} and {format_value(value)})",
                hint="keep one",
                location=location,
            )
        values[fact.id] = value
    return Case(tuple(sorted(values.items())))


def parse_assignment(text: str) -> tuple[str, object]:
    """Split ``FACT``, ``FACT=no`` or ``FACT=48`` into a name and a raw value."""
    name, sep, raw = text.partition("=")
    if not sep:
        return name, True
    if not raw.strip():
        raise InputError(
            f"no value after '=' in {echo(text)}", hint="write FACT, FACT=no or FACT=48"
        )
    return name, raw


def case_from_assignments(kb: KnowledgeBase, texts: Iterable[str]) -> Case:
    return build_case(kb, (parse_assignment(t) for t in texts))


def case_from_mapping(
    kb: KnowledgeBase,
    data: Mapping[str, object] | Sequence[object],
    location: Location | None = None,
) -> Case:
    """Build a case from a mapping of fact to value, or from a list of facts.

    Values are yes/no spellings, ``unknown`` or numbers. A list names the present facts
    (``["hot_weather", "pain_at_rest=no"]``: each item as ``-f`` takes it).
    """
    if not isinstance(data, Mapping):
        return build_case(kb, (_list_item(item, location) for item in data), location)
    pairs = []
    for name, raw in data.items():
        if not isinstance(name, str):
            raise InputError(f"fact names must be text, not {echo(name)}", location=location)
        if raw is None:
            raise InputError(
                f"{echo(name)} has no value",
                hint="use yes, no, unknown or a number",
                location=location,
            )
        pairs.append((name, raw))
    return build_case(kb, pairs, location)


def _list_item(item: object, location: Location | None) -> tuple[str, object]:
    if not isinstance(item, str):
        raise InputError(
            f"a list of facts holds fact names, not {item!r}",
            hint='write ["hot_weather", "pain_at_rest=no"] or {"hot_weather": true}',
            location=location,
        )
    try:
        return parse_assignment(item)
    except InputError as exc:
        exc.location = exc.location or location
        raise
