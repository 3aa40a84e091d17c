"""A short run of the whole-CLI fuzz (``fuzz_cli.py``; run it standalone for the long one)."""

from __future__ import annotations

from .fuzz_cli import fuzz


def test_random_command_lines_and_bytes_stay_within_the_documented_behaviour():
    figures = fuzz(40, seed=0)
    assert figures.bad == []
    assert figures.clean, figures.report()
    assert figures.examples == 40
