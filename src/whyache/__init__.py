"""whyache: an explainable expert system for why legs ache or hurt when and after running.

``import whyache`` is the public Python API (docs/api.md)::

    import whyache
    session = whyache.load()                       # the bundled knowledge base, or a directory
    run = session.run("hot_weather", "inadequate_fluid_intake", hours_since_run=2)
    run.conclusions, run.red_flags, run.how("dehydration"), run.why_not("doms")
    run.what_if(remove=["inadequate_fluid_intake"]), run.graph, run.to_dict()
    whyache.lint("my_kb/"), whyache.check_scenarios(["tests/scenarios"])

The layers, imports pointing one way only (docs/architecture.md):
``cli -> api -> workflows -> knowledge_base -> engine -> experta, networkx``. The names are
imported on first use, so ``whyache --help`` does not pay for the engine.
"""

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from whyache.api import Run, Session, Verdict, check_scenarios, lint, load
    from whyache.engine import (
        Case,
        InputError,
        KnowledgeBase,
        KnowledgeBaseError,
        Result,
        WhyacheError,
    )

_API = {"Run", "Session", "Verdict", "check_scenarios", "lint", "load"}
_ENGINE = {"Case", "InputError", "KnowledgeBase", "KnowledgeBaseError", "Result", "WhyacheError"}

__all__ = [
    "Case",
    "InputError",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "Result",
    "Run",
    "Session",
    "Verdict",
    "WhyacheError",
    "__version__",
    "check_scenarios",
    "lint",
    "load",
]


def __getattr__(name: str) -> Any:
    import importlib

    if name in _API:
        return getattr(importlib.import_module("whyache.api"), name)
    if name in _ENGINE:
        return getattr(importlib.import_module("whyache.engine"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
