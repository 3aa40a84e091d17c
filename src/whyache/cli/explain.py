"""``whyache explain`` (HOW) and ``whyache why-not`` (WHY-NOT) for one conclusion of a case."""

from __future__ import annotations

from pathlib import Path

import click

from whyache.api.session import run_case
from whyache.cli import exit_codes
from whyache.cli.errors import CliError
from whyache.cli.findings import findings_block
from whyache.cli.options import (
    build,
    case_options,
    engine_option,
    format_option,
    kb_option,
    load_kb,
)
from whyache.cli.report import flag_block
from whyache.cli.style import style_for
from whyache.engine import format_value, resolve_fact
from whyache.engine.analysis.findings import explain_finding
from whyache.engine.explain.how import NotConcludedError, how
from whyache.engine.explain.why_not import why_not as why_not_report
from whyache.engine.render.explain import how_json, how_text, why_not_json, why_not_text
from whyache.engine.render.findings import findings_to_dict
from whyache.engine.render.trace import header


@click.command()
@click.argument("conclusion")
@case_options
@engine_option()
@kb_option
@format_option()
def explain(
    conclusion: str,
    facts: tuple[str, ...],
    case_file: Path | None,
    kb_dir: Path | None,
    engine_name: str,
    output_format: str,
) -> None:
    """Show how CONCLUSION was derived: a tree from it down to the given facts.

    Each step names the rule, its description, the premises it matched (with values), the
    absence conditions it relied on, and its sources with how many documents state the link;
    a possible step says why it is only possible ("possible: heat can lead to dehydration, 3
    of 5 documents"). A fact derived more than one way shows every derivation. A finding the
    case reports (such as leg_ache) is given, so it shows what explains it instead: each
    documented cause the facts support, with its level, and what would support the rest. If
    CONCLUSION was not concluded, exits 1 and points to why-not.

    \b
    Examples:
      whyache explain leg_ache -f hot_weather -f inadequate_fluid_intake -f hours_since_run=2
      whyache explain dehydration -f hot_weather -f inadequate_fluid_intake --format json
      whyache explain leg_ache -f leg_ache -f hot_weather -f inadequate_fluid_intake
    """
    kb = load_kb(kb_dir)
    fact = resolve_fact(kb, conclusion)
    result = run_case(kb, build(kb, facts, case_file), engine_name)
    try:
        tree = how(result, fact.id)
    except NotConcludedError as exc:
        raise CliError(str(exc), exit_codes.FAILED, as_json=output_format == "json") from None
    # A finding the case reports is given, so its tree is one line: what explains it follows.
    reported = result.case.get(fact.id) is True and kb.is_observed(fact.id)
    findings = (explain_finding(result, fact.id),) if reported else ()
    if output_format == "json":
        explanations = findings_to_dict(kb, findings) if reported else None
        click.echo(how_json(tree, explanations), nl=False)
    else:
        style = style_for()
        flags = "\n".join(flag_block(result, style))
        text = how_text(tree, kb)
        if reported:
            text += "\n" + "\n".join(findings_block(result, findings, style))
        click.echo(f"{header(kb)}\n\n{flags}\n\n{text}", nl=False, color=style.colour)


@click.command(name="why-not")
@click.argument("conclusion")
@case_options
@engine_option()
@kb_option
@format_option()
def why_not(
    conclusion: str,
    facts: tuple[str, ...],
    case_file: Path | None,
    kb_dir: Path | None,
    engine_name: str,
    output_format: str,
) -> None:
    """Explain why CONCLUSION was not concluded, and what would conclude it.

    Lists every rule that could conclude it with each condition held, failed (a fact denied,
    a number out of range, a ruling-out feature present) or unknown, recursively through
    derived premises; then the given facts that rule it out and the smallest sets of extra
    input facts that would make it fire. A conclusion reached only at the possible level
    ("possible only") gets the same for the rules that would establish it. Exits 1 if
    CONCLUSION was concluded and established.

    \b
    Examples:
      whyache why-not stress_fracture -f hours_since_run=48 -f hot_weather
      whyache why-not dehydration -f hot_weather --format json
    """
    kb = load_kb(kb_dir)
    fact = resolve_fact(kb, conclusion)
    result = run_case(kb, build(kb, facts, case_file), engine_name)
    given = None if fact.is_input else result.case.get(fact.id)
    if given is not None:  # a reported finding: the case says it, no rule has to
        what = "given" if given is True else f"given as {format_value(given)}"
        see = f" (see whyache explain {fact.id} for what explains it)" if given is True else ""
        raise CliError(
            f"{fact.id!r} was {what} in the case, not concluded{see}",
            exit_codes.FAILED,
            as_json=output_format == "json",
        )
    report = why_not_report(kb, result, fact.id)
    if report.concluded and not report.possible_only:
        raise CliError(
            f"{fact.id!r} was concluded (see whyache explain {fact.id})",
            exit_codes.FAILED,
            as_json=output_format == "json",
        )
    if output_format == "json":
        click.echo(why_not_json(report), nl=False)
    else:
        click.echo(f"{header(kb)}\n\n{why_not_text(report, kb)}", nl=False)
