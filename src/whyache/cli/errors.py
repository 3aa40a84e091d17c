"""Translating whyache's exceptions into one-line CLI errors (the only place that does)."""

from __future__ import annotations

import itertools
import json
import sys
from typing import IO, Any

import click

from whyache.cli import exit_codes
from whyache.engine import (
    EngineError,
    KnowledgeBaseError,
    RunawayError,
    WhyacheError,
)


class CliError(click.ClickException):
    """A one-line error with a chosen exit code, printed on stderr.

    As text it is ``Error: ...``; when the command was asked for ``--format json`` it is a JSON
    object, so a program reading our JSON never has to parse prose::

        {"error": {"message": "...", "exit_code": 2}}
    """

    def __init__(
        self, message: str, exit_code: int = exit_codes.USAGE, *, as_json: bool = False
    ) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it a ClassVar
        self.as_json = as_json

    def show(self, file: IO[Any] | None = None) -> None:
        if not self.as_json:
            super().show(file)
            return
        payload = {"error": {"message": self.format_message(), "exit_code": self.exit_code}}
        click.echo(json.dumps(payload, ensure_ascii=False), file=file or sys.stderr, err=True)


def exit_code_for(exc: WhyacheError) -> int:
    if isinstance(exc, KnowledgeBaseError | RunawayError):
        return exit_codes.KNOWLEDGE_BASE
    if isinstance(exc, EngineError):
        return exit_codes.INTERNAL
    return exit_codes.USAGE


def translate(exc: WhyacheError, *, as_json: bool = False) -> CliError:
    return CliError(str(exc), exit_code_for(exc), as_json=as_json)


def wants_json(args: list[str]) -> bool:
    """Whether a command line asks for ``--format json`` (in either spelling)."""
    if "--format=json" in args:
        return True
    return any(a == "--format" and b == "json" for a, b in itertools.pairwise(args))
