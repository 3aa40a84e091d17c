"""JSON Schemas (draft 2020-12) of every JSON document whyache writes, shipped as data.

Each ``NAME.json`` here describes one output; a document that carries a ``"schema"`` string
(``"whyache.result/1"``) names the version it follows. ``whyache schema NAME`` prints one, and
the tests validate every command's JSON output against its schema.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from whyache.engine.errors import InputError
from whyache.engine.model.vocabulary import suggest

#: schema name -> the commands whose output it describes
OUTPUTS: dict[str, str] = {
    "result": "run, demo, consult --format json",
    "how": "explain --format json",
    "why-not": "why-not --format json",
    "what-if": "what-if --format json",
    "graph": "graph --format json",
    "batch-line": "batch (each line)",
    "check": "check --format json",
    "kb-facts": "kb facts --format json",
    "kb-rules": "kb rules --format json",
    "kb-sources": "kb sources --format json",
    "kb-stats": "kb stats --format json",
    "kb-lint": "kb lint --format json",
    "error": "every command's error object (--format json, on stderr)",
    "schemas": "schema --format json",
    "examples": "example --format json",
    "serve": "serve --format json (the line printed at start)",
}
NAMES: tuple[str, ...] = tuple(sorted(OUTPUTS))


def schema_text(name: str) -> str:
    """The schema's JSON text, as shipped."""
    if name not in OUTPUTS:
        close = suggest(name.removesuffix(".json"), NAMES, limit=1, cutoff=0.5)
        raise InputError(
            f"no schema named {name!r}",
            hint=f"did you mean {close[0]!r}?" if close else "list them: whyache schema",
        )
    return files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")


def load_schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(schema_text(name))
    return data
