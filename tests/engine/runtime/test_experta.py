"""The experta adapter: the one module that imports experta, and the exact release it adapts."""

from __future__ import annotations

import ast
import importlib.metadata
from pathlib import Path

import whyache
from whyache.engine.runtime import _experta

from ...conftest import REPO

PACKAGE = Path(whyache.__file__).parent
ADAPTER = Path(_experta.__file__)


def _imports_experta(tree: ast.AST) -> list[int]:
    """Line numbers of every ``import experta…`` / ``from experta… import`` in a module."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            if any(a.name == "experta" or a.name.startswith("experta.") for a in node.names):
                lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "experta" or node.module.startswith("experta."):
                lines.append(node.lineno)
        elif isinstance(node, ast.Call) and node.args:
            # importlib.import_module("experta…") or __import__("experta…")
            first = node.args[0]
            if (
                isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and first.value.split(".")[0] == "experta"
            ):
                lines.append(node.lineno)
    return lines


def test_only_the_adapter_imports_experta():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = _imports_experta(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        if lines and path != ADAPTER:
            offenders += [f"{path.relative_to(PACKAGE.parent)}:{n}" for n in lines]
    assert offenders == []


def test_the_scan_sees_every_form_of_import():
    forms = [
        "import experta",
        "import experta.engine as e",
        "from experta import Fact",
        "from experta.matchers.rete import ReteMatcher",
        "import importlib\nimportlib.import_module('experta.agenda')",
        "def f():\n    from experta import Rule",
    ]
    for source in forms:
        assert _imports_experta(ast.parse(source)), source
    others = [
        "import expertise",
        "from .experta import x",
        "from whyache.engine.runtime import _experta",
    ]
    for source in others:
        assert not _imports_experta(ast.parse(source)), source


def test_the_adapter_imports_experta():
    assert _imports_experta(ast.parse(ADAPTER.read_text(encoding="utf-8")))


def test_the_installed_experta_is_the_release_the_adapter_is_written_for():
    # The strategy and the matcher subclass experta internals that only 1.9.4 is known to have.
    assert importlib.metadata.version("experta") == "1.9.4"


def test_pyproject_pins_that_release():
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '"experta==1.9.4"' in pyproject
