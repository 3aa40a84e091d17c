"""The ``whyache`` command line: the only layer that talks to the terminal.

Subcommands live in their own modules and are imported only when used, so ``whyache run``
does not pay for the graph renderers or the consultation machinery.
"""

from __future__ import annotations

import gc
import importlib

import click

from whyache import __version__
from whyache.cli.errors import TranslatingGroup

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
    "serve": "serve:serve",
    "schema": "schema:schema",
    "example": "example:example",
}


class WhyacheGroup(TranslatingGroup):
    """Lazily loads subcommands; errors become one line (see :class:`TranslatingGroup`)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        module = importlib.import_module(f"whyache.cli.{module_name}")
        settle_start_up()
        command: click.Command = getattr(module, attr)
        return command


def settle_start_up() -> None:
    """End the collector pause begun by the entry point (whyache/__main__.py), if there was one.

    ``gc.freeze`` moves what start-up made to a generation no collection scans again.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


@click.group(cls=WhyacheGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="whyache")
def main() -> None:
    """Explain why legs ache or hurt when and after running, with every step sourced.

    Educational reasoning from five documents, not a diagnosis. Red flags mean: see a clinician.

    \b
    Example:
      whyache run -f hot_weather -f inadequate_fluid_intake -f hours_since_run=2
    """
