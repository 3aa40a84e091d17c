"""The ``whyache`` command line: the only layer that talks to the terminal.

Subcommands live in their own modules and are imported only when used, so ``whyache run``
does not pay for the graph renderers or the consultation machinery.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from whyache import __version__
from whyache.cli import exit_codes
from whyache.cli.errors import CliError, translate, wants_json
from whyache.engine import WhyacheError

#: command name -> "module:attribute" (modules under whyache.cli)
COMMANDS: dict[str, str] = {
    "run": "run:run",
    "demo": "run:demo",
    "explain": "explain:explain",
    "why-not": "explain:why_not",
    "graph": "graph:graph",
    "what-if": "what_if:what_if",
    "kb": "kb:kb",
    "check": "check:check_command",
    "consult": "consult:consult",
    "batch": "batch:batch",
}


class WhyacheGroup(click.Group):
    """Lazily loads subcommands and turns our exceptions into one-line errors."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        module = importlib.import_module(f"whyache.cli.{module_name}")
        command: click.Command = getattr(module, attr)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        as_json = wants_json([*ctx._protected_args, *ctx.args])
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
            return result
        except WhyacheError as exc:
            raise translate(exc, as_json=as_json) from None
        except (KeyboardInterrupt, click.Abort):
            raise CliError("interrupted", exit_codes.INTERRUPTED, as_json=as_json) from None
        except click.ClickException as exc:
            if as_json and not isinstance(exc, CliError):
                raise CliError(exc.format_message(), exc.exit_code, as_json=True) from None
            raise
        except click.exceptions.Exit:
            raise
        except BrokenPipeError:
            _quiet_closed_pipe()
        except Exception as exc:
            if os.environ.get("WHYACHE_DEBUG"):
                raise
            raise CliError(
                f"internal error: {type(exc).__name__}: {exc} "
                "(a bug in whyache; set WHYACHE_DEBUG=1 for a traceback)",
                exit_codes.INTERNAL,
                as_json=as_json,
            ) from None


def _quiet_closed_pipe() -> None:
    """Leave quietly when the reader of stdout has gone (``| head``): not our error, no traceback.

    stdout is pointed at /dev/null so the interpreter's final flush cannot raise again.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    sys.exit(exit_codes.PIPE_CLOSED)


@click.group(cls=WhyacheGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="whyache")
def main() -> None:
    """Explain why legs ache or hurt when and after running, with every step sourced.

    Educational reasoning from five documents, not a diagnosis. Red flags mean: see a clinician.

    \b
    Example:
      whyache run -f hot_weather -f inadequate_fluid_intake -f hours_since_run=2
    """
