"""The knowledge base: files that the engine loads, and the code that reads them.

``data/`` holds the bundled knowledge base (YAML); :func:`load_knowledge_base` reads it or
any other knowledge-base directory into the engine's model and validates it.

The names below are imported on first use: they pull in PyYAML, which a command that finds
its knowledge base in the cache (see ``cache.py``) never needs.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from whyache.knowledge_base.case_files import dump_case, parse_case_data, read_case_file
    from whyache.knowledge_base.loader import BUNDLED, load_knowledge_base, read_knowledge_base

__all__ = [
    "BUNDLED",
    "dump_case",
    "load_knowledge_base",
    "parse_case_data",
    "read_case_file",
    "read_knowledge_base",
]

_HOMES = {
    "BUNDLED": "loader",
    "load_knowledge_base": "loader",
    "read_knowledge_base": "loader",
    "dump_case": "case_files",
    "parse_case_data": "case_files",
    "read_case_file": "case_files",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
