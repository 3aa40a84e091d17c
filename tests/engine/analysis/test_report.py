"""Which kinds the short report explains and asks about: roles from kb.yaml, no kind named."""

from __future__ import annotations

from whyache.engine.analysis.report import explained_kinds, near_miss_kinds
from whyache.knowledge_base import load_knowledge_base

from ...conftest import REPO

BICYCLE = REPO / "src" / "whyache" / "examples" / "squeaky-bicycle-kb"


def test_the_bundled_kinds_keep_their_report_roles(bundled_kb):
    assert explained_kinds(bundled_kb) == ("condition", "symptom", "sign", "mechanism")
    assert near_miss_kinds(bundled_kb) == ("red_flag", "condition")


def test_another_knowledge_base_gets_the_same_roles_from_its_own_kinds():
    kb = load_knowledge_base(BICYCLE)
    assert explained_kinds(kb) == ("fault", "noise", "cause")
    assert near_miss_kinds(kb) == ("safety_stop", "fault")
