"""Text and JSON renderings of a WHAT-IF comparison (pure; returns str).

Schema ``whyache.what-if/1``::

    {"schema": "whyache.what-if/1",
     "inputs": [{"fact": str, "before": value | null, "after": value | null}],
     "gained": [CHANGE], "lost": [CHANGE],   # red flags first, then by kind, then run order
     "changed": [{"fact": str, "label": str, "kind": str,
                  "before": "established" | "possible", "after": ...,
                  "firings": [FIRING]}],   # establishing ones, of the run where established
     "kept": [str]}                        # concluded in both runs at the same level
    CHANGE = {"fact": str, "label": str, "kind": str,
              "level": "established" | "possible",   # in the run where it holds
              "firings": [FIRING]}   # as in whyache.result/1; from the run where it holds
"""

from __future__ import annotations

import json
from typing import Any

from whyache.engine.explain.what_if import Change, InputChange, LevelChange, WhatIf
from whyache.engine.model.conditions import Value, format_value
from whyache.engine.model.definitions import POSSIBLE
from whyache.engine.render.explain import fact_heading
from whyache.engine.render.serialize import firing_to_dict, plain
from whyache.engine.runtime.result import Firing, Result

WHAT_IF_SCHEMA = "whyache.what-if/1"


def _value(value: Value) -> str:
    return format_value(value)


def input_text(change: InputChange) -> str:
    if change.before is None and change.after is not None:
        shown = "" if change.after is True else f" = {_value(change.after)}"
        return f"+ {change.fact}{shown}"
    if change.after is None and change.before is not None:
        return f"- {change.fact} (was {_value(change.before)})"
    assert change.before is not None and change.after is not None
    return f"~ {change.fact}: {_value(change.before)} -> {_value(change.after)}"


def firing_text(firing: Firing) -> str:
    premises = ", ".join(str(p) for p in firing.premises) or "(no premises)"
    text = f"rule {firing.rule} (firing {firing.number}): {premises}"
    if firing.assumptions:
        text += f"; assuming {'; '.join(firing.assumptions)}"
    return text


def _change_lines(mark: str, change: Change, verb: str) -> list[str]:
    heading = fact_heading(change.fact, change.label, change.kind, change.urgent)
    possible = ", possible" if change.level == POSSIBLE else ""
    lines = [f"  {mark} {heading}{possible}"]
    lines += [f"      {verb} {firing_text(f)}" for f in change.firings]
    return lines


def _level_lines(change: LevelChange) -> list[str]:
    heading = fact_heading(change.fact, change.label, change.kind, change.urgent)
    mark, verb = ("↑", "now established by") if change.rose else ("↓", "was established by")
    lines = [f"  {mark} {heading}: {change.before} -> {change.after}"]
    lines += [f"      {verb} {firing_text(f)}" for f in change.firings]
    return lines


def what_if_text(report: WhatIf) -> str:
    """Input changes, then conclusions gained and lost, each with its reason."""
    lines = ["What if: " + "; ".join(input_text(c) for c in report.inputs)]
    if not report.inputs:
        lines[0] += "(no change to the given facts)"
    lines += ["", f"Gained ({len(report.gained)})"]
    for change in report.gained:
        lines += _change_lines("+", change, "now by")
    if not report.gained:
        lines.append("  (nothing)")
    lines += ["", f"Lost ({len(report.lost)})"]
    for change in report.lost:
        lines += _change_lines("-", change, "was by")
    if not report.lost:
        lines.append("  (nothing)")
    if report.changed:
        lines += ["", f"Changed level ({len(report.changed)})"]
    for level_change in report.changed:
        lines += _level_lines(level_change)
    lines += ["", f"Kept ({len(report.kept)}): {', '.join(report.kept) or '(nothing)'}"]
    return "\n".join(lines) + "\n"


def _change_dict(result: Result, change: Change) -> dict[str, Any]:
    return {
        "fact": change.fact,
        "label": change.label,
        "kind": change.kind,
        "level": change.level,
        "firings": [firing_to_dict(result, f) for f in change.firings],
    }


def _level_dict(report: WhatIf, change: LevelChange) -> dict[str, Any]:
    where = report.after if change.rose else report.before
    return {
        "fact": change.fact,
        "label": change.label,
        "kind": change.kind,
        "before": change.before,
        "after": change.after,
        "firings": [firing_to_dict(where, f) for f in change.firings],
    }


def what_if_to_dict(report: WhatIf) -> dict[str, Any]:
    return {
        "schema": WHAT_IF_SCHEMA,
        "inputs": [
            {
                "fact": c.fact,
                "before": plain(c.before) if c.before is not None else None,
                "after": plain(c.after) if c.after is not None else None,
            }
            for c in report.inputs
        ],
        "gained": [_change_dict(report.after, c) for c in report.gained],
        "lost": [_change_dict(report.before, c) for c in report.lost],
        "changed": [_level_dict(report, c) for c in report.changed],
        "kept": list(report.kept),
    }


def what_if_json(report: WhatIf) -> str:
    return json.dumps(what_if_to_dict(report), indent=2, ensure_ascii=False) + "\n"
