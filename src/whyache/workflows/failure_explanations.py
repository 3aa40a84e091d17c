"""Short explanations inside scenario failures: HOW an unexpected fact came about, WHY NOT a
missing one.

A failed expectation is only useful when it says what to look at, so each message carries the
evidence from the run: for something derived, the firings that led to it; for something
missing, each rule that could have concluded it with the state of every part of its condition.

These are deliberately compact and built only from a :class:`Result`; the full WHY-NOT and HOW
renderers may replace them. The checker calls only the four functions below, each returning
lines (indented with :data:`INDENT` for structure): :func:`explain_missing` and
:func:`explain_rule` for WHY NOT, :func:`explain_unexpected` and :func:`explain_firing` for HOW.
"""

from __future__ import annotations

from whyache.engine import Firing, Premise, Result, RuleDef, evaluate, format_value
from whyache.engine.model.conditions import All, AnyOf, Condition, facts_in

INDENT = "  "


def explain_unexpected(result: Result, fact: str) -> tuple[str, ...]:
    """HOW: the firings that derived a fact, in the order they happened."""
    derivations = result.derivations(fact)
    if not derivations:
        return (f"{fact} was given, not derived",)
    return explain_firing(result, derivations[0])


def explain_firing(result: Result, firing: Firing) -> tuple[str, ...]:
    """HOW: a firing and, walking back, the first derivation of each derived premise."""
    needed: dict[int, Firing] = {}
    todo = [firing]
    while todo:
        current = todo.pop()
        if current.number in needed:
            continue
        needed[current.number] = current
        for premise in current.premises:
            earlier = [f for f in result.derivations(premise.fact) if f.number < current.number]
            if earlier:
                todo.append(earlier[0])
    lines = ["how:"]
    lines += [INDENT + firing_text(needed[n]) for n in sorted(needed)]
    return tuple(lines)


def explain_missing(result: Result, fact: str) -> tuple[str, ...]:
    """WHY NOT: each rule that concludes the fact, and which parts of its condition failed."""
    given = result.case.get(fact)
    if given is not None:
        return (f"why not: {fact} was given ({fact} = {format_value(given)}), not derived",)
    rules = result.kb.rules_concluding(fact)
    if not rules:
        return (f"why not: no rule concludes {fact}",)
    lines = [f"why not: no rule that concludes {fact} fired"]
    for rule in rules:
        lines += [INDENT + line for line in explain_rule(result, rule)]
    return tuple(lines)


def explain_rule(result: Result, rule: RuleDef) -> tuple[str, ...]:
    """A rule's condition, part by part: held, failed or unknown, with the values involved."""
    cond = rule.condition
    parts: tuple[Condition, ...] = cond.items if isinstance(cond, All | AnyOf) else (cond,)
    needs = {All: "all of", AnyOf: "one of"}.get(type(cond), "")
    lines = [f"{rule.id} needs {needs}:" if needs else f"{rule.id} needs:"]
    for part in parts:
        state = evaluate(part, result.value)
        status = {True: "held", False: "failed", None: "unknown"}[state]
        detail = "" if state is True else _detail(result, part)
        lines.append(f"{INDENT}{status:<8}{part}{detail}")
    return tuple(lines)


def firing_text(firing: Firing) -> str:
    """``2. thirst_aches: thirst ⇒ ache`` (with what it assumed, if anything)."""
    premises = ", ".join(premise_text(p) for p in firing.premises) or "(nothing given)"
    text = f"{firing.number}. {firing.rule}: {premises} ⇒ {', '.join(firing.concludes)}"
    if firing.assumptions:
        text += f" (assuming {'; '.join(firing.assumptions)})"
    return text


def premise_text(premise: Premise) -> str:
    """``thirst``, ``water = no`` or ``hours = 30``."""
    if premise.value is True:
        return premise.fact
    return f"{premise.fact} = {format_value(premise.value)}"


def _detail(result: Result, part: Condition) -> str:
    """The values of the facts a condition part mentions: ``(hours = 2; thirst not concluded)``."""
    facts = tuple(dict.fromkeys(facts_in(part)))
    bare = facts == (str(part),)  # a plain "thirst" needs no "thirst" in its note
    notes = []
    for fact in facts:
        value = result.value(fact)
        if value is not None:
            notes.append(f"{fact} = {format_value(value)}")
        else:
            missing = "not given" if result.kb.fact(fact).is_input else "not concluded"
            notes.append(missing if bare else f"{fact} {missing}")
    return f" ({'; '.join(notes)})"
