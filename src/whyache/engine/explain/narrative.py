"""What a short plain-language summary of a run should say, chosen by clear rules.

* The *most specific conclusions* are every concluded condition, plus every concluded symptom
  or mechanism that is an end point: no firing of the run used it as a premise. Red flags are
  reported separately (first) and recommendations too, so neither is listed here. Order:
  conditions, then symptoms, then mechanisms, each in the order the run established them.
* The *chain* of a conclusion follows its first derivation's first premise back, step by
  step, until a given fact (or a firing that needed no premise): one line a person can read,
  from cause to effect. Other derivations are in ``whyache explain``.
"""

from __future__ import annotations

from whyache.engine.model.definitions import Disagreement, Kind
from whyache.engine.runtime.result import Result

_SPECIFIC_ORDER = (Kind.CONDITION, Kind.SYMPTOM, Kind.MECHANISM)


def specific_conclusions(result: Result) -> tuple[str, ...]:
    """Concluded conditions, then end-point symptoms and mechanisms (see module docstring)."""
    used = {p.fact for firing in result.firings for p in firing.premises}
    chosen = []
    for kind in _SPECIFIC_ORDER:
        for fact in result.conclusions(kind):
            if kind is Kind.CONDITION or fact not in used:
                chosen.append(fact)
    return tuple(chosen)


def chain(result: Result, fact_id: str) -> tuple[str, ...]:
    """Fact ids from a given fact (or premise-less firing) to ``fact_id``, cause first."""
    steps = [fact_id]
    current = fact_id
    while result.case.get(current) is None:
        derivations = result.derivations(current)
        if not derivations or not derivations[0].premises:
            break
        current = derivations[0].premises[0].fact
        if current in steps:
            break
        steps.append(current)
    return tuple(reversed(steps))


def cited_documents(result: Result) -> tuple[str, ...]:
    """Files of the documents cited by the rules that fired, in order of first citation."""
    files = [s.document for f in result.firings for s in result.kb.rule(f.rule).sources]
    return tuple(dict.fromkeys(files))


def disagreements_in(result: Result) -> tuple[Disagreement, ...]:
    """Disagreements between sources that touch this run: one of their rules fired."""
    fired = {f.rule for f in result.firings}
    return tuple(d for d in result.kb.disagreements if fired & set(d.rules))
