"""Reading YAML safely: no tags that build objects, no aliases, bounded size and depth.

A knowledge-base or case file is data from a person we may not trust. PyYAML's safe loader
already refuses tags that construct Python objects; on top of it we refuse anchors/aliases
(the "billion laughs" expansion), cap the file size, the nesting depth and the number of
values, and keep the line of every mapping so errors can say where they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from whyache.engine import InputError, Location
from whyache.engine.errors import echo
from whyache.knowledge_base.reading import read_text

MAX_DEPTH = 50

#: The most values (scalars, lists and mappings: YAML nodes) one file may hold. PyYAML builds
#: every node of a document before the first object, at 350-550 bytes a node, so a 5 MB file
#: of one-letter items (2.6 million nodes) took 720 MB. The largest file we ship holds under
#: 2,000 nodes; a file of benchmarks/synthetic_kb.py's 100,000-rule knowledge base, 102,003.
MAX_NODES = 200_000

try:  # the C loader is several times faster; fall back where libyaml is missing
    _Base: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader


class LineDict(dict[str, Any]):
    """A mapping that remembers the line (1-based) it started on."""

    __slots__ = ("line",)  # no __dict__ each: a file may hold MAX_NODES of them

    line: int | None


class _Loader(_Base):  # type: ignore[misc]
    """SafeLoader that refuses aliases and deep nesting, and records mapping lines."""

    _depth = 0

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        # Without aliases every node is constructed once; a second visit means an alias.
        if node in self.constructed_objects or node in self.recursive_objects:
            raise yaml.MarkedYAMLError(
                None, None, "anchors and aliases (*name) are not allowed", node.start_mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.MarkedYAMLError(
                    None, None, f"nesting deeper than {MAX_DEPTH} levels", node.start_mark
                )
            return super().construct_object(node, deep=True)
        finally:
            self._depth -= 1

    def construct_line_mapping(self, node: Any) -> LineDict:
        self.flatten_mapping(node)
        seen: set[object] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):  # ``[a]: b`` or ``? {a: b}``
                raise yaml.MarkedYAMLError(
                    None,
                    None,
                    "a mapping key must be a name, not a list or mapping",
                    key_node.start_mark,
                )
            key = key_node.value
            if key in seen:
                raise yaml.MarkedYAMLError(
                    None, None, f"key {echo(key)} appears twice in one mapping", key_node.start_mark
                )
            seen.add(key)
        mapping = LineDict(self.construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        return mapping


_Loader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _Loader.construct_line_mapping
)


_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)


def _refuse_too_many_nodes(text: str) -> None:
    """Count the nodes from the parser's events (one alive at a time) before any is built."""
    if len(text) <= MAX_NODES // 2:  # a node takes a character or more (`{a,b}`): never over
        return
    count = 0
    for event in yaml.parse(text, Loader=_Base):
        if isinstance(event, _NODE_EVENTS):
            count += 1
            if count > MAX_NODES:
                mark: Any = event.start_mark  # libyaml's Mark: the same fields as PyYAML's
                raise yaml.MarkedYAMLError(
                    None, None, f"more than {MAX_NODES} values (keys, items) in one file", mark
                )


def load_yaml(text: str, origin: str) -> Any:
    """Parse YAML text; errors name the origin and line."""
    try:
        _refuse_too_many_nodes(text)
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(f"invalid YAML: {problem}", location=Location(origin, line)) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", location=Location(origin)) from None
    except RecursionError:
        raise InputError("invalid YAML: nested too deeply", location=Location(origin)) from None
    except ValueError:  # Python's limit on the digits of a whole number (4,300)
        raise InputError(
            "invalid YAML: a number with too many digits", location=Location(origin)
        ) from None


def load_yaml_file(path: Path, what: str = "file") -> Any:
    return load_yaml(read_text(path, what), str(path))
