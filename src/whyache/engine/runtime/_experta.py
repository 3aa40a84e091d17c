"""The one place where whyache adapts experta 1.9.4 to modern Python.

experta 1.9.4 (its last release) pins ``frozendict==1.2``, which subclasses
``collections.Mapping``; Python 3.10 removed that alias, so ``import experta`` fails.
pip cannot override the pin, so we restore the alias (only where it is missing) before
the first import. Under uv the pin is overridden to frozendict>=2.4 and the shim is a no-op.

It is also the only module of whyache that imports experta (a test keeps it so): everything
else takes experta's names from here, so what we depend on of experta 1.9.4 (pinned exactly:
the strategy and the matcher subclass its internals) can be read off the imports below.
``Activation``, ``Agenda`` and ``DepthStrategy`` are exported for the tests, which compare our
strategy and matcher with experta's own.

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
from experta import NOT, Fact, InitialFact, KnowledgeEngine, P, Rule  # noqa: E402
from experta.abstract import Strategy  # noqa: E402
from experta.activation import Activation  # noqa: E402
from experta.agenda import Agenda  # noqa: E402
from experta.matchers.rete import ReteMatcher  # noqa: E402
from experta.matchers.rete.check import FactCapture, SameContextCheck, TypeCheck  # noqa: E402
from experta.matchers.rete.mixins import ChildNode  # noqa: E402
from experta.matchers.rete.nodes import (  # noqa: E402
    BusNode,
    ConflictSetNode,
    FeatureTesterNode,
    NotNode,
    OrdinaryMatchNode,
)
from experta.matchers.rete.token import Token  # noqa: E402
from experta.matchers.rete.utils import generate_checks  # noqa: E402
from experta.strategies import DepthStrategy  # noqa: E402

logging.root.handlers[:] = _root_handlers

__all__ = [
    "NOT",
    "Activation",
    "Agenda",
    "BusNode",
    "ChildNode",
    "ConflictSetNode",
    "DepthStrategy",
    "Fact",
    "FactCapture",
    "FeatureTesterNode",
    "InitialFact",
    "KnowledgeEngine",
    "NotNode",
    "OrdinaryMatchNode",
    "P",
    "ReteMatcher",
    "Rule",
    "SameContextCheck",
    "Strategy",
    "Token",
    "TypeCheck",
    "experta",
    "generate_checks",
]
