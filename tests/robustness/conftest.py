"""Helpers for the hostile-input and fault battery: the installed CLI run as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

WHYACHE = [sys.executable, "-m", "whyache"]


def run_cli(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    input: bytes | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[bytes]:
    """``whyache ARGS`` in a fresh process (so no in-process cache hides what a user sees)."""
    full = {**os.environ, "PYTHONHASHSEED": "0", **(env or {})}
    return subprocess.run(
        [*WHYACHE, *args],
        env=full,
        cwd=cwd,
        input=input,
        capture_output=True,
        timeout=timeout,
    )
