"""JSON case files hold at most MAX_NODES values, counted before ``json`` builds any."""

from __future__ import annotations

from pathlib import Path

import pytest

from whyache.engine import InputError, KnowledgeBase
from whyache.knowledge_base.case_files import read_case_file
from whyache.knowledge_base.yaml_source import MAX_NODES


def _case(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.json"
    path.write_text(text)
    return path


def test_max_nodes_values_are_read(tmp_path: Path, tiny_kb: KnowledgeBase):
    path = _case(tmp_path, "[" + "1," * (MAX_NODES - 2) + "1]")  # the list and its items
    with pytest.raises(InputError, match="a list of facts holds fact names, not 1"):
        read_case_file(tiny_kb, path)


@pytest.mark.parametrize(
    "text",
    [
        "[" + "1," * (MAX_NODES - 1) + "1]",
        "[" + "[]," * (MAX_NODES - 1) + "[]]",
        "[" + "[[]]," * (MAX_NODES // 2) + "[]]",  # 209 MB for 5 MB of these before the cap
        "{" + ",".join(f'"f{n}": 1' for n in range(MAX_NODES // 2)) + "}",  # keys count too
    ],
    ids=["numbers", "empty-lists", "nested-lists", "keys"],
)
def test_one_value_more_is_refused(tmp_path: Path, tiny_kb: KnowledgeBase, text: str):
    path = _case(tmp_path, text)
    with pytest.raises(InputError) as info:
        read_case_file(tiny_kb, path)
    assert str(info.value) == (
        f"{path}: invalid JSON: more than {MAX_NODES} values (keys, items) in one file"
    )


def test_separators_inside_strings_are_not_values(tmp_path: Path, tiny_kb: KnowledgeBase):
    quoted = '"' + r"[{,:\"" * (MAX_NODES // 4) + '"'
    path = _case(tmp_path, "{" + quoted + ": true}")
    with pytest.raises(InputError, match="unknown fact"):
        read_case_file(tiny_kb, path)
