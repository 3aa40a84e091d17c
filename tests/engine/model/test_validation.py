from __future__ import annotations

import dataclasses
import pickle

import pytest

from whyache.engine import KnowledgeBase, KnowledgeBaseError
from whyache.engine.model.validation import stratify, validate


def test_validation_is_remembered_and_survives_pickling(tiny_kb: KnowledgeBase):
    fresh = dataclasses.replace(tiny_kb)  # a copy that has not been validated
    assert fresh.known_strata() is None
    strata = validate(fresh)
    assert strata == stratify(fresh)
    assert dict(fresh.known_strata() or {}) == strata
    copy = pickle.loads(pickle.dumps(fresh))
    assert copy == fresh
    assert dict(copy.known_strata() or {}) == strata


def test_an_invalid_knowledge_base_is_never_remembered_as_valid(tiny_kb: KnowledgeBase):
    rule = tiny_kb.rules[0]
    broken_rule = dataclasses.replace(rule, concludes=("no_such_fact",))
    broken = dataclasses.replace(tiny_kb, rules=(broken_rule, *tiny_kb.rules[1:]))
    for _ in range(2):
        with pytest.raises(KnowledgeBaseError, match="no_such_fact"):
            validate(broken)
    assert broken.known_strata() is None
