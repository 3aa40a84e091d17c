"""Results as plain data (for JSON), with a versioned, documented schema.

Schema ``whyache.result/1``::

    {
      "schema": "whyache.result/1",
      "kb": {"name": str, "version": str},
      "given": [{"fact": str, "value": true | false | number}],          # sorted by fact
      "firings": [{
          "number": int, "rule": str, "alternative": int,
          "premises": [{"fact": str, "value": ..., "condition": str}],
          "assumptions": [str],                # conditions that held by absence
          "concludes": [str], "new": [str],
          "sources": [{"document": str, "section": str}]
      }],                                        # in firing order
      "conclusions": {"red_flag": [str], "condition": [...], "symptom": [...],
                      "mechanism": [...], "recommendation": [...]},  # every kind, always
      "disagreements": [{"id": str, "topic": str, "note": str, "rules": [str]}],
                                               # those with a rule that fired
      "disclaimer": str
    }
"""

from __future__ import annotations

from typing import Any

from whyache.engine.explain.narrative import disagreements_in
from whyache.engine.model.conditions import Value
from whyache.engine.model.definitions import INPUT
from whyache.engine.runtime.result import Firing, Result

RESULT_SCHEMA = "whyache.result/1"


def plain(value: Value) -> bool | int | float:
    """JSON-friendly value: booleans stay booleans, whole numbers become ints."""
    if isinstance(value, bool):
        return value
    return int(value) if float(value).is_integer() else value


def firing_to_dict(result: Result, firing: Firing) -> dict[str, Any]:
    rule = result.kb.rule(firing.rule)
    return {
        "number": firing.number,
        "rule": firing.rule,
        "alternative": firing.alternative,
        "premises": [
            {"fact": p.fact, "value": plain(p.value), "condition": p.condition}
            for p in firing.premises
        ],
        "assumptions": list(firing.assumptions),
        "concludes": list(firing.concludes),
        "new": list(firing.new),
        "sources": [{"document": s.document, "section": s.section} for s in rule.sources],
    }


def result_to_dict(result: Result) -> dict[str, Any]:
    return {
        "schema": RESULT_SCHEMA,
        "kb": {"name": result.kb.name, "version": result.kb.version},
        "given": [{"fact": k, "value": plain(v)} for k, v in result.case.facts],
        "firings": [firing_to_dict(result, f) for f in result.firings],
        "conclusions": {
            kind: list(result.conclusions(kind)) for kind in result.kb.kind_order if kind != INPUT
        },
        "disagreements": [
            {"id": d.id, "topic": d.topic, "note": d.note, "rules": list(d.rules)}
            for d in disagreements_in(result)
        ],
        "disclaimer": result.kb.disclaimer,
    }
