"""``whyache kb``: look inside a knowledge base and prove it sound.

``facts``, ``rules``, ``sources`` and ``stats`` list what the knowledge base holds; ``lint``
reports every problem at once (exit 1 on errors, 0 with warnings only). Text output is aligned
tables; every listing is ordered the same way on every run.

JSON formats (``--format json``); every object also carries ``"knowledge_base": {"name",
"version"}`` except ``lint``, which may run on a knowledge base that cannot be read:

``facts``   ``{"facts": [{"id", "label", "kind", "type", "unit", "range": [min, max] | null,
            "aliases": [...], "question", "description", "concluded_by": [rule ids],
            "used_by": [rule ids], "location"}]}`` ordered red flags first (by kind, then id)
``rules``   ``{"rules": [{"id", "description", "if", "alternatives": [[literal, ...], ...],
            "then": [fact ids], "sources": [{"doc", "section"}], "note", "location"}]}`` in
            knowledge-base order
``sources`` ``{"documents": [{"file", "title", "sections": [{"section", "rules": [rule ids]}]}],
            "sections", "sections_cited", "gaps": [{"doc", "section"}]}``; a section with an
            empty ``rules`` list is a gap
``stats``   ``{"facts": {"total", "by_kind": {kind: count}}, "rules", "alternatives",
            "disagreements", "documents", "sections", "sections_cited", "citations",
            "rules_per_document": {file: count}, "max_chain_depth"}``
``lint``    ``{"errors", "warnings", "findings": [{"severity", "check", "message", "hint",
            "location", "file", "line", "rule", "fact"}]}``
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from whyache.cli import exit_codes
from whyache.cli.errors import TranslatingGroup
from whyache.cli.options import format_option, kb_option, reporting_every_problem
from whyache.engine import FactDef, InputError, KnowledgeBase, RuleDef, resolve_fact
from whyache.engine.analysis.inventory import section_uses, stats
from whyache.engine.analysis.lint import Finding
from whyache.engine.model.conditions import format_number
from whyache.engine.model.vocabulary import suggest
from whyache.knowledge_base import load_knowledge_base
from whyache.knowledge_base.directory_lint import lint_knowledge_base


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "") -> str:
    """Columns padded to their widest cell; the last column is left ragged."""
    lines_in = [tuple(headers), *(tuple(row) for row in rows)] if headers else list(rows)
    widths = [max(len(cell) for cell in column) for column in zip(*lines_in, strict=True)]
    lines = []
    for row in lines_in:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        lines.append((indent + "  ".join(cells)).rstrip())
    return "\n".join(lines) + "\n"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _echo_json(data: dict[str, Any]) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _header(kb: KnowledgeBase) -> dict[str, str]:
    return {"name": kb.name, "version": kb.version}


def _location(item: FactDef | RuleDef) -> str | None:
    return str(item.location) if item.location else None


@click.group(cls=TranslatingGroup)
def kb() -> None:
    """Inspect and lint a knowledge base: facts, rules, sources, stats.

    \b
    Examples:
      whyache kb facts --kind red_flag
      whyache kb rules --fact dehydration
      whyache kb sources
      whyache kb lint --kb my_kb/
    """


# -- facts --------------------------------------------------------------------------------------


def _fact_order(kb: KnowledgeBase, fact: FactDef) -> tuple[int, str]:
    return (kb.kind_rank(fact.kind), fact.id)


def _fact_type(fact: FactDef) -> str:
    if not fact.is_numeric:
        return "yes/no"
    unit = f" {fact.unit}" if fact.unit else ""
    if fact.minimum is None or fact.maximum is None:
        return f"number{unit}"
    return f"number{unit} [{format_number(fact.minimum)}, {format_number(fact.maximum)}]"


def render_facts(kb: KnowledgeBase, facts: Sequence[FactDef]) -> str:
    rows = [
        (
            f.id,
            f.kind,
            _fact_type(f),
            str(len(kb.rules_concluding(f.id))),
            str(len(kb.rules_using(f.id))),
            f.label,
        )
        for f in facts
    ]
    headers = ("ID", "KIND", "TYPE", "CONCLUDED BY", "USED BY", "LABEL")
    return table(headers, rows) + f"\n{_plural(len(facts), 'fact')}\n"


def facts_to_dict(kb: KnowledgeBase, facts: Sequence[FactDef]) -> dict[str, Any]:
    return {
        "schema": "whyache.kb-facts/1",
        "knowledge_base": _header(kb),
        "facts": [
            {
                "id": f.id,
                "label": f.label,
                "kind": f.kind,
                "type": f.type.value,
                "unit": f.unit,
                "range": None if f.minimum is None else [f.minimum, f.maximum],
                "aliases": list(f.aliases),
                "question": f.question,
                "description": f.description,
                "concluded_by": [r.id for r in kb.rules_concluding(f.id)],
                "used_by": [r.id for r in kb.rules_using(f.id)],
                "location": _location(f),
            }
            for f in facts
        ],
    }


@kb.command()
@click.option(
    "--kind",
    default=None,
    metavar="KIND",
    help="Only facts of this kind (one the knowledge base declares, or input).",
)
@kb_option
@format_option()
def facts(kind: str | None, kb_dir: Path | None, output_format: str) -> None:
    """List the facts kind by kind in report order, and the rules around each.

    Kinds are the knowledge base's own (kb.yaml); inputs come last.

    \b
    Examples:
      whyache kb facts
      whyache kb facts --kind input --format json
    """
    knowledge = reporting_every_problem(load_knowledge_base, kb_dir)
    if kind is not None and not knowledge.has_kind(kind):
        close = suggest(kind, knowledge.kind_order, limit=1)
        hint = f"did you mean {close[0]!r}?" if close else None
        raise InputError(f"unknown kind {kind!r} for --kind", hint=hint or "see whyache kb stats")
    chosen = sorted(
        (f for f in knowledge.facts if kind is None or f.kind == kind),
        key=lambda f: _fact_order(knowledge, f),
    )
    if output_format == "json":
        _echo_json(facts_to_dict(knowledge, chosen))
    else:
        click.echo(render_facts(knowledge, chosen), nl=False)


# -- rules --------------------------------------------------------------------------------------


def render_rules(rules: Sequence[RuleDef]) -> str:
    """One row per rule; LINK is how strongly it holds (``-`` when it does not say), DOCS how
    many documents state it (its support), SOURCES how many passages it cites."""
    rows = [
        (
            r.id,
            str(r.condition),
            ", ".join(r.concludes),
            r.link.words if r.link is not None else "-",
            str(r.support),
            str(len(r.sources)),
        )
        for r in rules
    ]
    heading = ("ID", "IF", "THEN", "LINK", "DOCS", "SOURCES")
    return table(heading, rows) + f"\n{_plural(len(rules), 'rule')}\n"


def rules_to_dict(kb: KnowledgeBase, rules: Sequence[RuleDef]) -> dict[str, Any]:
    return {
        "schema": "whyache.kb-rules/1",
        "knowledge_base": _header(kb),
        "rules": [
            {
                "id": r.id,
                "description": r.description,
                "if": str(r.condition),
                "alternatives": [[str(lit) for lit in alt] for alt in r.alternatives],
                "then": list(r.concludes),
                "link": r.link.value if r.link is not None else None,
                "raise_when_possible": r.raise_when_possible,
                "support": r.support,
                "sources": [
                    {
                        "doc": s.document,
                        "section": s.section,
                        "says": s.says.value if s.says else None,
                    }
                    for s in r.sources
                ],
                "note": r.note,
                "location": _location(r),
            }
            for r in rules
        ],
    }


@kb.command()
@click.option(
    "--fact",
    "fact_name",
    metavar="FACT",
    default=None,
    help="Only rules that conclude or use this fact (an id or alias).",
)
@kb_option
@format_option()
def rules(fact_name: str | None, kb_dir: Path | None, output_format: str) -> None:
    """List the rules: condition, conclusions, link, documents stating it, number of sources.

    \b
    Examples:
      whyache kb rules
      whyache kb rules --fact dehydration --format json
    """
    knowledge = reporting_every_problem(load_knowledge_base, kb_dir)
    chosen: Sequence[RuleDef] = knowledge.rules
    if fact_name is not None:
        fact_id = resolve_fact(knowledge, fact_name).id
        chosen = [r for r in knowledge.rules if fact_id in r.concludes or fact_id in r.premises]
    if output_format == "json":
        _echo_json(rules_to_dict(knowledge, chosen))
    else:
        click.echo(render_rules(chosen), nl=False)


# -- sources ------------------------------------------------------------------------------------

GAP = "(gap: no rule cites this section)"


def render_sources(kb: KnowledgeBase, gaps_only: bool = False) -> str:
    uses = section_uses(kb)
    blocks = []
    for doc in kb.documents:
        rows = [
            (use.section, ", ".join(use.rules) or GAP)
            for use in uses
            if use.document == doc.file and (use.is_gap or not gaps_only)
        ]
        if rows:
            blocks.append(f"{doc.file}  {doc.title}\n" + table((), rows, indent="  "))
    gaps = sum(1 for use in uses if use.is_gap)
    cited = len(uses) - gaps
    summary = (
        f"{cited} of {_plural(len(uses), 'section')} cited by at least one rule; "
        f"{_plural(gaps, 'gap')}\n"
    )
    return "\n".join([*blocks, summary])


def sources_to_dict(kb: KnowledgeBase) -> dict[str, Any]:
    uses = section_uses(kb)
    return {
        "schema": "whyache.kb-sources/1",
        "knowledge_base": _header(kb),
        "documents": [
            {
                "file": doc.file,
                "title": doc.title,
                "sections": [
                    {"section": use.section, "rules": list(use.rules)}
                    for use in uses
                    if use.document == doc.file
                ],
            }
            for doc in kb.documents
        ],
        "sections": len(uses),
        "sections_cited": sum(1 for use in uses if not use.is_gap),
        "gaps": [{"doc": use.document, "section": use.section} for use in uses if use.is_gap],
    }


@kb.command()
@click.option("--gaps", "gaps_only", is_flag=True, help="Only sections that no rule cites.")
@kb_option
@format_option()
def sources(gaps_only: bool, kb_dir: Path | None, output_format: str) -> None:
    """Show which rules cite each document section, and the gaps.

    Sections no rule cites are marked as gaps: parts of a source not yet encoded.

    \b
    Examples:
      whyache kb sources
      whyache kb sources --gaps
    """
    knowledge = reporting_every_problem(load_knowledge_base, kb_dir)
    if output_format == "json":
        _echo_json(sources_to_dict(knowledge))
    else:
        click.echo(render_sources(knowledge, gaps_only), nl=False)


# -- stats --------------------------------------------------------------------------------------


def render_stats(kb: KnowledgeBase) -> str:
    s = stats(kb)
    rows = [
        ("Knowledge base", f"{kb.name} {kb.version}"),
        ("Facts", str(s.facts)),
        *((f"  {kind}", str(count)) for kind, count in s.facts_by_kind),
        ("Rules", str(s.rules)),
        ("Alternatives", f"{s.alternatives} (compiled rules, one per alternative)"),
        ("Disagreements", str(s.disagreements)),
        ("Documents", str(s.documents)),
        ("Sections cited", f"{s.sections_cited} of {s.sections}"),
        ("Citations", str(s.citations)),
        ("Max chain depth", _plural(s.max_chain_depth, "rule")),
        ("Rules per document", ""),
        *((f"  {file}", str(count)) for file, count in s.rules_per_document),
    ]
    return table((), rows)


def stats_to_dict(kb: KnowledgeBase) -> dict[str, Any]:
    s = stats(kb)
    return {
        "schema": "whyache.kb-stats/1",
        "knowledge_base": _header(kb),
        "facts": {
            "total": s.facts,
            "by_kind": {kind: count for kind, count in s.facts_by_kind},
        },
        "rules": s.rules,
        "alternatives": s.alternatives,
        "disagreements": s.disagreements,
        "documents": s.documents,
        "sections": s.sections,
        "sections_cited": s.sections_cited,
        "citations": s.citations,
        "rules_per_document": dict(s.rules_per_document),
        "max_chain_depth": s.max_chain_depth,
    }


@kb.command("stats")
@kb_option
@format_option()
def stats_command(kb_dir: Path | None, output_format: str) -> None:
    """Count facts, rules, citations and the longest chain of rules.

    \b
    Examples:
      whyache kb stats
      whyache kb stats --format json
    """
    knowledge = reporting_every_problem(load_knowledge_base, kb_dir)
    if output_format == "json":
        _echo_json(stats_to_dict(knowledge))
    else:
        click.echo(render_stats(knowledge), nl=False)


# -- lint ---------------------------------------------------------------------------------------


def render_findings(findings: Sequence[Finding]) -> str:
    errors = sum(1 for f in findings if f.is_error)
    warnings = len(findings) - errors
    lines = [str(f) for f in findings]
    if findings:
        lines.append(f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}")
    else:
        lines.append("no problems found")
    return "\n".join(lines) + "\n"


def findings_to_dict(findings: Sequence[Finding]) -> dict[str, Any]:
    errors = sum(1 for f in findings if f.is_error)
    return {
        "schema": "whyache.kb-lint/1",
        "errors": errors,
        "warnings": len(findings) - errors,
        "findings": [
            {
                "severity": f.severity,
                "check": f.check,
                "message": f.message,
                "hint": f.hint,
                "location": str(f.location) if f.location else None,
                "file": f.location.file if f.location else None,
                "line": f.location.line if f.location else None,
                "rule": f.rule,
                "fact": f.fact,
            }
            for f in findings
        ],
    }


@kb.command()
@kb_option
@format_option()
def lint(kb_dir: Path | None, output_format: str) -> None:
    """Report every problem in a knowledge base (exit 1 on errors).

    Errors (exit 1): schema, undeclared facts, type mismatches, unsourced or
    mis-cited rules, rules that can never fire, unreachable red flags, negation
    cycles. Warnings (exit 0): cycles, dead alternatives, unreachable facts,
    unused inputs, duplicate and subsumed rules.

    \b
    Examples:
      whyache kb lint
      whyache kb lint --kb my_kb/ --format json
    """
    findings = lint_knowledge_base(kb_dir)
    if output_format == "json":
        _echo_json(findings_to_dict(findings))
    else:
        click.echo(render_findings(findings), nl=False)
    if any(f.is_error for f in findings):
        raise click.exceptions.Exit(exit_codes.FAILED)
