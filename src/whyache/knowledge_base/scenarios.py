"""Scenario files: cases with expected outcomes, checked without writing Python.

A scenario file (``*.scenarios.yaml``) holds a list of scenarios::

    scenarios:
      - name: hot day, little water
        description: optional prose for the reader
        given: {hot_weather: yes, inadequate_fluid_intake: yes}
        concludes: [dehydration, leg_ache]          # must all be derived (at any level)
        # concludes: {dehydration: established, muscle_cramps: possible}  # ...at these levels
        does_not_conclude: [stress_fracture]         # must not be derived
        red_flags: []                                # exactly these red flags...
        # red_flags: {at_least: [see_clinician]}     # ...or at least these
        recommends: [rec_hydrate]                    # at least these recommendations
        # recommends: {exactly: [rec_hydrate]}       # ...or exactly these
        via:                                         # chains that must lie along the derivation
          - [inadequate_fluid_intake, dehydration, reduced_blood_volume, leg_ache]
        fires: [dehydration_lowers_blood_volume]     # rule ids that must fire
        does_not_fire: []                            # rule ids that must not fire
      - name: the ache of a hot run                  # a finding reported, and what explains it
        given: {leg_ache: yes, hot_weather: yes}
        explains:
          leg_ache: {hot_weather: possible}          # through these facts, at these levels
          # leg_ache: [dehydration, hot_weather]     # ...or through these, at any level
        not_explains: {leg_ache: [stress_fracture]}  # no explanation passes through these
        variants:                                    # optional: the same case again with overrides
          - {hours_since_run: 24}
          - {hours_since_run: 72}
        # variants: {hours_since_run: [24, 48, 72]}  # the same, written per fact

What each expectation means:

* ``concludes``: each fact was *derived* by a rule. A fact given in the case is not concluded.
  A list accepts any level; a mapping of fact to ``established`` or ``possible`` asks for
  exactly that level (``Result.level``: established when some derivation uses establishing
  links only, back to given facts; possible otherwise).
* ``does_not_conclude``: no rule derived the fact.
* ``red_flags``: a list (or ``{exactly: [...]}``) is the exact set of red flags raised
  (``[]``: none at all); ``{at_least: [...]}`` only requires those. Every name must be a
  red-flag fact.
* ``recommends``: a list (or ``{at_least: [...]}``) requires at least these recommendations;
  ``{exactly: [...]}`` requires exactly these (recommendation facts only). Both keys take both
  spelt-out forms; only the meaning of a bare list differs (a red flag must never pass unseen),
  and a failure that the other form would have passed says so.
* ``given``: a mapping of fact to value, or a list of the facts present (``[a, b=no]``).
* ``via``: one chain ``[a, b, c]`` or a list of chains. A chain holds when every fact in it was
  given or concluded and each fact leads to the next one in the derivation graph: following
  premise -> firing -> conclusion edges, through as many firings as it takes. Steps may be
  skipped (``[a, c]`` holds for ``a -> b -> c``) but the order may not be reversed.
* ``fires`` / ``does_not_fire``: rule ids that fired at least once / never.
* ``explains``: a mapping from an observed finding the case gives as present (see
  ``KindDef.observed``) to the facts its explanation must pass through: a list (any level),
  or a mapping of fact to ``established`` or ``possible`` (the best explanation through that
  fact has exactly that level). An empty list or mapping asks only that something given
  explains the finding. What explains a finding is
  :mod:`whyache.engine.analysis.findings`: the derivations of the finding from the other
  given facts, and the facts they pass through (given or concluded).
* ``not_explains``: a mapping from a finding given as present to facts that no explanation of
  it may pass through.
* ``variants``: each variant runs the scenario again with its facts laid over ``given``; every
  expectation must hold for every variant. A mapping of fact to a list of values expands into
  every combination. Each variant is its own scenario, named ``name [fact=value, ...]``.

A scenario passes when every expectation holds. Each failure is a message that says what was
expected and what happened, with a HOW (for something unexpected) or WHY NOT (for something
missing) taken from the run. A file that cannot be read, or that names a fact or rule the
knowledge base does not have, is an :class:`InputError` with the file and line; a file with
several such problems is one :class:`InputProblems` listing every one.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from whyache.engine import (
    ESTABLISHED,
    POSSIBLE,
    Case,
    InputError,
    KnowledgeBase,
    Location,
    UnknownFactError,
    format_value,
)
from whyache.engine.errors import InputProblems, echo, visible
from whyache.engine.model.case import parse_assignment
from whyache.engine.model.vocabulary import suggest
from whyache.knowledge_base.case_files import parse_case_data
from whyache.knowledge_base.reading import read_text
from whyache.knowledge_base.yaml_source import load_yaml

SUFFIX = ".scenarios.yaml"
_KEYS = {
    "name",
    "description",
    "given",
    "concludes",
    "does_not_conclude",
    "red_flags",
    "recommends",
    "via",
    "fires",
    "does_not_fire",
    "variants",
    "explains",
    "not_explains",
}
_RULE_LISTS = ("fires", "does_not_fire")
#: The name lists read by :func:`_names` alone (``concludes`` may also be a mapping).
_LISTS = ("does_not_conclude", *_RULE_LISTS)


@dataclass(frozen=True)
class Scenario:
    name: str
    case: Case
    location: Location
    concludes: tuple[str, ...] = ()
    does_not_conclude: tuple[str, ...] = ()
    #: The facts of ``concludes`` written with a level, and that level (in file order).
    concludes_levels: tuple[tuple[str, str], ...] = ()
    red_flags_exact: tuple[str, ...] | None = None
    red_flags_at_least: tuple[str, ...] = ()
    recommends: tuple[str, ...] = ()
    recommends_exact: tuple[str, ...] | None = None
    via: tuple[tuple[str, ...], ...] = ()
    fires: tuple[str, ...] = ()
    does_not_fire: tuple[str, ...] = ()
    description: str = ""
    #: Per finding, the facts its explanation passes through and the level expected (None:
    #: any); a finding with none must only be explained.
    explains: tuple[tuple[str, tuple[tuple[str, str | None], ...]], ...] = ()
    not_explains: tuple[tuple[str, tuple[str, ...]], ...] = ()


class _Source:
    """A scenario file's text, to find the line of a key or list item when reporting an error."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text

    def location(self, line: int | None, *keys: str | int) -> Location:
        """Where ``keys`` (a key, then list indexes) sit inside the mapping starting at ``line``."""
        found = self._find(line, keys) if line is not None and keys else None
        return Location(str(self.path), found or line)

    @cached_property
    def _root(self) -> Any:
        # Composed again (nodes keep every line) only when an error needs a precise line.
        try:
            return yaml.compose(self.text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:  # pragma: no cover - the text was parsed once already
            return None

    def _find(self, line: int, keys: Sequence[str | int]) -> int | None:
        stack = [self._root]
        while stack:
            node = stack.pop()
            if isinstance(node, yaml.MappingNode) and node.start_mark.line + 1 == line:
                return _descend(node, keys)
            if isinstance(node, yaml.MappingNode):
                stack.extend(v for _, v in node.value)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
        return None


def _descend(node: Any, keys: Sequence[str | int]) -> int | None:
    line: int | None = None
    for key in keys:
        if isinstance(node, yaml.MappingNode) and isinstance(key, str):
            pair = next(((k, v) for k, v in node.value if k.value == key), None)
            if pair is None:
                return line
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _names(
    value: Any, key: str, source: _Source, line: int | None, *path: str | int
) -> tuple[str, ...]:
    """A list of names (one name alone is accepted too)."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(
            f"{key!r} must be a list of names", location=source.location(line, key, *path)
        )
    return tuple(value)


def _check_names(
    kb: KnowledgeBase,
    names: tuple[str, ...],
    key: str,
    source: _Source,
    line: int | None,
    *path: str | int,
) -> list[InputError]:
    """Every name must exist in the knowledge base (and be of the right kind for its key)."""
    rules = key in _RULE_LISTS
    wanted = {"red_flags": kb.urgent_kinds, "recommends": kb.advice_kinds}.get(key)
    problems: list[InputError] = []
    for index, name in enumerate(names):
        known = kb.has_rule(name) if rules else kb.has_fact(name)
        if not known:
            pool = [r.id for r in kb.rules] if rules else [f.id for f in kb.facts]
            close = suggest(name, pool, limit=1, cutoff=0.6)
            what = "rule" if rules else "fact"
            problems.append(
                InputError(
                    f"unknown {what} {echo(name)} in {key!r}",
                    hint=f"did you mean {close[0]!r}?" if close else None,
                    location=source.location(line, key, *path, index),
                )
            )
            continue
        kind = None if rules else kb.fact(name).kind
        if wanted is not None and kind is not None and kind not in wanted:
            expected = " or ".join(kb.kind(k).singular for k in wanted) or f"fact for {key!r}"
            problems.append(
                InputError(
                    f"{echo(name)} in {key!r} is a {kb.kind(kind).singular} fact, not a {expected}",
                    location=source.location(line, key, *path, index),
                )
            )
    return problems


def _variants(item: dict[str, Any], source: _Source, line: int | None) -> list[dict[str, Any]]:
    """The overrides to run with: ``[{}]`` when there are no variants."""
    data = item.get("variants")
    if not data:
        return [{}]
    if isinstance(data, dict):
        keys = sorted(str(k) for k in data)
        columns = []
        for key in keys:
            values = data[key]
            if not isinstance(values, list) or not values:
                raise InputError(
                    f"variant values for {key!r} must be a non-empty list",
                    hint=f"write {key}: [24, 48]",
                    location=source.location(line, "variants", key),
                )
            columns.append(values)
        return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*columns)]
    if not isinstance(data, list):
        raise InputError(
            "'variants' must be a list of mappings of fact to value",
            location=source.location(line, "variants"),
        )
    for index, variant in enumerate(data):
        if not isinstance(variant, dict) or not variant:
            raise InputError(
                "each variant must be a mapping of fact to value",
                location=source.location(line, "variants", index),
            )
    return [dict(v) for v in data]


def _label(value: Any) -> str:
    if isinstance(value, bool):
        return format_value(value)
    return str(value)


def load_scenarios(kb: KnowledgeBase, path: Path) -> list[Scenario]:
    """Read one scenario file; variants expand into one scenario each.

    Every problem of the file is reported at once (:class:`InputProblems`, by line), so a
    misspelt key does not hide a misspelt fact on the line above it.
    """
    source = _Source(path, read_text(path, "scenario file"))
    data = load_yaml(source.text, str(path))
    origin = str(path)
    if not isinstance(data, dict) or not isinstance(data.get("scenarios"), list):
        line = getattr(data, "line", None)
        raise InputError(
            "a scenario file needs a 'scenarios:' list",
            hint="see whyache.knowledge_base.scenarios for the format",
            location=Location(origin, line),
        )
    problems: list[InputError] = []
    extra = sorted(str(k) for k in data if k != "scenarios")
    if extra:
        problems.append(
            InputError(
                f"unknown key {echo(extra[0])} in scenario file",
                hint="a scenario file holds only 'scenarios:'",
                location=source.location(getattr(data, "line", None), extra[0]),
            )
        )
    out: list[Scenario] = []
    names: dict[str, Location] = {}
    for item in data["scenarios"]:
        try:
            out.extend(_scenario(kb, item, source, names, problems))
        except InputError as exc:
            problems.append(exc)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        ordered = sorted(problems, key=lambda e: (e.location.line or 0) if e.location else 0)
        raise InputProblems(tuple(ordered), location=Location(origin))
    return out


def _scenario(
    kb: KnowledgeBase,
    item: Any,
    source: _Source,
    names: dict[str, Location],
    problems: list[InputError],
) -> list[Scenario]:
    """One scenario entry, expanded; problems it can go on past are added to ``problems``."""
    line = getattr(item, "line", None)
    where = Location(str(source.path), line)
    if not isinstance(item, dict):
        raise InputError("each scenario must be a mapping", location=where)
    for key in sorted(str(k) for k in item if k not in _KEYS):
        close = suggest(key, _KEYS, limit=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(sorted(_KEYS))}"
        problems.append(
            InputError(
                f"unknown key {key!r} in scenario",
                hint=hint,
                location=source.location(line, key),
            )
        )
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError("scenario needs a name", location=where)
    name = visible(name.strip())
    if name in names:
        raise InputError(
            f"scenario name {echo(name)} is used twice (first at line {names[name].line})",
            hint="give each scenario its own name",
            location=where,
        )
    names[name] = where
    before = len(problems)
    expanded = list(_expand(kb, item, name, source, line, problems))
    if len(problems) > before:
        return []
    labels = [s.name for s in expanded]
    twice = sorted({label for label in labels if labels.count(label) > 1})
    if twice:
        raise InputError(
            f"variant {echo(twice[0])} appears twice",
            hint="remove the repeated variant",
            location=source.location(line, "variants"),
        )
    return expanded


def _expected_names(
    kb: KnowledgeBase,
    item: dict[str, Any],
    key: str,
    list_means: str,
    source: _Source,
    line: int | None,
    problems: list[InputError],
) -> tuple[tuple[str, ...] | None, tuple[str, ...]]:
    """``(exactly, at_least)`` for a key that takes a list, ``{exactly: }`` or ``{at_least: }``.

    A plain list means ``list_means`` ("exactly" for red flags: no red flag may pass unseen;
    "at_least" for recommendations); both spelt-out forms work for either key.
    """
    value = item.get(key)
    form = list_means
    if isinstance(value, dict):
        keys = sorted(str(k) for k in value)
        if keys not in (["at_least"], ["exactly"]):
            problems.append(
                InputError(
                    f"{key!r} takes a list, {{exactly: [..]}} or {{at_least: [..]}}",
                    hint=(
                        "a list means exactly these; at_least allows others too"
                        if list_means == "exactly"
                        else "a list means at least these; exactly allows no others"
                    ),
                    location=source.location(line, key),
                )
            )
            return None, ()
        (form,) = keys
        names = _names(value[form], key, source, line, form)
        problems.extend(_check_names(kb, names, key, source, line, form))
    elif value is None:
        return None, ()
    else:
        names = _names(value, key, source, line)
        problems.extend(_check_names(kb, names, key, source, line))
    return (names, ()) if form == "exactly" else (None, names)


def _expand(
    kb: KnowledgeBase,
    item: dict[str, Any],
    name: str,
    source: _Source,
    line: int | None,
    problems: list[InputError],
) -> Iterator[Scenario]:
    where = Location(str(source.path), line)
    given = item.get("given") or {}
    if isinstance(given, list):
        given = dict(_given_item(entry, source, line) for entry in given)
    if not isinstance(given, dict):
        raise InputError(
            "'given' must be a mapping of fact to value or a list of facts",
            hint="write given: {hot_weather: yes} or given: [hot_weather]",
            location=source.location(line, "given"),
        )
    exact, at_least = _expected_names(kb, item, "red_flags", "exactly", source, line, problems)
    recs_exact, recs = _expected_names(kb, item, "recommends", "at_least", source, line, problems)
    via_data = item.get("via") or []
    if not isinstance(via_data, list):
        raise InputError(
            "'via' must be a chain of facts or a list of chains",
            location=source.location(line, "via"),
        )
    nested = not via_data or not isinstance(via_data[0], str)
    if not nested:
        via_data = [via_data]
    via = tuple(
        _names(chain, "via", source, line, *((i,) if nested else ()))
        for i, chain in enumerate(via_data)
    )
    for index, chain in enumerate(via):
        if len(chain) < 2:
            problems.append(
                InputError(
                    "a 'via' chain needs at least two facts",
                    location=source.location(line, "via", index),
                )
            )
        problems.extend(_check_names(kb, chain, "via", source, line, *((index,) if nested else ())))
    lists = {key: _names(item.get(key), key, source, line) for key in _LISTS}
    for key, names in lists.items():
        problems.extend(_check_names(kb, names, key, source, line))
    lists["concludes"], levels = _concluded(kb, item, source, line, problems)
    explains = _explanations(kb, item, "explains", source, line, problems)
    not_explains = tuple(
        (finding, tuple(fact for fact, _ in through))
        for finding, through in _explanations(kb, item, "not_explains", source, line, problems)
    )
    variants = _variants(item, source, line)
    # Each fact on its own first, so that every bad one is named, not only the first.
    singles: list[tuple[dict[str, Any], dict[str, Any]]]
    singles = [({fact: value}, {}) for fact, value in given.items()]
    singles += [({}, {fact: value}) for v in variants for fact, value in v.items()]
    bad: set[str] = set()
    for one_given, one_variant in singles:
        try:
            _case(kb, one_given, one_variant, source, line)
        except InputError as exc:
            if str(exc) not in bad:
                bad.add(str(exc))
                problems.append(exc)
    if bad:
        return
    for variant in variants:
        label = name
        if variant:
            label += " [" + ", ".join(f"{k}={_label(v)}" for k, v in variant.items()) + "]"
        case = _case(kb, given, variant, source, line)
        for key, findings in (("explains", explains), ("not_explains", not_explains)):
            for finding, _ in findings:
                if case.get(finding) is not True:
                    raise InputError(
                        f"{echo(finding)} in {key!r} is not given as present in {echo(label)}",
                        hint=f"add {finding}: yes to given",
                        location=source.location(line, key, finding),
                    )
        yield Scenario(
            name=label,
            case=case,
            location=where,
            concludes=lists["concludes"],
            does_not_conclude=lists["does_not_conclude"],
            concludes_levels=levels,
            red_flags_exact=exact,
            red_flags_at_least=at_least,
            recommends=recs,
            recommends_exact=recs_exact,
            via=via,
            fires=lists["fires"],
            does_not_fire=lists["does_not_fire"],
            description=visible(str(item.get("description") or "")),
            explains=explains,
            not_explains=not_explains,
        )


def _concluded(
    kb: KnowledgeBase,
    item: dict[str, Any],
    source: _Source,
    line: int | None,
    problems: list[InputError],
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """``concludes:`` as ``(facts, (fact, level)...)``: a list (any level) or a mapping of
    fact to level; an unknown fact, or a level that is not one of :data:`LEVELS`, is a
    problem added to ``problems`` (with a guess)."""
    data = item.get("concludes")
    if not isinstance(data, dict):
        names = _names(data, "concludes", source, line)
        problems.extend(_check_names(kb, names, "concludes", source, line))
        return names, ()
    facts: list[str] = []
    levels: list[tuple[str, str]] = []
    for fact, level in data.items():
        fact = str(fact)
        facts.append(fact)
        problems.extend(_check_names(kb, (fact,), "concludes", source, line, fact))
        problem = level_problem(level, fact, "concludes", source.location(line, "concludes", fact))
        if problem is not None:
            problems.append(problem)
        else:
            levels.append((fact, level))
    return tuple(facts), tuple(levels)


def level_problem(level: Any, fact: str, key: str, where: Location) -> InputError | None:
    """The error for a level that is not ``established`` or ``possible`` (None for one that is),
    with a "did you mean" for a misspelt one."""
    if isinstance(level, str) and level in LEVELS:
        return None
    close = suggest(str(level), LEVELS, limit=1, cutoff=0.6)
    return InputError(
        f"level {echo(str(level))} of {echo(fact)} in {key!r} is not {' or '.join(LEVELS)}",
        hint=f"did you mean {close[0]!r}?" if close else None,
        location=where,
    )


def _given_item(entry: Any, source: _Source, line: int | None) -> tuple[str, object]:
    """One entry of ``given: [fact, fact=no, ...]`` (a list of the facts present)."""
    if not isinstance(entry, str):
        raise InputError(
            f"'given' as a list holds fact names, not {entry!r}",
            hint="write given: [hot_weather, pain_at_rest=no]",
            location=source.location(line, "given"),
        )
    return parse_assignment(entry)


def _case(
    kb: KnowledgeBase,
    given: dict[str, Any],
    variant: dict[str, Any],
    source: _Source,
    line: int | None,
) -> Case:
    """The case of one variant; an error points at the fact's line under given or variants."""
    merged = {**given, **variant}
    try:
        return parse_case_data(kb, merged or {"facts": {}}, str(source.path))
    except InputError as exc:
        key = (
            "variants"
            if variant and (not isinstance(exc, UnknownFactError) or exc.fact in variant)
            else "given"
        )
        inner = [exc.fact] if isinstance(exc, UnknownFactError) and key == "given" else []
        exc.location = source.location(line, key, *inner)
        raise


def scenario_files(paths: Sequence[Path]) -> Iterator[Path]:
    """Scenario files named directly, and every ``*.scenarios.yaml`` under named folders."""
    for path in paths:
        if path.is_dir():
            yield from sorted(path.rglob(f"*{SUFFIX}"))
        else:
            yield path


#: The levels ``explains:`` may expect (see :mod:`whyache.engine.analysis.findings`).
LEVELS = (ESTABLISHED, POSSIBLE)


def _explanations(
    kb: KnowledgeBase,
    item: dict[str, Any],
    key: str,
    source: _Source,
    line: int | None,
    problems: list[InputError],
) -> tuple[tuple[str, tuple[tuple[str, str | None], ...]], ...]:
    """``explains:`` / ``not_explains:``: finding -> facts (a list) or fact -> level (a
    mapping, ``explains`` only); every name checked, every problem added to ``problems``."""
    data = item.get(key)
    if data is None:
        return ()
    shape = "a list of facts or a mapping of fact to level" if key == "explains" else "a list"
    if not isinstance(data, dict):
        problems.append(
            InputError(
                f"{key!r} must be a mapping of finding to {shape}",
                hint=f"write {key}: {{leg_ache: [dehydration]}}",
                location=source.location(line, key),
            )
        )
        return ()
    found: list[tuple[str, tuple[tuple[str, str | None], ...]]] = []
    for finding, wanted in data.items():
        finding = str(finding)
        where = source.location(line, key, finding)
        before = len(problems)
        if not kb.has_fact(finding):
            close = suggest(finding, [f.id for f in kb.facts if kb.is_observed(f.id)], 1, 0.6)
            problems.append(
                InputError(
                    f"unknown finding {echo(finding)} in {key!r}",
                    hint=f"did you mean {close[0]!r}?" if close else None,
                    location=where,
                )
            )
        elif not kb.is_observed(finding):
            observed = ", ".join(kb.observed_kinds)
            problems.append(
                InputError(
                    f"{echo(finding)} in {key!r} is a {kb.kind(kb.fact(finding).kind).singular} "
                    "fact, not an observed finding",
                    hint=f"findings are facts of an observed kind: {observed}"
                    if observed
                    else "this knowledge base declares no observed kind: observed: yes in kb.yaml",
                    location=where,
                )
            )
        if isinstance(wanted, dict) and key == "explains":
            through: tuple[tuple[str, str | None], ...] = tuple(
                (str(fact), level) for fact, level in wanted.items()
            )
            for fact, level in through:
                problem = level_problem(level, fact, key, source.location(line, key, finding, fact))
                if problem is not None:
                    problems.append(problem)
        elif isinstance(wanted, list | str) or wanted is None:
            through = tuple((fact, None) for fact in _names(wanted, key, source, line, finding))
        else:
            problems.append(
                InputError(f"{key!r} of {echo(finding)} must be {shape}", location=where)
            )
            continue
        if key == "not_explains" and not through:
            problems.append(
                InputError(
                    f"'not_explains' of {echo(finding)} names no fact",
                    hint="list the facts no explanation may pass through",
                    location=where,
                )
            )
        facts = tuple(fact for fact, _ in through)
        problems.extend(_check_names(kb, facts, key, source, line, finding))
        if finding in facts:
            problems.append(
                InputError(
                    f"{echo(finding)} in {key!r} names the finding itself",
                    hint="name the facts that explain it",
                    location=where,
                )
            )
        if len(problems) == before:
            found.append((finding, through))
    return tuple(found)
