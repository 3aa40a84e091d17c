"""The Makefile's set-up: a too-old Python is refused up front, a changed one rebuilds .venv.

Only the interpreter check runs here (the ``.venv.interpreter`` target), against a throw-away
VENV, so no virtual environment is created and nothing is installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _fake_python(path: Path, version: str) -> Path:
    """A stand-in interpreter that claims ``version`` and otherwise runs nothing."""
    major, minor, micro = version.split(".")
    old = "1" if (int(major), int(minor)) < (3, 11) else "0"
    path.write_text(
        "#!/bin/sh\n"
        f'case "$1" in\n'
        f'  --version) echo "Python {version}" ;;\n'
        f'  -c) case "$2" in *version_info\\ \\<*) exit {old} ;;'
        f' *) echo "cpython {major} {minor} {micro}" ;; esac ;;\n'
        "esac\n"
    )
    path.chmod(0o755)
    return path


def _make(tmp_path: Path, python: Path | str, *goals: str) -> subprocess.CompletedProcess[str]:
    venv = tmp_path / "venv"
    return subprocess.run(
        # --no-print-directory: under `make test` this make is a sub-make, which would print
        # "Entering directory" lines around its output
        [
            "make",
            "--no-print-directory",
            "-f",
            str(REPO / "Makefile"),
            f"PYTHON={python}",
            f"VENV={venv}",
            *goals,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_python_older_than_3_11_is_refused_before_anything_is_made(tmp_path: Path):
    python = _fake_python(tmp_path / "python3.10", "3.10.12")
    result = _make(tmp_path, python, "demo")
    assert result.returncode != 0
    assert result.stderr.splitlines()[:2] == [
        f"whyache needs Python 3.11 or newer, but PYTHON={python} is Python 3.10.12.",
        "Run make again with a newer one, e.g.: make PYTHON=python3.11 demo",
    ]
    assert not (tmp_path / "venv").exists()


def test_a_venv_made_with_another_python_is_made_again(tmp_path: Path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    _fake_python(venv / "bin" / "python", "3.10.12")  # what the old .venv runs
    (venv / "bin" / "whyache").touch()
    result = _make(tmp_path, sys.executable, str(venv) + ".interpreter")
    assert result.returncode == 0, result.stderr
    want = f"cpython {' '.join(map(str, sys.version_info[:3]))}"
    assert result.stdout == (
        f"{venv} was made with another Python (cpython 3 10 12); making it again with {want}\n"
    )
    assert not venv.exists()
    assert (tmp_path / "venv.interpreter").read_text() == want + "\n"


def test_the_same_python_keeps_the_venv(tmp_path: Path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    version = ".".join(map(str, sys.version_info[:3]))
    _fake_python(venv / "bin" / "python", version)
    (venv / "bin" / "whyache").touch()
    result = _make(tmp_path, sys.executable, str(venv) + ".interpreter")
    assert (result.returncode, result.stdout) == (0, "")
    assert (venv / "bin" / "whyache").exists()
    stamp = tmp_path / "venv.interpreter"
    # Dated like the installed whyache, so make does not reinstall for a first stamp.
    assert stamp.stat().st_mtime == (venv / "bin" / "whyache").stat().st_mtime
