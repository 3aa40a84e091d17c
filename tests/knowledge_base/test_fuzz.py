"""Random input into the loaders, each answer checked against an oracle written apart.

The oracles restate, independently of the code, what a case file or a knowledge base must
read as, so a wrong answer fails a test, not only a crash: ``expected_case`` spells out the
case a file's data must give on the tiny knowledge base (or that it must be refused), and the
knowledge-base loader must agree with ``kb lint`` (it loads exactly when lint finds no error).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whyache.engine import Case, KnowledgeBaseError, WhyacheError
from whyache.knowledge_base import dump_case, load_knowledge_base, read_case_file
from whyache.knowledge_base.directory_lint import lint_knowledge_base

_SETTINGS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12))
_yaml_data = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=10), inner, max_size=4),
    ),
    max_leaves=12,
)

# --- the oracle for case files on the tiny knowledge base, written out apart from the code ---

_YES = {"yes", "y", "true", "t", "1", "on", "present"}
_NO = {"no", "n", "false", "f", "0", "off", "denied", "absent"}
_UNKNOWN = {"unknown", "u", "?", "dk", "don't know", "dont know", "not sure"}
_BOOLEAN_INPUTS = {"sun", "water", "rest_pain"}
_SKIP = object()  # "unknown": the fact stays out of the case


class Refused(Exception):
    """The oracle's verdict that the input must be refused."""


def _value(fact: str, raw: object) -> object:
    if isinstance(raw, str) and " ".join(raw.lower().split()) in _UNKNOWN:
        return _SKIP
    if fact in _BOOLEAN_INPUTS:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int) and raw in (0, 1):
            return bool(raw)
        if isinstance(raw, str) and " ".join(raw.lower().split()) in _YES | _NO:
            return " ".join(raw.lower().split()) in _YES
        raise Refused
    if isinstance(raw, bool) or raw is None:  # hours: a number from 0 to 100
        raise Refused
    if isinstance(raw, str):
        text = raw.strip()
        text = text[:-1].strip() if text.lower().endswith("h") else text
        try:
            raw = float(text)
        except ValueError:
            raise Refused from None
    if not isinstance(raw, int | float) or not math.isfinite(raw) or not 0 <= raw <= 100:
        raise Refused
    return float(raw)


def expected_case(data: object) -> Case:
    """The case a case file holding ``data`` must give; Refused when it must be refused."""
    if isinstance(data, dict) and "facts" in data:
        if set(data) - {"name", "description", "facts"}:
            raise Refused
        data = {} if data["facts"] is None else data["facts"]
    if isinstance(data, list):
        pairs: list[tuple[object, object]] = []
        for item in data:
            if not isinstance(item, str):
                raise Refused
            name, sep, raw = item.partition("=")
            if sep and not raw.strip():
                raise Refused
            pairs.append((name, raw if sep else True))
    elif isinstance(data, dict) and data:
        pairs = list(data.items())
    elif isinstance(data, dict):
        pairs = []
    else:
        raise Refused
    values: dict[str, object] = {}
    for name, raw in pairs:
        if not isinstance(name, str) or raw is None:
            raise Refused
        fact = "_".join(name.strip().lower().replace("-", " ").split())
        if fact not in _BOOLEAN_INPUTS | {"hours"}:
            raise Refused
        value = _value(fact, raw)
        if value is _SKIP:
            continue
        if fact in values and values[fact] != value:
            raise Refused
        values[fact] = value
    return Case(tuple(sorted(values.items())))  # type: ignore[arg-type]


_names = st.sampled_from(
    ["sun", "water", "rest_pain", "hours", "Sun", "rest pain", "REST-PAIN", "thirst", "moon", ""]
)
_values = st.one_of(
    st.booleans(),
    st.sampled_from([0, 1, 2, 30, 30.5, -1, 101, None, math.inf]),
    st.sampled_from(["yes", " Y ", "no", "OFF", "t", "0", "unknown", "Don't  know", "?", "maybe"]),
    st.sampled_from(["30", "30 h", " 7h", "", "abc", "1e2", "nan"]),
)
_spellings = st.sampled_from(sorted(_YES | _NO | _UNKNOWN)).flatmap(
    lambda word: st.sampled_from([word, word.upper(), f" {word.title()} "])
)
# Mostly well-formed pairs, so that accepted cases are common and a wrong value shows.
_good_pair = st.one_of(
    st.tuples(st.sampled_from(sorted(_BOOLEAN_INPUTS)), st.one_of(st.booleans(), _spellings)),
    st.tuples(st.just("hours"), st.one_of(st.integers(0, 100), st.sampled_from(["30", "4 h"]))),
)
_pair = st.one_of(_good_pair, _good_pair, _good_pair, st.tuples(_names, _values))
_facts = st.lists(_pair, max_size=4).map(dict)
_listed = st.lists(
    st.one_of(
        st.sampled_from(sorted(_BOOLEAN_INPUTS)),
        _pair.map(lambda p: f"{p[0]}={p[1]}"),
        _pair.map(lambda p: f"{p[0]}={p[1]}"),
        _names,
        st.integers(),
    ),
    max_size=4,
)
_case_data = st.one_of(
    _facts,
    _listed,
    st.fixed_dictionaries({"facts": st.one_of(_facts, _listed, st.none())}),
    st.fixed_dictionaries({"facts": _facts, "name": st.text(max_size=5)}),
    st.fixed_dictionaries({"facts": _facts, "colour": st.just("red")}),
    _yaml_data,
)


def _agrees_with_the_oracle(tiny_kb, path: Path, data: object) -> None:
    try:
        want: Case | None = expected_case(data)
    except Refused:
        want = None
    try:
        got: Case | None = read_case_file(tiny_kb, path)
    except WhyacheError as exc:
        assert exc.location is not None and exc.location.file == str(path), exc
        got = None
    assert got == want, f"{data!r}: read {got}, the oracle says {want}"


@_SETTINGS
@given(data=_case_data, as_json=st.booleans())
def test_case_files_read_as_the_oracle_says(tmp_path: Path, tiny_kb, data, as_json):
    path = tmp_path / ("case.json" if as_json else "case.yaml")
    text = json.dumps(data) if as_json else yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    _agrees_with_the_oracle(tiny_kb, path, data)


def test_the_oracle_can_refuse_and_accept(tiny_kb, tmp_path: Path):
    """The oracle itself, on cases worked out by hand (so that it is not vacuous)."""
    assert expected_case({"sun": "T", "hours": "30 h", "water": "unknown"}) == Case(
        (("hours", 30.0), ("sun", True))
    )
    assert expected_case(["sun", "water=0"]) == Case((("sun", True), ("water", False)))
    for refused in ({"thirst": True}, {"sun": 2}, ["sun=yes", "sun=no"], {"sun": None}, 3):
        with pytest.raises(Refused):
            expected_case(refused)
    path = tmp_path / "c.yaml"
    path.write_text("{sun: yes, Sun: no}\n")
    _agrees_with_the_oracle(tiny_kb, path, {"sun": True, "Sun": False})


@_SETTINGS
@given(content=st.binary(max_size=300), suffix=st.sampled_from([".yaml", ".json", ".yml"]))
def test_case_loader_random_bytes(tmp_path: Path, tiny_kb, content, suffix):
    """Refused with the file named, or read as the oracle reads the same parsed data."""
    path = tmp_path / f"case{suffix}"
    path.write_bytes(content)
    try:
        case = read_case_file(tiny_kb, path)
    except WhyacheError as exc:
        assert exc.location is not None and exc.location.file == str(path), exc
        return
    text = content.decode("utf-8")
    data = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    assert case == expected_case(data)


def _agrees_with_lint(directory: Path) -> None:
    """The loader refuses a knowledge base exactly when lint finds an error in it."""
    try:
        load_knowledge_base(directory)
    except KnowledgeBaseError as exc:
        errors = [f for f in lint_knowledge_base(directory) if f.is_error]
        assert errors, f"the loader refused ({exc}) what lint passes"
        if exc.location is not None:
            assert Path(exc.location.file).is_relative_to(directory), exc
        return
    errors = [str(f) for f in lint_knowledge_base(directory) if f.is_error]
    assert not errors, f"the loader accepted what lint refuses: {errors}"


@_SETTINGS
@given(data=_yaml_data, manifest=_yaml_data)
def test_kb_loader_random_yaml(tmp_path: Path, data, manifest):
    (tmp_path / "kb.yaml").write_text(yaml.safe_dump(manifest))
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(data))
    _agrees_with_lint(tmp_path)


@_SETTINGS
@given(content=st.binary(max_size=300))
def test_kb_loader_random_bytes(tmp_path: Path, content):
    (tmp_path / "kb.yaml").write_text("name: fuzz\n")
    (tmp_path / "rules.yaml").write_bytes(content)
    _agrees_with_lint(tmp_path)


_TINY_RULES = (
    Path(__file__).parent.parent / "fixtures" / "kbs" / "tiny" / "rules.yaml"
).read_text()


@_SETTINGS
@given(cut=st.integers(0, len(_TINY_RULES)), junk=st.sampled_from(["", "x", ":", "\n  - ", "]"]))
def test_kb_loader_on_damaged_rules(tmp_path: Path, cut, junk):
    """A real knowledge base cut or spliced anywhere: loader and lint still agree."""
    for name in ("kb.yaml", "documents.yaml"):
        source = Path(__file__).parent.parent / "fixtures" / "kbs" / "tiny" / name
        (tmp_path / name).write_text(source.read_text())
    (tmp_path / "rules.yaml").write_text(_TINY_RULES[:cut] + junk + _TINY_RULES[cut:])
    _agrees_with_lint(tmp_path)


@_SETTINGS
@given(
    facts=st.fixed_dictionaries(
        {},
        optional={
            "sun": st.booleans(),
            "water": st.booleans(),
            "rest_pain": st.booleans(),
            "hours": st.integers(0, 100) | st.floats(0, 100, allow_nan=False),
        },
    )
)
def test_saved_case_reloads_identically(tmp_path: Path, tiny_kb, tiny_engine, facts):
    from whyache.engine import case_from_mapping

    case = case_from_mapping(tiny_kb, facts)
    path = tmp_path / "saved.yaml"
    path.write_text(dump_case(case, name="saved"))
    again = read_case_file(tiny_kb, path)
    assert again == case
    assert tiny_engine.run(again).firings == tiny_engine.run(case).firings
