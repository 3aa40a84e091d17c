"""Terminal manners: colour and width, decided once per command from the output stream.

Colour (bold, and red for red flags) only on a terminal, unless ``NO_COLOR`` (any non-empty
value) turns it off or ``FORCE_COLOR`` (non-empty, not ``0``) turns it on; ``NO_COLOR`` wins.
Text wraps to the terminal's width on a terminal, to 80 columns otherwise, so piped output
is the same bytes wherever it runs.
"""

from __future__ import annotations

import os
import sys
import textwrap
from dataclasses import dataclass
from typing import TextIO

PIPED_WIDTH = 80
_MIN_WIDTH = 40
_BOLD, _RED, _RESET = "\x1b[1m", "\x1b[1;31m", "\x1b[0m"
_KEEP = "\x00"  # stands for a space that must not break a line


@dataclass(frozen=True)
class Style:
    """How to lay text out: the width to wrap to and whether to use ANSI colour."""

    width: int = PIPED_WIDTH
    colour: bool = False

    def bold(self, text: str) -> str:
        return f"{_BOLD}{text}{_RESET}" if self.colour else text

    def alarm(self, text: str) -> str:
        return f"{_RED}{text}{_RESET}" if self.colour else text

    def wrap(self, text: str, indent: str = "", hang: str | None = None) -> list[str]:
        """``text`` wrapped to the width; words (and fact ids) are never broken, nor is a
        trailing group set off by two spaces (``  [000 §2]``, ``  (-f pain_sharp)``)."""
        if text.endswith(("]", ")")) and "  " in text.strip():
            body, _, tail = text.rpartition("  ")
            text = f"{body}  {tail.replace(' ', _KEEP)}"
        lines = textwrap.wrap(
            text,
            width=self.width,
            initial_indent=indent,
            subsequent_indent=indent + "  " if hang is None else hang,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [indent]
        return [line.replace(_KEEP, " ") for line in lines]


def unbroken(text: str) -> str:
    """``text`` whose spaces :meth:`Style.wrap` never breaks a line at (``-f drank_little``)."""
    return text.replace(" ", _KEEP)


def colour_wanted(stream: TextIO, environ: dict[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    force = env.get("FORCE_COLOR")
    if force and force != "0":
        return True
    return _isatty(stream)


def style_for(stream: TextIO | None = None) -> Style:
    """The style for writing to ``stream`` (standard output by default)."""
    out = sys.stdout if stream is None else stream
    width = PIPED_WIDTH
    if _isatty(out):
        width = max(_MIN_WIDTH, _terminal_width(out))
    return Style(width=width, colour=colour_wanted(out))


def _terminal_width(stream: TextIO) -> int:
    """``COLUMNS`` when set, else the terminal's own width (shutil's rule, without shutil)."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return PIPED_WIDTH


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
