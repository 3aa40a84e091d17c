"""What a short plain-language summary of a run should say, chosen by clear rules.

* The *most specific conclusions* follow each kind's ``summary`` (declared in kb.yaml): every
  conclusion of an ``always`` kind, every end point (no firing of the run used it as a
  premise) of an ``end_points`` kind, none of a ``never`` kind (the bundled knowledge base
  reports red flags first and advice on its own, so both are ``never``). Order: kinds in
  report order, each in the order the run established them.
* The *chain* of a conclusion follows its first derivation's first premise back, step by
  step, until a given fact (or a firing that needed no premise): one line a person can read,
  from cause to effect. For an established fact the first *establishing* derivation leads
  (a possible derivation never hides an established one). Other derivations are in
  ``whyache explain``.
"""

from __future__ import annotations

from whyache.engine.explain.strength import first_derivation
from whyache.engine.model.definitions import Disagreement
from whyache.engine.runtime.result import Result


def specific_conclusions(result: Result) -> tuple[str, ...]:
    """Conclusions the summary names, kind by kind in report order (see module docstring)."""
    kb = result.kb
    used = {p.fact for firing in result.firings for p in firing.premises}
    chosen = []
    for kind in kb.kind_order:
        mode = kb.kind(kind).summary
        for fact in result.conclusions(kind) if mode != "never" else ():
            if mode == "always" or fact not in used:
                chosen.append(fact)
    return tuple(chosen)


def chain(result: Result, fact_id: str) -> tuple[str, ...]:
    """Fact ids from a given fact (or premise-less firing) to ``fact_id``, cause first."""
    steps = [fact_id]
    current = fact_id
    while result.case.get(current) is None:
        if not result.derivations(current):
            break
        first = first_derivation(result, current)
        if not first.premises:
            break
        current = first.premises[0].fact
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
