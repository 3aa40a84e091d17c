"""Lint a knowledge-base directory: reading errors become findings instead of stopping.

The engine's linter (:mod:`whyache.engine.analysis.lint`) knows no files. This wrapper reads the
directory without validating it. When files or entries cannot even be read (invalid YAML, a
key of the wrong shape), every such reading error is reported and nothing else: the rules
and facts that were skipped would make the graph checks report ghosts. A knowledge base found
in the parsed-KB cache read and validated cleanly, so it is not read again.
"""

from __future__ import annotations

from pathlib import Path

from whyache.engine import KnowledgeBaseError
from whyache.engine.analysis.lint import Finding, finding_from_error, lint
from whyache.knowledge_base.cache import cached_only
from whyache.knowledge_base.loader import read_knowledge_base


def lint_knowledge_base(directory: Path | str | None = None) -> tuple[Finding, ...]:
    """Every finding for a knowledge-base directory (the bundled one when none is given).

    A directory that does not exist raises InputError, as for every other command.
    """
    cached = cached_only(directory)
    if cached is not None:  # it read and validated cleanly: only the graph checks are left
        return lint(cached)
    errors: list[KnowledgeBaseError] = []
    try:
        kb = read_knowledge_base(directory, errors)
    except KnowledgeBaseError as exc:
        errors.append(exc)
    if errors:
        findings = (finding_from_error(exc) for exc in errors)
        return tuple(sorted(findings, key=Finding.sort_key))
    return lint(kb)
