"""One exception hierarchy for all of whyache.

Every error a user can cause derives from :class:`WhyacheError` and carries what the edge
needs to print one helpful line: a message, an optional hint (e.g. "did you mean ...?") and
an optional location (file and line). The CLI translates these into ``click.ClickException``
in exactly one place; exit codes are defined there.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where something came from: a file, and a line in it when known."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file


#: The most characters of a person's input that an error message repeats back.
ECHO_LIMIT = 100


def echo(value: object) -> str:
    """``repr(value)`` cut to about :data:`ECHO_LIMIT` characters, for quoting input in a message.

    A message names what was wrong without repeating a 500 MB value; a whole number too long
    to print (Python refuses ``repr`` beyond 4,300 digits) is described, not printed.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"<a number of about {int((value.bit_length() - 1) * 0.30103) + 1} digits>"
    if isinstance(value, str):
        if len(value) <= ECHO_LIMIT:
            return repr(value)
        return repr(value[:ECHO_LIMIT]) + f"… ({len(value)} characters)"
    import reprlib  # only for the rare non-text value

    short = reprlib.Repr()
    short.maxstring = short.maxother = ECHO_LIMIT // 2
    short.maxlevel = 3
    try:
        text = short.repr(value)
    except Exception:  # a value whose repr fails: say what it is
        text = f"<{type(value).__name__}>"
    return text if len(text) <= ECHO_LIMIT else text[:ECHO_LIMIT] + "…"


_CONTROL = {
    code: f"\\x{code:02x}"
    for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)]
    if chr(code) not in "\n\t"
}


def visible(text: str) -> str:
    """Text with its control characters (an escape sequence, a NUL, a carriage return) shown
    as ``\\xNN``, so that text from a file never drives the terminal or breaks XML; line
    breaks and tabs stay."""
    return text.translate(_CONTROL)


class WhyacheError(Exception):
    """Base of every error whyache raises on purpose."""

    def __init__(
        self, message: str, *, hint: str | None = None, location: Location | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.location = location

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class InputError(WhyacheError):
    """A case, option value or input file is unusable."""


class UnknownFactError(InputError):
    """A fact name that the knowledge base does not declare."""

    def __init__(
        self, fact: str, suggestions: tuple[str, ...] = (), *, location: Location | None = None
    ) -> None:
        hint = f"did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else None
        super().__init__(f"unknown fact {echo(fact)}", hint=hint, location=location)
        self.fact = fact
        self.suggestions = suggestions


class UnknownFactsError(InputError):
    """Several fact names the knowledge base does not declare, reported together."""

    #: Unknown names named in the message (each with suggestions); the rest are counted.
    SHOWN = 5

    def __init__(self, errors: tuple[UnknownFactError, ...], more: int = 0) -> None:
        names = ", ".join(echo(e.fact) for e in errors)
        if more:
            names += f" and {more} more"
        hints = [
            f"{echo(e.fact)}: did you mean {' or '.join(repr(s) for s in e.suggestions)}?"
            for e in errors
            if e.suggestions
        ]
        super().__init__(
            f"unknown facts {names}",
            hint="; ".join(hints) or None,
            location=errors[0].location,
        )
        self.errors = errors
        self.more = more


class FactValueError(InputError):
    """A value that does not fit the fact's declared type or range."""


class KnowledgeBaseError(WhyacheError):
    """A knowledge base that cannot be loaded, validated or compiled."""

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        location: Location | None = None,
        rule: str | None = None,
    ) -> None:
        if rule is not None:
            message = f"rule {rule!r}: {message}"
        super().__init__(message, hint=hint, location=location)
        self.rule = rule


class Problems:
    """Several problems found at once: every one is reported, not only the first.

    Mixed into an error class; ``problems`` holds the lines, each with its own file and line.
    """

    problems: tuple[str, ...]

    def listing(self, head: str) -> str:
        return "\n".join([f"{head}:", *(f"  {problem}" for problem in self.problems)])


class InputProblems(Problems, InputError):
    """Every problem of one input file (e.g. a scenario file), in the order of their lines."""

    def __init__(
        self, problems: tuple[InputError, ...], *, location: Location | None = None
    ) -> None:
        super().__init__(f"{len(problems)} problems", location=location)
        self.problems = tuple(str(p) for p in problems)

    def __str__(self) -> str:
        return self.listing(super().__str__())


class KnowledgeBaseProblems(Problems, KnowledgeBaseError):
    """Every error of a knowledge base that does not load (what ``kb lint`` finds)."""

    def __init__(
        self,
        problems: tuple[str, ...],
        *,
        hint: str | None = None,
        location: Location | None = None,
    ) -> None:
        super().__init__(
            f"the knowledge base has {len(problems)} errors", hint=hint, location=location
        )
        self.problems = problems

    def __str__(self) -> str:
        return self.listing(super().__str__())


class RunawayError(WhyacheError):
    """A run that exceeded its firing bound (a rule keeps feeding itself)."""


class EngineError(WhyacheError):
    """experta failed in a way our validation did not foresee."""


class KnowledgeBaseProblem(KnowledgeBaseError):
    """A knowledge-base error tagged with the stable code of the check that found it.

    Validation raises the first one; the linter collects them all and reports each under its
    ``check`` code (e.g. ``undeclared-fact``), naming the fact concerned where there is one.
    """

    def __init__(
        self,
        check: str,
        message: str,
        *,
        hint: str | None = None,
        location: Location | None = None,
        rule: str | None = None,
        fact: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint, location=location, rule=rule)
        self.check = check
        self.detail = message
        self.fact = fact
