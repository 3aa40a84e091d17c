"""Case files: the facts of one case in JSON or YAML.

Either a mapping of fact to value, or a mapping with a ``facts`` key (and optional ``name``
and ``description``)::

    name: hot day, little water
    facts:
      hot_weather: yes
      inadequate_fluid_intake: yes
      pain_at_rest: no
      hours_since_run: 2

``facts`` (or the whole file) may also be a list of the facts present, each written as ``-f``
takes it: ``facts: [hot_weather, inadequate_fluid_intake, pain_at_rest=no]``. Values are
spelt as :mod:`whyache.engine.model.answers` lists; ``unknown`` is the same as leaving a fact out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from whyache.engine import Case, InputError, KnowledgeBase, Location, case_from_mapping
from whyache.engine.errors import echo
from whyache.knowledge_base.reading import read_text
from whyache.knowledge_base.yaml_source import MAX_NODES, load_yaml

_CASE_KEYS = {"name", "description", "facts"}


def parse_case_data(kb: KnowledgeBase, data: Any, origin: str) -> Case:
    location = Location(origin, getattr(data, "line", None))
    if data is None:
        raise InputError("case file is empty", hint="write fact: value lines", location=location)
    if isinstance(data, list):
        return case_from_mapping(kb, data, location)
    if not isinstance(data, dict):
        raise InputError(
            "a case must be a mapping of fact to value or a list of facts",
            hint="write {hot_weather: yes} or [hot_weather]",
            location=location,
        )
    if "facts" in data:
        extra = sorted(str(k) for k in data if k not in _CASE_KEYS)
        if extra:
            raise InputError(
                f"unknown key {echo(extra[0])} in case file",
                hint="allowed: name, description, facts",
                location=location,
            )
        facts = data["facts"]
        if facts is None:
            facts = {}
        if not isinstance(facts, dict | list):
            raise InputError(
                "'facts' must be a mapping of fact to value or a list of facts",
                hint="write facts: {hot_weather: yes} or facts: [hot_weather]",
                location=location,
            )
        data = facts
    return case_from_mapping(kb, data, Location(origin, getattr(data, "line", location.line)))


def unique_keys(
    location: Location | None = None,
) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    """A ``json.loads`` object hook that refuses a key given twice.

    Plain ``json`` keeps the last value silently, so ``{"pain_at_rest": true, "pain_at_rest":
    false}`` would run as a denial; the YAML loader refuses the same, and so does this.
    """

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key, value in pairs:
            if key in data:
                raise InputError(
                    f"invalid JSON: key {echo(key)} appears twice in one object", location=location
                )
            data[key] = value
        return data

    return hook


#: A JSON string, an empty list or object, or (group 1) a character an entry follows.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|\[\s*\]|\{\s*\}|([\[{,:])')


def _refuse_too_many_json_values(text: str, location: Location) -> None:
    """The YAML loader's cap on values, for JSON: counted from the text, before parsing.

    ``json`` builds every list and dict at once (a 5 MB file of ``[[]],`` took 209 MB). Out
    of strings, every array item and object key follows a ``[``, ``{`` or ``,``, and every
    object value a ``:``; an empty container has a bracket but no entry. So the values (the
    top one, keys and items) are 1 + those characters. Each string or empty container is a
    value, so the scan stops after at most ``2 * MAX_NODES`` tokens, holding one at a time.
    """
    if len(text) <= MAX_NODES // 2:  # a value takes a character or more: never over
        return
    values = 1
    for token in _JSON_TOKEN.finditer(text):
        if token.group(1):
            values += 1
            if values > MAX_NODES:
                raise InputError(
                    f"invalid JSON: more than {MAX_NODES} values (keys, items) in one file",
                    location=location,
                )


def read_case_file(kb: KnowledgeBase, path: Path) -> Case:
    """Read a JSON (``.json``) or YAML case file; every error names the file."""
    text = read_text(path, "case file")
    if path.suffix.lower() == ".json":
        _refuse_too_many_json_values(text, Location(str(path)))
        try:
            data = json.loads(text, object_pairs_hook=unique_keys(Location(str(path))))
        except json.JSONDecodeError as exc:
            raise InputError(
                f"invalid JSON: {exc.msg}", location=Location(str(path), exc.lineno)
            ) from None
        except RecursionError:
            raise InputError(
                "invalid JSON: nested too deeply", location=Location(str(path))
            ) from None
        except ValueError:  # Python's limit on the digits of a whole number (4,300)
            raise InputError(
                "invalid JSON: a number with too many digits", location=Location(str(path))
            ) from None
    else:
        data = load_yaml(text, str(path))
    return parse_case_data(kb, data, str(path))


def dump_case(case: Case, name: str | None = None) -> str:
    """A case as YAML text that :func:`read_case_file` reads back to the same case."""
    data: dict[str, Any] = {}
    if name:
        data["name"] = name
    data["facts"] = case.to_mapping()
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
