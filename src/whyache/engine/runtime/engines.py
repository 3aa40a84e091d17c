"""The engines a case can run on, by name: experta (the default) or the reference evaluator.

Both take a validated knowledge base and return the same frozen results, firing for firing
(``tests/engine/runtime/test_reference.py``, ``tests/cli/test_engines.py``), so every command
and the batch pipeline can take either.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

from whyache.engine.model.definitions import KnowledgeBase
from whyache.engine.runtime.engine import Engine
from whyache.engine.runtime.reference import ReferenceEngine

Runner: TypeAlias = Engine | ReferenceEngine
"""Anything that runs a case: ``.kb`` and ``.run(case) -> Result``."""

#: Engine names, the default first.
ENGINES = ("experta", "reference")


def make_engine(
    kb: KnowledgeBase, name: str = "experta", only_for: Iterable[str] | None = None
) -> Runner:
    """A compiled engine by name; ``only_for`` narrows experta's compile (see :class:`Engine`)
    and means nothing to the reference, which compiles in linear time."""
    if name == "reference":
        return ReferenceEngine(kb)
    if name != "experta":
        raise ValueError(f"unknown engine {name!r}")
    return Engine(kb, only_for=only_for)
