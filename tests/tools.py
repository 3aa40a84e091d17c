"""External tools some tests need (Graphviz, mermaid-cli, Chromium): skip locally, fail in CI.

``.ci/run`` installs every one of them, so in CI (``CI=true``) a missing tool is a broken
set-up, never a reason to skip silently.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent
CHROMIUM = Path("/usr/bin/chromium")
MERMAID_CLI = REPO / "tools" / "mermaid" / "node_modules" / ".bin" / "mmdc"
#: Flags for the system Chromium: no sandbox (CI runs as root), nothing fetched in the background.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def need(path: str | Path | None, what: str) -> str:
    """The tool's path; a skip when it is missing here, a failure when it is missing in CI."""
    found = shutil.which(path) if isinstance(path, str) else path
    if found is not None and Path(found).exists():
        return str(found)
    message = f"{what} is not installed (.ci/run installs it)"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)
