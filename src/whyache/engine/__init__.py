"""The inference engine: knows rules, facts and provenance, and no medicine.

Public API::

    engine = Engine(kb)                    # validate and compile once per knowledge base
    result = engine.run(case)              # a frozen Result with every firing
    graph = derivation_graph(result)       # networkx DiGraph, fact -> firing -> fact

``derivation_graph`` and ``firing_node`` are imported on first use: networkx takes longer to
import than the rest of whyache together, and running a case does not need it.
"""

from typing import TYPE_CHECKING, Any

from whyache.engine.errors import (
    EngineError,
    FactValueError,
    InputError,
    KnowledgeBaseError,
    KnowledgeBaseProblem,
    Location,
    RunawayError,
    UnknownFactError,
    WhyacheError,
)
from whyache.engine.model.case import (
    Case,
    build_case,
    case_from_assignments,
    case_from_mapping,
    parse_assignment,
    parse_value,
    resolve_fact,
)
from whyache.engine.model.conditions import Condition, Value, evaluate, format_value
from whyache.engine.model.definitions import (
    ESTABLISHED,
    GIVEN,
    INPUT,
    POSSIBLE,
    Disagreement,
    Document,
    FactDef,
    KindDef,
    KnowledgeBase,
    Link,
    QuestionGroup,
    RuleDef,
    Source,
    Timing,
    ValueType,
)
from whyache.engine.model.validation import problems, stratify, validate
from whyache.engine.runtime.engine import Engine
from whyache.engine.runtime.result import Firing, Premise, Result

if TYPE_CHECKING:
    from whyache.engine.explain.graph import derivation_graph, firing_node

_LAZY = {"derivation_graph", "firing_node"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from whyache.engine.explain import graph

        return getattr(graph, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ESTABLISHED",
    "GIVEN",
    "INPUT",
    "POSSIBLE",
    "Case",
    "Condition",
    "Disagreement",
    "Document",
    "Engine",
    "EngineError",
    "FactDef",
    "FactValueError",
    "Firing",
    "InputError",
    "KindDef",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "KnowledgeBaseProblem",
    "Link",
    "Location",
    "Premise",
    "QuestionGroup",
    "Result",
    "RuleDef",
    "RunawayError",
    "Source",
    "Timing",
    "UnknownFactError",
    "Value",
    "ValueType",
    "WhyacheError",
    "build_case",
    "case_from_assignments",
    "case_from_mapping",
    "derivation_graph",
    "evaluate",
    "firing_node",
    "format_value",
    "parse_assignment",
    "parse_value",
    "problems",
    "resolve_fact",
    "stratify",
    "validate",
]
