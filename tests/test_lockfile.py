"""uv.lock is committed and matches pyproject.toml (``uv sync`` must not leave it changed)."""

from __future__ import annotations

import re
import subprocess
import tomllib

from .conftest import REPO


def _requirements(pyproject: dict) -> set[tuple[str, str, str]]:  # type: ignore[type-arg]
    """(name, specifier, extra) for every requirement, as uv.lock records them."""
    out = set()
    project = pyproject["project"]
    groups = [("", project["dependencies"])]
    groups += [(extra, reqs) for extra, reqs in project["optional-dependencies"].items()]
    for extra, requirements in groups:
        for requirement in requirements:
            match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(.*)", requirement.strip())
            assert match, requirement
            name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
            out.add((name, match.group(2).replace(" ", ""), extra))
    return out


def test_the_lockfile_is_committed_and_current():
    lock = tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    (ours,) = [p for p in lock["package"] if p["name"] == "whyache"]
    locked = set()
    for entry in ours["metadata"]["requires-dist"]:
        extra = re.search(r"extra == '([^']+)'", entry.get("marker", ""))
        locked.add((entry["name"], entry.get("specifier", ""), extra.group(1) if extra else ""))
    assert locked == _requirements(pyproject), "uv.lock is stale: run uv lock"
    overrides = {o["name"]: o["specifier"] for o in lock["manifest"]["overrides"]}
    wanted = pyproject["tool"]["uv"]["override-dependencies"]
    assert {f"{k}{v}" for k, v in overrides.items()} == set(wanted)
    tracked = subprocess.run(
        ["git", "ls-files", "--error-unmatch", "uv.lock"], cwd=REPO, capture_output=True
    )
    assert tracked.returncode == 0 or not (REPO / ".git").exists(), "commit uv.lock"
