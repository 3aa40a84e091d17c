"""Checks that a knowledge base hangs together before it is compiled, and its strata.

:func:`problems` finds every error; :func:`validate` stops at the first, because a knowledge
base with an error cannot run. The linter (``whyache kb lint``) reports all of them, plus
warnings, under the stable check code each problem carries.
"""

from __future__ import annotations

from collections.abc import Iterator

from whyache.engine.errors import KnowledgeBaseError, KnowledgeBaseProblem
from whyache.engine.model.conditions import Compare, ConditionSyntaxError, Denied, atoms_in, to_dnf
from whyache.engine.model.definitions import SUMMARY_MODES, KnowledgeBase, RuleDef
from whyache.engine.model.vocabulary import suggest


def validate(kb: KnowledgeBase) -> dict[str, int]:
    """Raise KnowledgeBaseError for the first problem found; return each rule's stratum.

    A knowledge base is immutable, so a successful validation is remembered on it (and kept
    in the parsed-KB cache): the loader and every engine built from it share one check.
    """
    known = kb.known_strata()
    if known is not None:
        return dict(known)
    for problem in _problems_before_strata(kb):
        raise problem
    strata = stratify(kb)  # raises its own problem: the last that problems() reports
    kb.remember_strata(strata)
    return strata


def problems(kb: KnowledgeBase) -> Iterator[KnowledgeBaseError]:
    """Every error in a knowledge base, in a fixed order (the one :func:`validate` raises)."""
    yield from _problems_before_strata(kb)
    try:
        stratify(kb)
    except KnowledgeBaseError as exc:
        yield exc
    except ConditionSyntaxError:
        pass  # a condition too large to expand, reported above for its rule


def _check_question_groups(kb: KnowledgeBase) -> Iterator[KnowledgeBaseError]:
    """A question group asks two or more yes/no inputs, each in no other group."""
    seen: dict[str, str] = {}
    for group in kb.question_groups:
        what = f"question group {group.id!r}"
        if len(group.facts) < 2:
            yield KnowledgeBaseProblem(
                "schema", f"{what} needs two or more facts", location=group.location
            )
        for fact_id in group.facts:
            if not kb.has_fact(fact_id):
                close = suggest(fact_id, [f.id for f in kb.facts if f.is_input], limit=1)
                yield KnowledgeBaseProblem(
                    "undeclared-fact",
                    f"{what} asks undeclared fact {fact_id!r}",
                    hint=f"did you mean {close[0]!r}?" if close else None,
                    location=group.location,
                    fact=fact_id,
                )
            elif not kb.fact(fact_id).is_input or kb.fact(fact_id).is_numeric:
                yield KnowledgeBaseProblem(
                    "schema",
                    f"{what}: {fact_id!r} is not a yes/no input (a group answers yes or no)",
                    location=group.location,
                    fact=fact_id,
                )
            elif fact_id in seen:
                yield KnowledgeBaseProblem(
                    "duplicate-id",
                    f"{what}: {fact_id!r} is already asked in group {seen[fact_id]!r}",
                    location=group.location,
                    fact=fact_id,
                )
            else:
                seen[fact_id] = group.id


def _problems_before_strata(kb: KnowledgeBase) -> Iterator[KnowledgeBaseError]:
    yield from _check_unique(kb)
    yield from _check_kinds(kb)
    yield from _check_question_groups(kb)
    for fact in kb.facts:
        if not kb.has_kind(fact.kind):
            close = suggest(fact.kind, kb.kind_order, limit=1)
            kinds = ", ".join(kb.kind_order)
            yield KnowledgeBaseProblem(
                "schema",
                f"fact {fact.id!r}: unknown kind {fact.kind!r}",
                hint=f"did you mean {close[0]!r}?"
                if close
                else f"declare it under kinds: in kb.yaml, or use one of {kinds}",
                location=fact.location,
                fact=fact.id,
            )
        if fact.is_input and not fact.question:
            yield KnowledgeBaseProblem(
                "schema",
                f"input fact {fact.id!r} needs a question to ask a person",
                location=fact.location,
                fact=fact.id,
            )
        if fact.is_numeric and (fact.minimum is None or fact.maximum is None):
            yield KnowledgeBaseProblem(
                "schema",
                f"numeric fact {fact.id!r} needs a valid range [min, max]",
                location=fact.location,
                fact=fact.id,
            )
    for rule in kb.rules:
        yield from _check_rule(kb, rule)


def _check_kinds(kb: KnowledgeBase) -> Iterator[KnowledgeBaseError]:
    """Declared kinds: unique ids, a known summary mode, ``input`` left to the engine."""
    seen: set[str] = set()
    for kind in kb.kinds:
        if kind.id in seen or kind.id == "input":
            why = "is declared twice" if kind.id in seen else "is the engine's own kind"
            yield KnowledgeBaseProblem("schema", f"kind {kind.id!r} {why}", location=kind.location)
        seen.add(kind.id)
        if kind.summary not in SUMMARY_MODES:
            yield KnowledgeBaseProblem(
                "schema",
                f"kind {kind.id!r}: summary must be one of {', '.join(SUMMARY_MODES)}",
                location=kind.location,
            )


def _check_unique(kb: KnowledgeBase) -> Iterator[KnowledgeBaseError]:
    seen: dict[str, str] = {}
    names: dict[str, str] = {}
    for fact in kb.facts:
        where = str(fact.location) if fact.location else "?"
        if fact.id in seen:
            yield KnowledgeBaseProblem(
                "duplicate-id",
                f"fact {fact.id!r} is declared twice (first at {seen[fact.id]})",
                location=fact.location,
                fact=fact.id,
            )
            continue
        seen[fact.id] = where
        for alias in fact.aliases:
            key = alias.lower()
            if key in names and names[key] != fact.id:
                yield KnowledgeBaseProblem(
                    "duplicate-id",
                    f"alias {alias!r} of {fact.id!r} is already used by {names[key]!r}",
                    location=fact.location,
                    fact=fact.id,
                )
                continue
            names[key] = fact.id
    for fact in kb.facts:
        if fact.id in names and names[fact.id] != fact.id:
            yield KnowledgeBaseProblem(
                "duplicate-id",
                f"fact id {fact.id!r} is also an alias of {names[fact.id]!r}",
                location=fact.location,
                fact=fact.id,
            )
    rules: dict[str, str] = {}
    for rule in kb.rules:
        if rule.id in rules:
            yield KnowledgeBaseProblem(
                "duplicate-id",
                f"rule id is used twice (first at {rules[rule.id]})",
                location=rule.location,
                rule=rule.id,
            )
            continue
        rules[rule.id] = str(rule.location) if rule.location else "?"
    files: set[str] = set()
    for doc in kb.documents:
        if doc.file in files:
            yield KnowledgeBaseProblem(
                "duplicate-id", f"document {doc.file!r} is registered twice", location=doc.location
            )
        files.add(doc.file)
    for dis in kb.disagreements:
        for rule_id in dis.rules:
            if not kb.has_rule(rule_id):
                yield KnowledgeBaseProblem(
                    "disagreement",
                    f"disagreement {dis.id!r} names unknown rule {rule_id!r}",
                    location=dis.location,
                    hint=_did_you_mean(rule_id, [r.id for r in kb.rules]),
                )
        if len(dis.rules) < 2:
            yield KnowledgeBaseProblem(
                "disagreement",
                f"disagreement {dis.id!r} must name at least two rules (one per view)",
                location=dis.location,
            )


def _did_you_mean(name: str, options: list[str]) -> str | None:
    matches = suggest(name, options, cutoff=0.6)
    return f"did you mean {' or '.join(repr(m) for m in matches)}?" if matches else None


def _check_rule(kb: KnowledgeBase, rule: RuleDef) -> Iterator[KnowledgeBaseError]:
    def fail(
        check: str, message: str, hint: str | None = None, fact: str | None = None
    ) -> KnowledgeBaseError:
        return KnowledgeBaseProblem(
            check, message, location=rule.location, rule=rule.id, hint=hint, fact=fact
        )

    if not rule.description.strip():
        yield fail("schema", "needs a description")
    if not rule.sources:
        yield fail("no-source", "cites no source")
    if kb.documents:
        for source in rule.sources:
            doc = kb.document(source.document)
            if doc is None:
                yield fail(
                    "unknown-document",
                    f"cites unknown document {source.document!r}",
                    _did_you_mean(source.document, [d.file for d in kb.documents]),
                )
            elif source.section not in doc.sections:
                yield fail(
                    "unknown-section",
                    f"cites unknown section {source.section!r} of {source.document}",
                    _did_you_mean(source.section, list(doc.sections)),
                )
    for fact_id in dict.fromkeys((*rule.premises, *rule.concludes)):
        if not kb.has_fact(fact_id):
            yield fail(
                "undeclared-fact",
                f"uses undeclared fact {fact_id!r}",
                _did_you_mean(fact_id, [f.id for f in kb.facts]),
                fact=fact_id,
            )
    for fact_id in rule.concludes:
        if kb.has_fact(fact_id) and kb.fact(fact_id).is_input:
            yield fail(
                "concludes-input",
                f"concludes input fact {fact_id!r}; inputs come only from the case "
                "(declare a separate derived fact)",
                fact=fact_id,
            )
    if not rule.concludes:
        yield fail("schema", "concludes nothing")
    for atom in atoms_in(rule.condition):
        if not kb.has_fact(atom.fact):
            continue
        fact = kb.fact(atom.fact)
        if isinstance(atom, Compare) and not fact.is_numeric:
            yield fail(
                "type-mismatch", f"compares yes/no fact {atom.fact!r} with a number", fact=fact.id
            )
        if isinstance(atom, Denied) and fact.is_numeric:
            yield fail(
                "type-mismatch",
                f"numeric fact {atom.fact!r} cannot be denied; compare it instead",
                fact=fact.id,
            )
    try:
        to_dnf(rule.condition)
    except ConditionSyntaxError as exc:
        yield fail("schema", str(exc))


def stratify(kb: KnowledgeBase) -> dict[str, int]:
    """Give each rule a stratum so that a rule testing a derived fact's absence waits for it.

    A rule's stratum is at least that of every fact it needs, and one more than that of every
    derived fact it needs to be absent (negation as failure). Rules fire in increasing stratum
    order, so absence is judged only once nothing lower can still conclude the fact. A cycle
    through an absence test has no stratification and is an error. Undeclared facts (which
    validation reports separately) are treated as derived.
    """
    fact_stratum: dict[str, int] = {f.id: 0 for f in kb.facts}
    levels = [0] * len(kb.rules)  # by position: a duplicated rule id must not make this loop
    limit = len(kb.facts) + 1
    # Per rule, what each literal adds to the fact's stratum (1: a derived fact's absence),
    # worked out once rather than on every pass.
    needs = [_needs(kb, rule) for rule in kb.rules]
    changed = True
    while changed:
        changed = False
        for index, rule in enumerate(kb.rules):
            level = 0
            for fact_id, extra in needs[index].items():
                level = max(level, fact_stratum.get(fact_id, 0) + extra)
            if level > limit:
                raise KnowledgeBaseProblem(
                    "negation-cycle",
                    "takes part in a cycle through an absence or 'not' condition, "
                    "which has no well-defined result",
                    location=rule.location,
                    rule=rule.id,
                )
            if level != levels[index]:
                levels[index] = level
                changed = True
            for fact_id in rule.concludes:
                if fact_stratum.get(fact_id, 0) < level:
                    fact_stratum[fact_id] = level
                    changed = True
    rule_stratum: dict[str, int] = {}
    for rule, level in zip(kb.rules, levels, strict=True):
        rule_stratum[rule.id] = max(level, rule_stratum.get(rule.id, 0))
    return rule_stratum


def _needs(kb: KnowledgeBase, rule: RuleDef) -> dict[str, int]:
    found: dict[str, int] = {}
    for conj in rule.alternatives:
        for lit in conj:
            is_input = kb.has_fact(lit.fact) and kb.fact(lit.fact).is_input
            extra = 1 if not lit.is_positive_pattern and not is_input else 0
            found[lit.fact] = max(found.get(lit.fact, 0), extra)
    return found
