"""``whyache run`` and ``whyache demo``: run one case and print its reasoning trace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from whyache.api.session import run_case
from whyache.cli.findings import findings_block, findings_section
from whyache.cli.options import (
    build,
    case_options,
    engine_option,
    format_option,
    kb_option,
    load_kb,
)
from whyache.cli.report import render_report
from whyache.cli.style import Style, style_for
from whyache.engine import Result, case_from_mapping
from whyache.engine.analysis.findings import FindingExplanation, explain_findings
from whyache.engine.analysis.report import build_report, settling_questions
from whyache.engine.render.findings import findings_to_dict
from whyache.engine.render.serialize import report_to_dict, result_to_dict
from whyache.engine.render.trace import header, render_trace

if TYPE_CHECKING:
    from whyache.engine.analysis.consultation import Question  # networkx: not at start-up

trace_option = click.option(
    "--trace",
    "full_trace",
    is_flag=True,
    help="Print the full reasoning trace (every firing, sourced) instead of the short report.",
)


def emit(result: Result, output_format: str, full_trace: bool = False) -> None:
    findings = explain_findings(result)
    if output_format == "json":
        data = result_to_dict(result)
        data["report"] = report_to_dict(result, build_report(result), questions_for(result))
        data["explanations"] = findings_to_dict(result.kb, findings)
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    style = style_for()
    if full_trace:
        text = render_trace(result)
        block = findings_block(result, findings, style)
        if block:  # after the trace, a blank line before
            text += "\n" + "\n".join(block)
        click.echo(text, nl=False, color=style.colour)
    else:
        click.echo(report_text(result, style, findings), nl=False, color=style.colour)


def report_text(
    result: Result, style: Style, findings: tuple[FindingExplanation, ...] | None = None
) -> str:
    """The short report as ``run`` prints it, what explains a reported finding after the
    red flags."""
    findings = explain_findings(result) if findings is None else findings
    return render_report(
        result,
        style,
        header(result.kb),
        questions_for(result),
        after_flags=findings_section(result, findings, style),
    )


def questions_for(result: Result) -> tuple[Question, ...]:
    """When nothing is concluded, the three questions that would settle the most."""
    return () if result.derived else settling_questions(result.kb, result.case)


@click.command()
@case_options
@engine_option()
@kb_option
@format_option()
@trace_option
def run(
    facts: tuple[str, ...],
    case_file: Path | None,
    kb_dir: Path | None,
    engine_name: str,
    output_format: str,
    full_trace: bool,
) -> None:
    """Run a case and print a one-screen report; --trace prints every firing, sourced.

    The report puts red flags first, each with the given facts that raised it, then possible
    red flags (reached only through "can lead to" or "raises the risk of" links: not raised,
    to rule out, with what would establish them), then, for each finding the case reports
    (-f leg_ache, say), the documented causes the facts support, established first, and what
    would support the others ("Why aching legs?"), then what the facts explain (every premise
    named; a possible conclusion names its possible links and how many documents state
    them), what to ask next, advice by timing (self-care waits while a red flag is raised or
    possible), disagreements between the sources and the sources cited. A fact not given is
    unknown, never false; FACT=no denies it.

    \b
    Examples:
      whyache run -f hot_weather -f inadequate_fluid_intake -f hours_since_run=2
      whyache run -f pain_sharp -f pain_localized_to_point -f pain_at_rest --trace
      whyache run --case case.yaml --format json
    """
    kb = load_kb(kb_dir)
    case = build(kb, facts, case_file)
    if not case.facts:
        click.echo(NO_FACTS_HINT, err=True)
    emit(run_case(kb, case, engine_name), output_format, full_trace)


#: Printed on stderr by ``whyache run`` without facts, so the empty report is not a mystery.
NO_FACTS_HINT = (
    "whyache run: no facts given, so every fact is unknown and nothing follows. "
    "Give facts with -f FACT (list them: whyache kb facts --kind input), "
    "or let whyache ask: whyache consult"
)


@click.command()
@engine_option()
@kb_option
@format_option()
@trace_option
def demo(kb_dir: Path | None, engine_name: str, output_format: str, full_trace: bool) -> None:
    """Run the knowledge base's built-in demo case and print its report (--trace: every step).

    \b
    Examples:
      whyache demo
      whyache demo --trace
    """
    kb = load_kb(kb_dir)
    if not kb.demo:
        raise click.ClickException(f"knowledge base {kb.name!r} has no demo case in kb.yaml")
    case = case_from_mapping(kb, dict(kb.demo))
    emit(run_case(kb, case, engine_name), output_format, full_trace)
