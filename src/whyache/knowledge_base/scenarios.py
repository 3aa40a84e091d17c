"""Scenario files: cases with expected outcomes, checked without writing Python.

A scenario file (``*.scenarios.yaml``) holds a list of scenarios::

    scenarios:
      - name: hot day, little water
        given: {hot_weather: yes, inadequate_fluid_intake: yes}
        concludes: [dehydration, leg_ache]          # must all be derived
        does_not_conclude: [stress_fracture]         # must not be derived
        red_flags: []                                # exactly these red flags...
        # red_flags: {at_least: [see_clinician]}     # ...or at least these
        recommends: [rec_hydrate]                    # at least these recommendations
        via:                                         # facts in this order along the derivation
          - [inadequate_fluid_intake, dehydration, reduced_blood_volume, leg_ache]
        fires: [dehydration_lowers_blood_volume]     # rule ids that must fire
        does_not_fire: []                            # rule ids that must not fire
        variants:                                    # optional: run again with these overrides
          - {hours_since_run: 24}
          - {hours_since_run: 72}

Every expectation is checked; a scenario passes when none fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from whyache.engine import (
    Case,
    Engine,
    InputError,
    KnowledgeBase,
    Location,
    Result,
    derivation_graph,
)
from whyache.knowledge_base.case_files import parse_case_data
from whyache.knowledge_base.yaml_source import load_yaml_file

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
}


@dataclass(frozen=True)
class Scenario:
    name: str
    case: Case
    location: Location
    concludes: tuple[str, ...] = ()
    does_not_conclude: tuple[str, ...] = ()
    red_flags_exact: tuple[str, ...] | None = None
    red_flags_at_least: tuple[str, ...] = ()
    recommends: tuple[str, ...] = ()
    via: tuple[tuple[str, ...], ...] = ()
    fires: tuple[str, ...] = ()
    does_not_fire: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Outcome:
    scenario: Scenario
    failures: tuple[str, ...] = field(default=())
    result: Result | None = None

    @property
    def passed(self) -> bool:
        return not self.failures


def _names(data: Any, key: str, where: Location) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{key!r} must be a list of names", location=where)
    return tuple(value)


def _check_names(kb: KnowledgeBase, names: tuple[str, ...], rules: bool, where: Location) -> None:
    from whyache.engine.vocabulary import suggest

    for name in names:
        known = kb.has_rule(name) if rules else kb.has_fact(name)
        if not known:
            pool = [r.id for r in kb.rules] if rules else [f.id for f in kb.facts]
            close = suggest(name, pool, cutoff=0.6)
            what = "rule" if rules else "fact"
            hint = f"did you mean {close[0]!r}?" if close else None
            raise InputError(f"unknown {what} {name!r} in scenario", hint=hint, location=where)


def load_scenarios(kb: KnowledgeBase, path: Path) -> list[Scenario]:
    """Read one scenario file; variants expand into one scenario each."""
    data = load_yaml_file(path, "scenario file")
    origin = str(path)
    if not isinstance(data, dict) or not isinstance(data.get("scenarios"), list):
        raise InputError("a scenario file needs a 'scenarios:' list", location=Location(origin))
    out: list[Scenario] = []
    for item in data["scenarios"]:
        where = Location(origin, getattr(item, "line", None))
        if not isinstance(item, dict):
            raise InputError("each scenario must be a mapping", location=where)
        unknown = sorted(str(k) for k in item if k not in _KEYS)
        if unknown:
            raise InputError(
                f"unknown key {unknown[0]!r} in scenario",
                hint=f"allowed: {', '.join(sorted(_KEYS))}",
                location=where,
            )
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise InputError("scenario needs a name", location=where)
        given = item.get("given") or {}
        flags = item.get("red_flags")
        exact: tuple[str, ...] | None = None
        at_least: tuple[str, ...] = ()
        if isinstance(flags, dict):
            at_least = _names(flags, "at_least", where)
        elif flags is not None:
            exact = _names({"red_flags": flags}, "red_flags", where)
        via_data = item.get("via", [])
        if via_data and isinstance(via_data[0], str):
            via_data = [via_data]
        via = tuple(_names({"via": p}, "via", where) for p in via_data)
        base = dict(
            location=where,
            concludes=_names(item, "concludes", where),
            does_not_conclude=_names(item, "does_not_conclude", where),
            red_flags_exact=exact,
            red_flags_at_least=at_least,
            recommends=_names(item, "recommends", where),
            via=via,
            fires=_names(item, "fires", where),
            does_not_fire=_names(item, "does_not_fire", where),
            description=str(item.get("description", "")),
        )
        for key in ("concludes", "does_not_conclude", "red_flags_at_least", "recommends"):
            _check_names(kb, base[key], False, where)  # type: ignore[arg-type]
        _check_names(kb, exact or (), False, where)
        for path_ in via:
            _check_names(kb, path_, False, where)
        _check_names(kb, base["fires"], True, where)  # type: ignore[arg-type]
        _check_names(kb, base["does_not_fire"], True, where)  # type: ignore[arg-type]
        variants = item.get("variants") or [None]
        for variant in variants:
            merged = dict(given)
            label = name.strip()
            if variant is not None:
                if not isinstance(variant, dict):
                    raise InputError(
                        "each variant must be a mapping of fact to value", location=where
                    )
                merged.update(variant)
                label += " [" + ", ".join(f"{k}={v}" for k, v in variant.items()) + "]"
            case = parse_case_data(kb, merged if merged else {"facts": {}}, origin)
            out.append(Scenario(name=label, case=case, **base))  # type: ignore[arg-type]
    return out


def scenario_files(paths: list[Path]) -> Iterator[Path]:
    """Scenario files named directly, and every ``*.scenarios.yaml`` under named folders."""
    for path in paths:
        if path.is_dir():
            yield from sorted(path.rglob(f"*{SUFFIX}"))
        else:
            yield path


def _via_holds(graph: nx.DiGraph, chain: tuple[str, ...]) -> bool:
    if any(node not in graph for node in chain):
        return False
    return all(nx.has_path(graph, a, b) for a, b in zip(chain, chain[1:], strict=False))


def check(engine: Engine, scenario: Scenario) -> Outcome:
    """Run a scenario's case and compare every expectation with what happened."""
    result = engine.run(scenario.case)
    failures: list[str] = []
    for fact in scenario.concludes:
        if not result.concludes(fact):
            failures.append(f"expected {fact} to be concluded, but it was not")
    for fact in scenario.does_not_conclude:
        if result.concludes(fact):
            rules = ", ".join(f.rule for f in result.derivations(fact))
            failures.append(f"expected {fact} not to be concluded, but it was (by {rules})")
    flags = set(result.red_flags)
    if scenario.red_flags_exact is not None and flags != set(scenario.red_flags_exact):
        failures.append(
            f"expected red flags exactly [{', '.join(sorted(scenario.red_flags_exact))}], "
            f"got [{', '.join(sorted(flags))}]"
        )
    for flag in scenario.red_flags_at_least:
        if flag not in flags:
            failures.append(f"expected red flag {flag}, but it was not raised")
    for rec in scenario.recommends:
        if not result.concludes(rec):
            failures.append(f"expected recommendation {rec}, but it was not made")
    graph = derivation_graph(result) if scenario.via else None
    for chain in scenario.via:
        if graph is not None and not _via_holds(graph, chain):
            failures.append(f"expected the derivation to pass through {' → '.join(chain)}")
    for rule in scenario.fires:
        if not result.fired(rule):
            failures.append(f"expected rule {rule} to fire, but it did not")
    for rule in scenario.does_not_fire:
        if result.fired(rule):
            failures.append(f"expected rule {rule} not to fire, but it did")
    return Outcome(scenario, tuple(failures), result)
