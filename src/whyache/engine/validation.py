"""Checks that a knowledge base hangs together before it is compiled, and its strata.

Validation stops at the first error: a knowledge base with an error cannot run. The linter
(``whyache kb lint``) reports warnings on top of these errors without stopping.
"""

from __future__ import annotations

from whyache.engine.conditions import Compare, ConditionSyntaxError, Denied, atoms_in, to_dnf
from whyache.engine.errors import KnowledgeBaseError
from whyache.engine.model import Kind, KnowledgeBase, RuleDef
from whyache.engine.vocabulary import suggest


def validate(kb: KnowledgeBase) -> dict[str, int]:
    """Raise KnowledgeBaseError for the first problem found; return each rule's stratum."""
    _check_unique(kb)
    for fact in kb.facts:
        if fact.kind is Kind.INPUT and not fact.question:
            raise KnowledgeBaseError(
                f"input fact {fact.id!r} needs a question to ask a person",
                location=fact.location,
            )
        if fact.is_numeric and (fact.minimum is None or fact.maximum is None):
            raise KnowledgeBaseError(
                f"numeric fact {fact.id!r} needs a valid range [min, max]", location=fact.location
            )
    for rule in kb.rules:
        _check_rule(kb, rule)
    return stratify(kb)


def _check_unique(kb: KnowledgeBase) -> None:
    seen: dict[str, str] = {}
    names: dict[str, str] = {}
    for fact in kb.facts:
        where = str(fact.location) if fact.location else "?"
        if fact.id in seen:
            raise KnowledgeBaseError(
                f"fact {fact.id!r} is declared twice (first at {seen[fact.id]})",
                location=fact.location,
            )
        seen[fact.id] = where
        for alias in fact.aliases:
            key = alias.lower()
            if key in names and names[key] != fact.id:
                raise KnowledgeBaseError(
                    f"alias {alias!r} of {fact.id!r} is already used by {names[key]!r}",
                    location=fact.location,
                )
            names[key] = fact.id
    for fact in kb.facts:
        if fact.id in names and names[fact.id] != fact.id:
            raise KnowledgeBaseError(
                f"fact id {fact.id!r} is also an alias of {names[fact.id]!r}",
                location=fact.location,
            )
    rules: dict[str, str] = {}
    for rule in kb.rules:
        if rule.id in rules:
            raise KnowledgeBaseError(
                f"rule id is used twice (first at {rules[rule.id]})",
                location=rule.location,
                rule=rule.id,
            )
        rules[rule.id] = str(rule.location) if rule.location else "?"
    for doc_count, doc in enumerate(kb.documents):
        if any(d.file == doc.file for d in kb.documents[:doc_count]):
            raise KnowledgeBaseError(
                f"document {doc.file!r} is registered twice", location=doc.location
            )
    for dis in kb.disagreements:
        for rule_id in dis.rules:
            if not kb.has_rule(rule_id):
                raise KnowledgeBaseError(
                    f"disagreement {dis.id!r} names unknown rule {rule_id!r}",
                    location=dis.location,
                    hint=_did_you_mean(rule_id, [r.id for r in kb.rules]),
                )
        if len(dis.rules) < 2:
            raise KnowledgeBaseError(
                f"disagreement {dis.id!r} must name at least two rules (one per view)",
                location=dis.location,
            )


def _did_you_mean(name: str, options: list[str]) -> str | None:
    matches = suggest(name, options, cutoff=0.6)
    return f"did you mean {' or '.join(repr(m) for m in matches)}?" if matches else None


def _check_rule(kb: KnowledgeBase, rule: RuleDef) -> None:
    def fail(message: str, hint: str | None = None) -> KnowledgeBaseError:
        return KnowledgeBaseError(message, location=rule.location, rule=rule.id, hint=hint)

    fact_ids = [f.id for f in kb.facts]
    if not rule.description.strip():
        raise fail("needs a description")
    if not rule.sources:
        raise fail("cites no source")
    if kb.documents:
        for source in rule.sources:
            doc = kb.document(source.document)
            if doc is None:
                raise fail(
                    f"cites unknown document {source.document!r}",
                    _did_you_mean(source.document, [d.file for d in kb.documents]),
                )
            if source.section not in doc.sections:
                raise fail(
                    f"cites unknown section {source.section!r} of {source.document}",
                    _did_you_mean(source.section, list(doc.sections)),
                )
    for fact_id in (*rule.premises, *rule.concludes):
        if not kb.has_fact(fact_id):
            raise fail(f"uses undeclared fact {fact_id!r}", _did_you_mean(fact_id, fact_ids))
    for fact_id in rule.concludes:
        if kb.fact(fact_id).is_input:
            raise fail(
                f"concludes input fact {fact_id!r}; inputs come only from the case "
                "(declare a separate derived fact)"
            )
    if not rule.concludes:
        raise fail("concludes nothing")
    for atom in atoms_in(rule.condition):
        fact = kb.fact(atom.fact)
        if isinstance(atom, Compare) and not fact.is_numeric:
            raise fail(f"compares yes/no fact {atom.fact!r} with a number")
        if isinstance(atom, Denied) and fact.is_numeric:
            raise fail(f"numeric fact {atom.fact!r} cannot be denied; compare it instead")
    try:
        to_dnf(rule.condition)
    except ConditionSyntaxError as exc:
        raise fail(str(exc)) from None


def stratify(kb: KnowledgeBase) -> dict[str, int]:
    """Give each rule a stratum so that a rule testing a derived fact's absence waits for it.

    A rule's stratum is at least that of every fact it needs, and one more than that of every
    derived fact it needs to be absent (negation as failure). Rules fire in increasing stratum
    order, so absence is judged only once nothing lower can still conclude the fact. A cycle
    through an absence test has no stratification and is an error.
    """
    fact_stratum: dict[str, int] = {f.id: 0 for f in kb.facts}
    rule_stratum: dict[str, int] = {r.id: 0 for r in kb.rules}
    limit = len(kb.facts) + 1
    changed = True
    while changed:
        changed = False
        for rule in kb.rules:
            level = 0
            for conj in rule.alternatives:
                for lit in conj:
                    base = fact_stratum[lit.fact]
                    needs_absence = not lit.is_positive_pattern and not kb.fact(lit.fact).is_input
                    level = max(level, base + 1 if needs_absence else base)
            if level > limit:
                raise KnowledgeBaseError(
                    "takes part in a cycle through an absence or 'not' condition, "
                    "which has no well-defined result",
                    location=rule.location,
                    rule=rule.id,
                )
            if level != rule_stratum[rule.id]:
                rule_stratum[rule.id] = level
                changed = True
            for fact_id in rule.concludes:
                if fact_stratum[fact_id] < level:
                    fact_stratum[fact_id] = level
                    changed = True
    return rule_stratum
