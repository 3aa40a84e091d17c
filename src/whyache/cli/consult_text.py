"""Text for ``whyache consult``: prompts, WHY, HOW, known facts and changed conclusions.

Pure functions returning lines, so the session loop only reads and echoes. HOW reuses the
derivation tree of ``whyache explain``.
"""

from __future__ import annotations

from whyache.engine import KnowledgeBase, Result
from whyache.engine.analysis.consultation import Consultation, Question, Reason
from whyache.engine.explain.how import how
from whyache.engine.model.conditions import format_number
from whyache.engine.model.definitions import ESTABLISHED, POSSIBLE
from whyache.engine.render.explain import how_text
from whyache.engine.render.trace import establish_text, given_value

INDENT = "    "

HELP = (
    "Answer with yes, no or unknown (y, n, u), or a number for amounts. At any prompt:",
    "  why        why this question is asked: what it can settle, and the rules, with sources",
    "  how FACT   how a fact is known: given, answered, or the chain that concluded it",
    "  back       take back the previous answer (its conclusions are withdrawn)",
    "  facts      what is known so far",
    "  done       stop asking (questions that could raise a red flag are still asked)",
    "  quit       stop now and print the report so far",
    "  help       this list",
)

#: Kinds of conclusion announced as they are reached or withdrawn during a consultation.


def shown_kinds(kb: KnowledgeBase) -> tuple[str, ...]:
    """The kinds a consultation reports as it goes: every kind but intermediate steps."""
    return tuple(k for k in kb.kind_order if not kb.kind(k).detail)


def prompt(kb: KnowledgeBase, number: int, question: Question) -> str:
    fact = kb.fact(question.fact)
    if question.group:
        return f"Q{number}. {question.text} [yes/no/unknown: no means none of them] > "
    if fact.is_numeric:
        unit = f" in {fact.unit}" if fact.unit else ""
        low = format_number(fact.minimum if fact.minimum is not None else 0)
        high = format_number(fact.maximum if fact.maximum is not None else 0)
        choices = f"number{unit}, {low} to {high}, or unknown"
    else:
        choices = "yes/no/unknown"
    return f"Q{number}. {question.text} [{choices}] > "


def why_lines(kb: KnowledgeBase, question: Question, reasons: tuple[Reason, ...]) -> list[str]:
    """Which still-possible conclusions the question serves, and through which rules."""
    asked = (
        f"{question.fact} (asked with {', '.join(question.facts)})"
        if question.group
        else (question.fact)
    )
    lines = [f"{INDENT}Asked because the answer to {asked} can confirm or rule out:"]
    rules: list[str] = []
    for reason in reasons:
        kind = kb.kind(reason.kind).singular
        lines.append(f"{INDENT}  {kind}: {kb.fact(reason.goal).label} [{reason.goal}]")
        rules += [r for r in reason.rules if r not in rules]
    lines.append(f"{INDENT}through these rules:")
    order = {rule.id: index for index, rule in enumerate(kb.rules)}
    for rule_id in sorted(rules, key=order.__getitem__):
        rule = kb.rule(rule_id)
        sources = "; ".join(str(s) for s in rule.sources)
        lines.append(f"{INDENT}  {rule_id}: {rule.description} ({sources})")
    return lines


def how_lines(result: Result, fact_id: str, answered_at: dict[str, int]) -> list[str]:
    """How a fact came to be known: given, answered, or concluded through a chain of firings."""
    kb = result.kb
    fact = kb.fact(fact_id)
    value = result.value(fact_id)
    if fact.is_input:
        if value is None:
            return [f"{INDENT}{fact.label} [{fact_id}] is not known."]
        where = f"answered at Q{answered_at[fact_id]}" if fact_id in answered_at else "given"
        return [f"{INDENT}{fact_id} = {given_value(kb, fact_id, value)} ({where})."]
    if not result.concludes(fact_id):
        return [f"{INDENT}{fact.label} [{fact_id}] is not concluded from the answers so far."]
    return [INDENT + line for line in how_text(how(result, fact_id), kb).splitlines()]


def facts_lines(kb: KnowledgeBase, consultation: Consultation, result: Result) -> list[str]:
    """Given facts, answers in order, and the conclusions reached so far."""
    given = [f"{k} = {given_value(kb, k, v)}" for k, v in consultation.given.facts]
    lines = [f"{INDENT}Given up front: {', '.join(given) or 'nothing'}"]
    answered = []
    for number, answer in enumerate(consultation.answers, start=1):
        shown = "unknown" if answer.value is None else given_value(kb, answer.fact, answer.value)
        answered.append(f"Q{number} {answer.fact} = {shown}")
    lines.append(f"{INDENT}Answered: {', '.join(answered) or 'nothing yet'}")
    groups = result.by_kind()
    concluded = [
        f"{kb.kind(kind).title}: {', '.join(groups[kind])}"
        for kind in shown_kinds(kb)
        if kind in groups
    ]
    lines.append(f"{INDENT}Concluded so far: {'; '.join(concluded) or 'nothing'}")
    return lines


def change_lines(kb: KnowledgeBase, before: Result | None, after: Result) -> list[str]:
    """Conclusions (of the kinds a consultation settles) gained, withdrawn or changed in
    level by an answer. A red flag raised says so loudly; one only possible says it is not
    raised and what would establish it."""
    shown = shown_kinds(kb)
    old = {f for f in (before.derived if before else ()) if kb.fact(f).kind in shown}
    new = {f for f in after.derived if kb.fact(f).kind in shown}
    raised_before = set(before.red_flags) if before else set()
    lines = []
    for kind in kb.kind_order:
        for fact_id in after.conclusions(kind):
            label = f"{kb.fact(fact_id).label} [{fact_id}]"
            if kb.kind(kind).urgent and fact_id in after.red_flags:
                if fact_id not in raised_before:
                    lines.append(f"{INDENT}!! {urgent_line(kb, kind, label)}")
            elif kb.kind(kind).urgent and fact_id in new - old:
                settle = establish_text(after, fact_id)
                lines.append(f"{INDENT}?? possible {kb.kind(kind).singular}: {label}; {settle}")
            elif fact_id in new - old:
                possible = " (possible)" if after.level(fact_id) == POSSIBLE else ""
                lines.append(f"{INDENT}→ concluded: {label}{possible}")
            elif (
                before is not None
                and fact_id in new
                and before.level(fact_id) != (level := after.level(fact_id))
            ):
                change = "established" if level == ESTABLISHED else "possible only"
                lines.append(f"{INDENT}→ now {change}: {label}")
    if before is not None:
        for kind in kb.kind_order:
            for fact_id in before.conclusions(kind):
                if fact_id in old - new:
                    lines.append(f"{INDENT}→ withdrawn: {kb.fact(fact_id).label} [{fact_id}]")
    return lines


def urgent_line(kb: KnowledgeBase, kind: str, label: str) -> str:
    """``RED FLAG: label: see a clinician``: the kind in capitals, then its action inline."""
    definition = kb.kind(kind)
    action = definition.action.rstrip(".")
    inline = f": {action[:1].lower()}{action[1:]}" if action else ""
    return f"{definition.singular.upper()}: {label}{inline}"


def unresolved_lines(
    kb: KnowledgeBase, open_flags: tuple[tuple[str, tuple[str, ...]], ...], result: Result
) -> list[str]:
    """Red flags that facts still unknown leave possible: never let them pass silently."""
    lines = []
    for flag, inputs in open_flags:
        if result.concludes(flag):
            continue  # already raised, loudly, in the report (or possible: below)
        lines.append(
            f"!! Red flag not ruled out: {kb.fact(flag).label} [{flag}]; "
            f"still unknown: {', '.join(inputs)}"
        )
    for flag in result.possible_red_flags:
        lines.append(
            f"?? Possible red flag, not ruled out: {kb.fact(flag).label} [{flag}]; "
            f"{establish_text(result, flag)}"
        )
    return lines


def settling_lines(kb: KnowledgeBase, question: Question) -> list[str]:
    """WHY for a question asked to settle a possible red flag at the established level."""
    flags = ", ".join(f"{kb.fact(f).label} [{f}]" for f in question.serves)
    return [
        f"{INDENT}Asked to settle a possible red flag: {flags} is reached only through "
        "possible links;",
        f"{INDENT}the answer to {question.fact} is part of what would establish it.",
    ]
