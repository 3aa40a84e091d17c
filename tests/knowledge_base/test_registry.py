"""The bundled knowledge base against its registry of source documents.

Every rule stands on a registered section, every fact takes part in some rule, and every
derived fact can be reached from what a person can report. Where the source texts are at hand
(``../shared/seeds/`` beside the repository, or ``../../shared/seeds/`` for a git worktree kept
in a folder beside the main clone, or wherever ``WHYACHE_SEEDS`` points), the registry's
headings are checked against them; elsewhere those tests skip and say why.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from whyache.engine import KnowledgeBase
from whyache.engine.analysis.lint import reachable_facts
from whyache.knowledge_base import BUNDLED, read_knowledge_base

from ..conftest import REPO


def _seeds() -> Path:
    if os.environ.get("WHYACHE_SEEDS"):
        return Path(os.environ["WHYACHE_SEEDS"])
    candidates = [REPO.parent / "shared" / "seeds", REPO.parent.parent / "shared" / "seeds"]
    return next((c for c in candidates if c.is_dir()), candidates[0])


SEEDS = _seeds()
REGISTRY = read_knowledge_base().documents  # unvalidated: a KB error fails tests, not collection
DOCUMENT_FILES = [doc.file for doc in REGISTRY]


def test_registry_holds_the_five_documents():
    assert len(REGISTRY) == 5
    assert sorted(DOCUMENT_FILES) == DOCUMENT_FILES
    for doc in REGISTRY:
        assert doc.title, doc.file
        assert doc.sections, doc.file
        assert len(set(doc.sections)) == len(doc.sections), doc.file
        assert doc.location is not None
        assert doc.location.file == "<bundled>/documents.yaml"
    assert (BUNDLED / "documents.yaml").is_file()


def test_every_rule_has_a_source(bundled_kb: KnowledgeBase):
    assert [r.id for r in bundled_kb.rules if not r.sources] == []


def test_every_source_names_a_registered_document_and_section(bundled_kb: KnowledgeBase):
    sections = {(doc.file, section) for doc in REGISTRY for section in doc.sections}
    unknown = [
        f"{rule.id}: {source}"
        for rule in bundled_kb.rules
        for source in rule.sources
        if (source.document, source.section) not in sections
    ]
    assert unknown == []


def test_every_fact_is_used_by_a_rule(bundled_kb: KnowledgeBase):
    unused = [
        f.id
        for f in bundled_kb.facts
        if not bundled_kb.rules_using(f.id) and not bundled_kb.rules_concluding(f.id)
    ]
    assert unused == []


def test_every_input_is_a_premise(bundled_kb: KnowledgeBase):
    assert [f.id for f in bundled_kb.facts if f.is_input and not bundled_kb.rules_using(f.id)] == []


def test_every_derived_fact_is_reachable_from_inputs(bundled_kb: KnowledgeBase):
    reached = reachable_facts(bundled_kb)
    assert [f.id for f in bundled_kb.facts if f.id not in reached] == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"source documents not found at {SEEDS}")
@pytest.mark.parametrize("file", DOCUMENT_FILES)
def test_registered_headings_occur_in_the_document(file: str):
    """A section "A > B" is facet heading B under heading A: both must be in the text."""
    path = SEEDS / file
    assert path.is_file(), f"{file} is registered but not in {SEEDS}"
    text = path.read_text(encoding="utf-8")
    (doc,) = (d for d in REGISTRY if d.file == file)
    missing = [
        f"{section!r}: {part!r}"
        for section in doc.sections
        for part in section.split(" > ")
        if part not in text
    ]
    assert missing == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"source documents not found at {SEEDS}")
def test_every_seed_document_is_registered():
    assert sorted(p.name for p in SEEDS.glob("*.txt")) == DOCUMENT_FILES
