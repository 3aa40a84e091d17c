"""Translating whyache's exceptions into one-line CLI errors (the only place that does)."""

from __future__ import annotations

import click

from whyache.cli import exit_codes
from whyache.engine import (
    EngineError,
    KnowledgeBaseError,
    RunawayError,
    WhyacheError,
)


class CliError(click.ClickException):
    """A one-line error with a chosen exit code; click prints it as ``Error: ...`` on stderr."""

    def __init__(self, message: str, exit_code: int = exit_codes.USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it a ClassVar


def exit_code_for(exc: WhyacheError) -> int:
    if isinstance(exc, KnowledgeBaseError | RunawayError):
        return exit_codes.KNOWLEDGE_BASE
    if isinstance(exc, EngineError):
        return exit_codes.INTERNAL
    return exit_codes.USAGE


def translate(exc: WhyacheError) -> CliError:
    return CliError(str(exc), exit_code_for(exc))
