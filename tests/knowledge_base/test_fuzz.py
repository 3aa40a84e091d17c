"""Random bytes and random YAML into the loaders: only whyache's own errors come out."""

from __future__ import annotations

import contextlib
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whyache.engine import WhyacheError
from whyache.knowledge_base import dump_case, load_knowledge_base, read_case_file

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


def _only_our_errors(action) -> None:
    with contextlib.suppress(WhyacheError):
        action()


@_SETTINGS
@given(content=st.binary(max_size=300), suffix=st.sampled_from([".yaml", ".json", ".yml"]))
def test_case_loader_random_bytes(tmp_path: Path, tiny_kb, content, suffix):
    path = tmp_path / f"case{suffix}"
    path.write_bytes(content)
    _only_our_errors(lambda: read_case_file(tiny_kb, path))


@_SETTINGS
@given(data=_yaml_data)
def test_case_loader_random_yaml(tmp_path: Path, tiny_kb, data):
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data))
    _only_our_errors(lambda: read_case_file(tiny_kb, path))


@_SETTINGS
@given(data=_yaml_data, manifest=_yaml_data)
def test_kb_loader_random_yaml(tmp_path: Path, data, manifest):
    (tmp_path / "kb.yaml").write_text(yaml.safe_dump(manifest))
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(data))
    _only_our_errors(lambda: load_knowledge_base(tmp_path))


@_SETTINGS
@given(content=st.binary(max_size=300))
def test_kb_loader_random_bytes(tmp_path: Path, content):
    (tmp_path / "kb.yaml").write_text("name: fuzz\n")
    (tmp_path / "rules.yaml").write_bytes(content)
    _only_our_errors(lambda: load_knowledge_base(tmp_path))


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
