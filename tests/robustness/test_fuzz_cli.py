"""A short run of the whole-CLI fuzz (``fuzz_cli.py``; run it standalone for the long one)."""

from __future__ import annotations

from .fuzz_cli import fuzz


def test_random_command_lines_and_bytes_stay_within_the_documented_behaviour():
    figures = fuzz(40, seed=0)
    assert figures.bad == []
    # Memory is the standalone script's figure: inside the suite, the process's peak is that of
    # every test run before this one, not of these inputs.
    counts = (figures.outside_table, figures.internal_errors, figures.executions, figures.hangs)
    assert counts == (0, 0, 0, 0), figures.report()
    assert figures.examples == 40
