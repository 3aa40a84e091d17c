"""Results as plain data (for JSON), with a versioned, documented schema.

Schema ``whyache.result/1``::

    {
      "schema": "whyache.result/1",
      "kb": {"name": str, "version": str, "documents": int},  # documents: support's whole
      "given": [{"fact": str, "value": true | false | number}],          # sorted by fact
      "firings": [{
          "number": int, "rule": str, "alternative": int,
          "premises": [{"fact": str, "value": ..., "condition": str}],
          "assumptions": [str],                # conditions that held by absence
          "concludes": [str], "new": [str],
          "link": str | null,                  # the rule's link kind; null: not said
          "level": "established" | "possible", # what the firing gives its conclusions
          "support": int,                      # documents the rule cites
          "sources": [{"document": str, "section": str}]
      }],                                        # in firing order
      "conclusions": {"red_flag": [str], "condition": [...], "symptom": [...],
                      "mechanism": [...], "recommendation": [...]},  # every kind, always
      "levels": {fact: "established" | "possible"},   # every conclusion, in run order
      "red_flags": [str],                      # raised (Result.red_flags)
      "possible_red_flags": [str],             # reached only at the possible level
      "disagreements": [{"id": str, "topic": str, "note": str, "rules": [str]}],
                                               # those with a rule that fired
      "disclaimer": str
    }

``whyache run`` and ``demo`` add ``"report"``: what the short text report shows
(:func:`report_to_dict`): red flags with the given facts behind them, explained conclusions
with their chains, possible red flags with what would establish them, near misses
(``ask_next``), ``questions`` when nothing was concluded, advice with its timing, given
facts no rule used and the documents cited; every conclusion with its ``level``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from whyache.engine.analysis.report import (
    Flag,
    Report,
    because_text,
    chain_text,
    doc_tag,
    source_tag,
)
from whyache.engine.explain.narrative import disagreements_in
from whyache.engine.explain.strength import Strength, strength
from whyache.engine.explain.why_not import Addition
from whyache.engine.model.conditions import Value
from whyache.engine.model.definitions import INPUT, Source
from whyache.engine.render.strength import possible_words
from whyache.engine.runtime.result import Firing, Result

if TYPE_CHECKING:
    from whyache.engine.analysis.consultation import Question

RESULT_SCHEMA = "whyache.result/1"


def plain(value: Value) -> bool | int | float:
    """JSON-friendly value: booleans stay booleans, whole numbers become ints."""
    if isinstance(value, bool):
        return value
    return int(value) if float(value).is_integer() else value


def strength_dict(step: Strength) -> dict[str, Any]:
    """A step's link (null: its rule does not say), the level it gives, and its support."""
    return {
        "link": step.link.value if step.link is not None else None,
        "level": step.level,
        "support": step.support,
    }


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
        **strength_dict(strength(result, firing)),
        "sources": [{"document": s.document, "section": s.section} for s in rule.sources],
    }


def result_to_dict(result: Result) -> dict[str, Any]:
    kb = result.kb
    return {
        "schema": RESULT_SCHEMA,
        "kb": {"name": kb.name, "version": kb.version, "documents": len(kb.documents)},
        "given": [{"fact": k, "value": plain(v)} for k, v in result.case.facts],
        "firings": [firing_to_dict(result, f) for f in result.firings],
        "conclusions": {
            kind: list(result.conclusions(kind)) for kind in result.kb.kind_order if kind != INPUT
        },
        "levels": {f: result.level(f) for f in result.derived},
        "red_flags": list(result.red_flags),
        "possible_red_flags": list(result.possible_red_flags),
        "disagreements": [
            {"id": d.id, "topic": d.topic, "note": d.note, "rules": list(d.rules)}
            for d in disagreements_in(result)
        ],
        "disclaimer": result.kb.disclaimer,
    }


def report_to_dict(
    result: Result, report: Report, questions: Sequence[Question] = ()
) -> dict[str, Any]:
    """What the short text report shows, as data (the ``report`` key of ``run`` JSON)."""
    kb = result.kb

    def cited(sources: Sequence[Source]) -> list[str]:
        return list(dict.fromkeys(source_tag(s) for s in sources))

    def links(steps: Sequence[Strength]) -> list[dict[str, Any]]:
        return [
            {"rule": step.rule, **strength_dict(step), "text": possible_words(kb, step)}
            for step in steps
        ]

    def flag(f: Flag) -> dict[str, Any]:
        return {
            "fact": f.fact,
            "label": kb.fact(f.fact).label,
            "level": f.level,
            "given": [leaf.fact for leaf in f.chain.given()],
            "because": because_text(kb, f.chain),
            "possible_links": links(f.links),
            "kb_thresholds": list(f.thresholds),
            "sources": cited(f.sources),
        }

    return {
        "red_flags": [flag(f) for f in report.flags],
        "possible_red_flags": [
            {**flag(f), "establish": [additions_dict(a) for a in f.establish]}
            for f in report.possible_flags
        ],
        "explained": [
            {
                "fact": e.fact,
                "kind": e.kind,
                "label": kb.fact(e.fact).label,
                "level": e.level,
                "chain": chain_text(kb, e.chain),
                "given": [leaf.fact for leaf in e.chain.given()],
                "other_ways": e.other_ways,
                "possible_links": links(e.links),
                "kb_thresholds": list(e.thresholds),
                "sources": cited(e.sources),
            }
            for e in report.explained
        ],
        "ask_next": [
            {"fact": m.fact, "rule": m.rule, "missing": list(m.missing)} for m in report.near_misses
        ],
        "questions": [
            {
                "fact": q.fact,
                "text": q.text,
                "asks": list(q.facts or (q.fact,)),
                "serves": list(q.serves),
            }
            for q in questions
        ],
        "advice": [
            {
                "fact": a.fact,
                "label": kb.fact(a.fact).label,
                "level": a.level,
                "timing": a.timing.value,
                "moved_by_red_flag": a.moved,
                "sources": cited(a.sources),
            }
            for a in report.advice
        ],
        "unused_given": list(report.unused),
        "documents": [
            {"file": file, "tag": doc_tag(file), "title": doc.title if doc else ""}
            for file in report.documents
            for doc in (kb.document(file),)
        ],
    }


def additions_dict(addition: Addition) -> dict[str, Any]:
    """One set of input conditions and a case extension that meets them (as in WHY-NOT)."""
    return {
        "conditions": list(addition.conditions),
        "example": {f: plain(v) for f, v in addition.example},
    }
