"""The one place where whyache adapts experta 1.9.4 to modern Python.

experta 1.9.4 (its last release) pins ``frozendict==1.2``, which subclasses
``collections.Mapping``; Python 3.10 removed that alias, so ``import experta`` fails.
pip cannot override the pin, so we restore the alias (only where it is missing) before
the first import. Under uv the pin is overridden to frozendict>=2.4 and the shim is a no-op.

``import experta`` also calls ``logging.basicConfig()``, which installs a stderr handler on
the root logger of whatever program imports us. The engine must never print, so we undo that.
"""

from __future__ import annotations

import collections
import collections.abc
import logging

if not hasattr(collections, "Mapping"):  # Python >= 3.10 with frozendict 1.2
    collections.Mapping = collections.abc.Mapping  # type: ignore[attr-defined]

_root_handlers = list(logging.root.handlers)
import experta  # noqa: E402
from experta import AND, NOT, Fact, InitialFact, KnowledgeEngine, P, Rule  # noqa: E402
from experta.abstract import Strategy  # noqa: E402
from experta.matchers.rete import ReteMatcher  # noqa: E402
from experta.matchers.rete.check import TypeCheck  # noqa: E402
from experta.matchers.rete.nodes import BusNode  # noqa: E402
from experta.matchers.rete.token import Token  # noqa: E402

logging.root.handlers[:] = _root_handlers

__all__ = [
    "AND",
    "NOT",
    "BusNode",
    "Fact",
    "InitialFact",
    "KnowledgeEngine",
    "P",
    "ReteMatcher",
    "Rule",
    "Strategy",
    "Token",
    "TypeCheck",
    "experta",
]
