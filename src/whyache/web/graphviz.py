"""Graphviz's ``dot``, run at the edge: DOT text in, SVG out (the HTML export and the server).

The engine only writes DOT; running a program is the edges' business.
"""

from __future__ import annotations

import shutil
import subprocess

from whyache.engine import EngineError, InputError

#: A drawing that takes longer than this is a bug or a hostile graph, not a picture to wait for.
TIMEOUT_S = 60


def draw_svg(dot_text: str) -> str:
    """Graphviz's SVG drawing of a DOT text."""
    dot = shutil.which("dot")
    if dot is None:
        raise InputError(
            "drawing needs Graphviz's dot",
            hint="install Graphviz (apt-get install graphviz), or use --format dot",
        )
    try:
        proc = subprocess.run(
            [dot, "-Tsvg"],
            input=dot_text,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise EngineError(f"Graphviz took more than {TIMEOUT_S} s to draw the graph") from None
    if proc.returncode != 0:
        raise EngineError(f"Graphviz could not draw the graph: {proc.stderr.strip()[:200]}")
    return proc.stdout
