"""Shared fixtures: the bundled knowledge base and small test knowledge bases."""

from __future__ import annotations

from pathlib import Path

import pytest

from whyache.engine import Engine, KnowledgeBase
from whyache.knowledge_base import load_knowledge_base

FIXTURES = Path(__file__).parent / "fixtures"

# Fixtures are data for tests, never tests: the whyache plugin would otherwise collect a
# *.scenarios.yaml kept there (written for a test knowledge base) against the bundled one.
collect_ignore = ["fixtures"]
TINY = FIXTURES / "kbs" / "tiny"
DIFFERENTIAL = FIXTURES / "kbs" / "differential"
FINDINGS = FIXTURES / "kbs" / "findings"
FINDINGS_SCENARIOS = FIXTURES / "findings-scenarios"
REPO = Path(__file__).parent.parent


class Kind:
    """The bundled knowledge base's kind ids, for tests that build knowledge bases in Python."""

    INPUT = "input"
    MECHANISM = "mechanism"
    SYMPTOM = "symptom"
    CONDITION = "condition"
    RED_FLAG = "red_flag"
    RECOMMENDATION = "recommendation"
    ALL = (INPUT, MECHANISM, SYMPTOM, CONDITION, RED_FLAG, RECOMMENDATION)


#: The bundled knowledge base's kind declarations (kinds: in kb.yaml), for the same tests.
KINDS = load_knowledge_base().kinds
#: The same declarations as kb.yaml text, for tests that write a knowledge base to disk.
_MANIFEST = (REPO / "src" / "whyache" / "knowledge_base" / "data" / "kb.yaml").read_text()
KINDS_YAML = _MANIFEST[_MANIFEST.index("kinds:") : _MANIFEST.index("\n# Inputs a consultation")]


@pytest.fixture(scope="session")
def bundled_kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="session")
def bundled_engine(bundled_kb: KnowledgeBase) -> Engine:
    return Engine(bundled_kb)


@pytest.fixture(scope="session")
def tiny_kb() -> KnowledgeBase:
    return load_knowledge_base(TINY)


@pytest.fixture(scope="session")
def tiny_engine(tiny_kb: KnowledgeBase) -> Engine:
    return Engine(tiny_kb)


@pytest.fixture(scope="session")
def differential_kb() -> KnowledgeBase:
    return load_knowledge_base(DIFFERENTIAL)


@pytest.fixture(scope="session")
def differential_engine(differential_kb: KnowledgeBase) -> Engine:
    return Engine(differential_kb)


@pytest.fixture(scope="session")
def findings_kb() -> KnowledgeBase:
    return load_knowledge_base(FINDINGS)


@pytest.fixture(scope="session")
def findings_engine(findings_kb: KnowledgeBase) -> Engine:
    return Engine(findings_kb)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Commands cache parsed knowledge bases; tests keep theirs away from the user's home."""
    monkeypatch.setenv("WHYACHE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
