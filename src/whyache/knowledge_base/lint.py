"""Lint a knowledge-base directory: reading errors become findings instead of stopping.

The engine's linter (:mod:`whyache.engine.lint`) knows no files. This wrapper reads the
directory without validating it; when the files cannot even be read (invalid YAML, a key of
the wrong shape), that one reading error is the only finding, because nothing after it can be
checked.
"""

from __future__ import annotations

from pathlib import Path

from whyache.engine import KnowledgeBaseError
from whyache.engine.lint import Finding, finding_from_error, lint
from whyache.knowledge_base.loader import read_knowledge_base


def lint_knowledge_base(directory: Path | str | None = None) -> tuple[Finding, ...]:
    """Every finding for a knowledge-base directory (the bundled one when none is given).

    A directory that does not exist raises InputError, as for every other command.
    """
    try:
        kb = read_knowledge_base(directory)
    except KnowledgeBaseError as exc:
        return (finding_from_error(exc),)
    return lint(kb)
