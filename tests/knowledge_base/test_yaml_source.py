"""The YAML loader's caps: a file holds at most MAX_NODES values, refused before any is built."""

from __future__ import annotations

import pytest

from whyache.engine import InputError
from whyache.knowledge_base.yaml_source import MAX_NODES, LineDict, load_yaml


def test_a_file_of_max_nodes_values_loads():
    data = load_yaml("- a\n" * (MAX_NODES - 1), "f.yaml")  # the list itself is a value too
    assert len(data) == MAX_NODES - 1


def test_one_value_more_is_refused_at_its_line():
    with pytest.raises(InputError) as info:
        load_yaml("- a\n" * MAX_NODES, "f.yaml")
    assert str(info.value) == (
        f"f.yaml:{MAX_NODES}: invalid YAML: more than {MAX_NODES} values (keys, items) in one file"
    )


@pytest.mark.parametrize(
    "text",
    [
        "[" + "a," * MAX_NODES + "a]",  # one-letter items: 720 MB for 5 MB before the cap
        "{" + "a," * MAX_NODES + "a}",  # keys without values: two values a key
        "[" + "{}," * MAX_NODES + "{}]",
    ],
    ids=["items", "keys", "maps"],
)
def test_every_kind_of_value_counts(text: str):
    with pytest.raises(InputError, match=f"more than {MAX_NODES} values"):
        load_yaml(text, "f.yaml")


def test_mappings_still_carry_their_line():
    data = load_yaml("a: 1\nb:\n  c: 2\n", "f.yaml")
    assert isinstance(data["b"], LineDict) and (data.line, data["b"].line) == (1, 3)
