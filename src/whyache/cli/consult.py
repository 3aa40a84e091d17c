"""``whyache consult``: an interactive consultation that asks only what can change a conclusion.

The choice of question lives in :mod:`whyache.engine.analysis.consultation`; this module reads
answers (from the terminal, standard input or ``--answers FILE``), re-runs the engine after each
one, and prints the same report as ``whyache run`` at the end. When no question can change a
conclusion but a red flag is only possible, the inputs of the fewest additions that would
establish it (WHY-NOT's) are asked too: a possible red flag is settled, never left hanging.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import click

from whyache.cli import exit_codes
from whyache.cli.consult_text import (
    HELP,
    INDENT,
    change_lines,
    facts_lines,
    how_lines,
    prompt,
    settling_lines,
    unresolved_lines,
    why_lines,
)
from whyache.cli.errors import CliError
from whyache.cli.options import build, case_options, engine_option, format_option, kb_option, load
from whyache.cli.run import emit
from whyache.cli.streams import refuse_input_as_output, replacing
from whyache.engine import (
    Case,
    FactDef,
    FactValueError,
    InputError,
    KnowledgeBase,
    Result,
    UnknownFactError,
    Value,
    parse_value,
    resolve_fact,
)
from whyache.engine.analysis.consultation import Consultant, Consultation, Question
from whyache.engine.explain.why_not import why_not
from whyache.engine.model.answers import is_unknown, yes_no
from whyache.engine.render.trace import given_value
from whyache.engine.runtime.engines import Runner
from whyache.knowledge_base import dump_case
from whyache.knowledge_base.reading import read_text


class _Reader:
    """Reads one answer per prompt: from a terminal, piped standard input, or a file.

    Without a terminal each answer is echoed after its prompt, so a transcript reads like the
    session; blank lines and ``#`` comments are skipped. End of input returns None.
    """

    def __init__(self, lines: list[str] | None, err: bool) -> None:
        self.err = err
        self._lines: Iterator[str] | None = iter(lines) if lines is not None else None
        self._stdin = sys.stdin
        self.interactive = lines is None and self._stdin.isatty()

    def ask(self, text: str) -> str | None:
        if self.interactive:
            click.echo(text, nl=False, err=self.err)
            try:
                return input()
            except EOFError:
                click.echo("", err=self.err)
                return None
        click.echo(text, nl=False, err=self.err)
        while True:
            line = self._next_line()
            if line is None:
                click.echo("", err=self.err)
                return None
            answer = line.strip()
            if answer and not answer.startswith("#"):
                click.echo(answer, err=self.err)
                return answer

    def _next_line(self) -> str | None:
        if self._lines is not None:
            return next(self._lines, None)
        try:
            line: str = self._stdin.readline(_MAX_ANSWER + 1)
        except UnicodeDecodeError:
            raise InputError("standard input is not valid UTF-8 text") from None
        if len(line) > _MAX_ANSWER:
            raise InputError(f"an answer longer than {_MAX_ANSWER} characters")
        return line or None


#: The longest answer read from the terminal (an answer is a word or a number).
_MAX_ANSWER = 4096


def parse_answer(fact: FactDef, text: str) -> tuple[Value | None, str | None]:
    """(value, None) for a usable answer, (None, reason) for one that is not."""
    if is_unknown(text):
        return None, None
    if not fact.is_numeric and yes_no(text) is None:
        return None, "Please answer yes, no or unknown (or type help)."
    try:
        return parse_value(fact, text), None
    except FactValueError as exc:
        return None, exc.message


class _Session:
    """One consultation in the terminal: the loop of asking, answering and commands."""

    def __init__(
        self, kb: KnowledgeBase, engine: Runner, start: Case, reader: _Reader, err: bool
    ) -> None:
        self.kb = kb
        self.engine = engine
        self.consultant = Consultant(kb)
        self.consultation = Consultation(start)
        self.reader = reader
        self.err = err
        self.result = engine.run(start)
        self.settling: set[str] = set()  # facts asked to settle a possible red flag

    def say(self, lines: list[str] | tuple[str, ...] | str) -> None:
        for line in [lines] if isinstance(lines, str) else lines:
            click.echo(line, err=self.err)

    def run(self) -> str:
        """Ask until nothing can change; return how the session ended."""
        kb = self.kb
        tagline = f" · {kb.tagline}" if kb.tagline else ""
        self.say(f"Consultation · {kb.name} {kb.version}{tagline}")
        self.say("Answer yes, no or unknown (a number for amounts); type help for commands.")
        self.say("")
        if self.consultation.given.facts:
            given = ", ".join(
                f"{k} = {given_value(kb, k, v)}" for k, v in self.consultation.given.facts
            )
            self.say(f"Given up front: {given}")
            self.say(change_lines(kb, None, self.result))
        kinds: tuple[str, ...] | None = None  # every goal, until the person says done
        while True:
            question = self.next_question(kinds)
            if question is None:
                return "complete" if kinds is None else "done"
            number = self.consultation.steps + 1
            text = self.reader.ask(prompt(kb, number, question))
            if text is None:
                return "eof"
            word, _, rest = text.strip().partition(" ")
            command = word.lower()
            if command == "why" and question.fact in self.settling:
                self.say(settling_lines(kb, question))
            elif command == "why":
                reasons = self.consultant.reasons(self.consultation, question.fact, kinds)
                self.say(why_lines(kb, question, reasons))
            elif command == "how":
                self.how(rest.strip())
            elif command == "back":
                self.back()
            elif command == "facts":
                self.say(facts_lines(kb, self.consultation, self.result))
            elif command == "help":
                self.say([INDENT + line for line in HELP])
            elif command == "done":
                kinds = self.kb.urgent_kinds
                if self.consultant.next_question(self.consultation, kinds) is not None:
                    flag = " or ".join(self.kb.kind(k).singular for k in kinds)
                    self.say(f"{INDENT}Questions that could raise a {flag} are still asked.")
            elif command == "quit":
                return "quit"
            else:
                # A group's facts are yes/no inputs (validated), so its answer reads as theirs.
                value, reason = parse_answer(kb.fact(question.fact), text)
                if reason is not None:
                    self.say(f"{INDENT}{reason}")
                    continue
                if question.group:
                    answer = None if value is None else bool(value)
                    self.update(
                        self.consultation.answer_group(question.group, question.facts, answer)
                    )
                else:
                    self.update(self.consultation.answer(question.fact, value))

    def next_question(self, kinds: tuple[str, ...] | None) -> Question | None:
        """The consultant's next question; when it has none, one that would help establish
        a possible red flag (an input of the first addition WHY-NOT finds, all unasked)."""
        question = self.consultant.next_question(self.consultation, kinds)
        if question is not None:
            return question
        for flag in self.result.possible_red_flags:
            for addition in why_not(self.kb, self.result, flag).additions:
                facts = [f for f, _value in addition.example]
                if facts and not any(self.consultation.settled(f) for f in facts):
                    fact = self.kb.fact(facts[0])
                    self.settling.add(fact.id)
                    text = fact.question or fact.label
                    return Question(fact.id, text, (flag,), Fraction(0), Fraction(0))
        return None

    def update(self, consultation: Consultation) -> None:
        """Adopt a new state, re-run the engine and say which conclusions changed."""
        self.consultation = consultation
        result = self.engine.run(consultation.case)
        self.say(change_lines(self.kb, self.result, result))
        self.result = result

    def back(self) -> None:
        if not self.consultation.answers:
            self.say(f"{INDENT}No answer to take back (facts given up front stay).")
            return
        last = self.consultation.answers[-1]
        what = f"the question group {last.group}" if last.group else last.fact
        self.say(f"{INDENT}Took back the answer to {what}.")
        self.update(self.consultation.back())

    def how(self, name: str) -> None:
        if not name:
            self.say(f"{INDENT}Say which fact, e.g. how {self.example_fact()}")
            return
        try:
            fact = resolve_fact(self.kb, name)
        except UnknownFactError as exc:
            self.say(f"{INDENT}{exc}")
            return
        answered = {a.fact: n for n, a in enumerate(self.consultation.answers, start=1)}
        self.say(how_lines(self.result, fact.id, answered))

    def example_fact(self) -> str:
        kb = self.kb
        for kind in kb.kind_order:
            concluded = self.result.conclusions(kind)
            if concluded and not (kb.kind(kind).detail or kb.kind(kind).advice):
                return concluded[0]
        always = {k for k in kb.kind_order if kb.kind(k).summary == "always"}
        return next((f.id for f in kb.facts if f.kind in always), "FACT")


_ENDINGS = {
    "complete": "No further question can change a conclusion",
    "done": "Stopped on request; no question that could raise a red flag is left",
    "quit": "Stopped on request",
    "eof": "End of input: the report so far",
}


def _save(path: Path, consultation: Consultation) -> None:
    header = [
        "# Saved by whyache consult: `whyache run --case FILE` reproduces its report.",
    ]
    if consultation.declined:
        header.append(f"# Answered unknown: {', '.join(consultation.declined)}")
    text = "\n".join(header) + "\n" + dump_case(consultation.case, name="consultation")
    with replacing(path) as out:
        out.write(text)


@click.command()
@case_options
@engine_option()
@kb_option
@click.option(
    "--answers",
    "answers_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Read the answers from FILE, one a line, instead of the terminal.",
)
@click.option(
    "--save",
    "save_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Save the answers as a case file that `whyache run --case FILE` reproduces.",
)
@format_option()
def consult(
    facts: tuple[str, ...],
    case_file: Path | None,
    kb_dir: Path | None,
    engine_name: str,
    answers_file: Path | None,
    save_file: Path | None,
    output_format: str,
) -> None:
    """Ask questions one at a time, only those that can change a conclusion.

    Answer yes, no or unknown (a number for amounts). At any prompt: why (why this question),
    how FACT (how a conclusion was reached), back, facts, done, help, quit. Facts given with
    -f or --case are not asked. At the end the report of `whyache run` is printed; with
    --format json the questions go to standard error and the JSON report to standard output.

    \b
    Examples:
      whyache consult
      whyache consult -f shin_pain --save answers.yaml
      whyache consult --answers answers.txt --format json
    """
    refuse_input_as_output(save_file, [case_file, answers_file])
    kb, engine = load(kb_dir, engine_name)
    start = build(kb, facts, case_file)
    lines = read_text(answers_file, "answers file").splitlines() if answers_file else None
    err = output_format == "json"
    session = _Session(kb, engine, start, _Reader(lines, err), err)
    try:
        ending = session.run()
    except KeyboardInterrupt:
        click.echo("", err=True)
        raise CliError("interrupted; nothing saved", exit_codes.INTERRUPTED, as_json=err) from None
    asked = session.consultation.steps
    plural = "" if asked == 1 else "s"
    session.say("")
    session.say(f"{_ENDINGS[ending]} ({asked} question{plural} answered).")
    open_flags = session.consultant.unresolved(session.consultation)
    session.say(unresolved_lines(kb, open_flags, session.result))
    session.say("")
    result: Result = session.result
    emit(result, output_format)
    if save_file is not None:
        _save(save_file, session.consultation)
        click.echo(f"Saved the answers to {save_file}.", err=True)
