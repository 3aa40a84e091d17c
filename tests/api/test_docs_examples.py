"""Every Python example in docs/api.md runs, in order, in one namespace, from the repo root."""

from __future__ import annotations

import re

import pytest

from ..conftest import REPO

BLOCKS = re.findall(r"```python\n(.*?)```", (REPO / "docs" / "api.md").read_text(), re.S)


def test_api_page_has_examples() -> None:
    assert len(BLOCKS) >= 6


def test_api_examples_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO)
    namespace: dict[str, object] = {}
    for number, block in enumerate(BLOCKS, 1):
        exec(compile(block, f"docs/api.md block {number}", "exec"), namespace)
    assert "stress_fracture was not concluded" in capsys.readouterr().out
