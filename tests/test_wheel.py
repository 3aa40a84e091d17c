"""Every command the documentation shows runs from a built wheel, in a fresh environment.

The wheel is built from this source tree (hatchling, no network needed: it is a test
dependency), installed with pip into a new virtual environment, and that environment's whyache
runs each documented command in an empty folder where ``whyache example`` has written the
examples. A command that works only in the source tree (``--kb tests/fixtures/...``) fails here.

The new environment gets whyache's dependencies from this one's site-packages (a ``.pth``
file), so nothing is downloaded; whyache itself comes only from the wheel. The test is skipped
only when no wheel can be built at all.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO
from .test_docs import doc_commands

DRIVER = """
import json, sys
from click.testing import CliRunner
import whyache
from whyache.cli import main
print(json.dumps({"package": whyache.__file__}))
for args in json.loads(sys.stdin.read()):
    result = CliRunner().invoke(main, args, prog_name="whyache")
    print(json.dumps({"args": args, "exit": result.exit_code, "output": result.output[-600:]}))
"""


def _run(*command: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, timeout=300, **kwargs
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # A copy without build products, so the wheel holds what a clean clone would.
    source = tmp_path_factory.mktemp("source") / "whyache"
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", ".venv.interpreter", "*_cache", ".hypothesis", "__pycache__", "dist"
        ),
    )
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, source]
    built = _run(*pip, "--no-build-isolation")
    if built.returncode != 0:
        built = _run(*pip)  # without hatchling here: let pip fetch the build backend
    wheels = sorted(out.glob("whyache-*.whl"))
    if built.returncode != 0 or len(wheels) != 1:
        pytest.skip(f"cannot build a wheel here: {built.stderr.strip()[-400:]}")
    return wheels[0]


@pytest.fixture(scope="module")
def environment(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed; its interpreter."""
    env = tmp_path_factory.mktemp("env") / "venv"
    made = _run(sys.executable, "-m", "venv", "--without-pip", env)
    assert made.returncode == 0, made.stderr
    python = env / "bin" / "python"
    purelib = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    target = Path(purelib.stdout.strip())
    (target / "_whyache_test_dependencies.pth").write_text(
        "\n".join(p for p in site.getsitepackages() if Path(p).is_dir()) + "\n"
    )
    installed = _run(
        sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel
    )
    assert installed.returncode == 0, installed.stderr
    return python


def test_the_wheel_holds_the_schemas_examples_and_knowledge_base(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("result", "batch-line", "error"):
        assert f"whyache/schemas/{name}.json" in names
    assert "whyache/examples/runners.csv" in names
    assert "whyache/examples/tiny-kb/rules.yaml" in names
    assert any(n.startswith("whyache/knowledge_base/data/") for n in names)
    assert not any("__pycache__" in n or n.startswith("tests/") for n in names)


def test_every_documented_command_runs_from_the_wheel(environment: Path, tmp_path: Path):
    whyache = environment.parent / "whyache"
    listing = _run(whyache, "example", "--format", "json", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    for example in json.loads(listing.stdout)["examples"]:
        wrote = _run(whyache, "example", example["name"], cwd=tmp_path)
        assert wrote.returncode == 0, wrote.stderr
    commands = doc_commands(absolute=False)
    assert len(commands) >= 20
    env = {**os.environ, "PYTHONPATH": "", "PYTHONSAFEPATH": "1"}
    ran = _run(
        environment,
        "-c",
        DRIVER,
        input=json.dumps([list(c.args) for c in commands]),
        cwd=tmp_path,
        env=env,
    )
    assert ran.returncode == 0, ran.stderr
    first, *results = (json.loads(line) for line in ran.stdout.splitlines())
    assert Path(first["package"]).is_relative_to(environment.parent.parent), first
    assert len(results) == len(commands)
    failures = []
    for command, result in zip(commands, results, strict=True):
        ok = result["exit"] in (1, 2, 3) if command.fails else result["exit"] == 0
        if not ok:
            failures.append(f"{command}: whyache {' '.join(command.args)} -> {result}")
    assert not failures, "\n".join(failures)


def test_the_installed_entry_point_runs(environment: Path, tmp_path: Path):
    result = _run(
        environment.parent / "whyache", "run", "-f", "hot_weather", "--trace", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "sweat_loses_fluid" in result.stdout
