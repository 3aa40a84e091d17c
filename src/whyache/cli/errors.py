"""Translating whyache's exceptions into one-line CLI errors (the only place that does)."""

from __future__ import annotations

import difflib
import itertools
import json
import os
import sys
from typing import IO, Any

import click

from whyache.cli import exit_codes
from whyache.cli.streams import ensure_standard_streams
from whyache.engine import (
    EngineError,
    KnowledgeBaseError,
    RunawayError,
    WhyacheError,
)
from whyache.engine.errors import Problems, visible


class CliError(click.ClickException):
    """A one-line error with a chosen exit code, printed on stderr.

    As text it is ``Error: ...``; when the command was asked for ``--format json`` it is a JSON
    object, so a program reading our JSON never has to parse prose::

        {"error": {"message": "...", "exit_code": 2}}

    An error that lists several problems (a scenario file, a broken knowledge base) adds
    ``"problems": ["file:line: ...", ...]`` (schema: ``whyache schema error``).
    """

    def __init__(
        self,
        message: str,
        exit_code: int = exit_codes.USAGE,
        *,
        as_json: bool = False,
        problems: tuple[str, ...] = (),
    ) -> None:
        super().__init__(visible(message))  # a file name or value never drives the terminal
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it a ClassVar
        self.as_json = as_json
        self.problems = problems

    def show(self, file: IO[Any] | None = None) -> None:
        if not self.as_json:
            super().show(file)
            return
        error: dict[str, Any] = {"message": self.format_message(), "exit_code": self.exit_code}
        if self.problems:
            error["problems"] = list(self.problems)
        payload = {"error": error}
        click.echo(json.dumps(payload, ensure_ascii=False), file=file or sys.stderr, err=True)


def exit_code_for(exc: WhyacheError) -> int:
    if isinstance(exc, KnowledgeBaseError | RunawayError):
        return exit_codes.KNOWLEDGE_BASE
    if isinstance(exc, EngineError):
        return exit_codes.INTERNAL
    return exit_codes.USAGE


def translate(exc: WhyacheError, *, as_json: bool = False) -> CliError:
    problems = exc.problems if isinstance(exc, Problems) else ()
    return CliError(str(exc), exit_code_for(exc), as_json=as_json, problems=problems)


def usage_error(
    exc: click.UsageError, *, command_path: str = "whyache", as_json: bool = False
) -> CliError:
    """Click's usage errors as one line, pointing at the help of the command concerned."""
    path = exc.ctx.command_path if exc.ctx is not None else command_path
    return CliError(f"{exc.format_message()} (see '{path} --help')", exc.exit_code, as_json=as_json)


def file_error(exc: OSError, *, as_json: bool = False) -> CliError:
    """A file the user named could not be read or written: their input, not our bug."""
    reason = exc.strerror or type(exc).__name__
    return CliError(f"{exc.filename}: {reason.lower()}", exit_codes.USAGE, as_json=as_json)


def wants_json(args: list[str]) -> bool:
    """Whether a command line asks for ``--format json`` (in either spelling)."""
    if "--format=json" in args:
        return True
    return any(a == "--format" and b == "json" for a, b in itertools.pairwise(args))


class TranslatingGroup(click.Group):
    """A command group whose every error reaches the user as one line with a documented code.

    Our exceptions, click's usage errors, files the user named that cannot be opened, Ctrl-C
    and a closed stdout are all translated here; anything else is a bug, reported as one.
    """

    def invoke(self, ctx: click.Context) -> Any:
        args = [*ctx._protected_args, *ctx.args]
        as_json = wants_json(args)
        command_path = " ".join([ctx.command_path, *args[:1]])
        ensure_standard_streams()
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
            return result
        except WhyacheError as exc:
            raise translate(exc, as_json=as_json) from None
        except (KeyboardInterrupt, click.Abort):
            raise CliError("interrupted", exit_codes.INTERRUPTED, as_json=as_json) from None
        except click.exceptions.NoArgsIsHelpError:
            raise  # the help text, as asked for
        except click.UsageError as exc:
            raise usage_error(exc, command_path=command_path, as_json=as_json) from None
        except click.ClickException as exc:
            if as_json and not isinstance(exc, CliError):
                raise CliError(exc.format_message(), exc.exit_code, as_json=True) from None
            raise
        except click.exceptions.Exit:
            raise
        except BrokenPipeError:
            _quiet_closed_pipe()
        except OSError as exc:
            if exc.filename is None:  # a standard stream: a full disk, EIO, closed
                _silence_stdout()
                reason = (exc.strerror or type(exc).__name__).lower()
                raise CliError(
                    f"cannot write or read a standard stream: {reason}",
                    exit_codes.USAGE,
                    as_json=as_json,
                ) from None
            raise file_error(exc, as_json=as_json) from None
        except ValueError as exc:
            if "null byte" not in str(exc):
                raise _internal(exc, as_json) from None
            raise CliError(
                "a file name cannot contain a NUL character", exit_codes.USAGE, as_json=as_json
            ) from None
        except Exception as exc:
            raise _internal(exc, as_json) from None

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # The top level's own options and command name are parsed outside invoke().
        try:
            return super().parse_args(ctx, args)
        except click.exceptions.NoArgsIsHelpError:
            # Bare ``whyache`` (or ``whyache kb``) asks for the help: print it and succeed.
            click.echo(ctx.get_help())
            ctx.exit(exit_codes.OK)
        except click.UsageError as exc:
            raise usage_error(exc, as_json=wants_json(args)) from None

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """A misspelt command name gets "did you mean" (``whyache rn`` -> ``run``)."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            ctx.fail(f"no such command {name!r}{hint}")
        return super().resolve_command(ctx, args)


def _internal(exc: Exception, as_json: bool) -> Exception:
    """A bug of ours: one line, and the traceback only when asked for."""
    if os.environ.get("WHYACHE_DEBUG"):
        return exc
    return CliError(
        f"internal error: {type(exc).__name__}: {exc} "
        "(a bug in whyache; set WHYACHE_DEBUG=1 for a traceback)",
        exit_codes.INTERNAL,
        as_json=as_json,
    )


def _quiet_closed_pipe() -> None:
    """Leave quietly when the reader of stdout has gone (``| head``): not our error, no traceback.

    stdout is pointed at /dev/null so the interpreter's final flush cannot raise again.
    """
    _silence_stdout()
    sys.exit(exit_codes.PIPE_CLOSED)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush cannot fail again."""
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):
        return  # not a real file (a test runner's buffer, a closed stream): nothing to flush
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)
