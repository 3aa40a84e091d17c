"""Looking up fact names as people type them: ids, aliases, and "did you mean" suggestions."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def suggest(
    name: str, options: Iterable[str], limit: int = 3, cutoff: float = 0.75
) -> tuple[str, ...]:
    """The closest few options to a misspelt name, best first (deterministic)."""
    pool = sorted(set(options))
    return tuple(difflib.get_close_matches(name, pool, n=limit, cutoff=cutoff))


def normalise(name: str) -> str:
    """Fold case, spaces and hyphens so 'Hot weather' finds 'hot_weather'."""
    return "_".join(name.strip().lower().replace("-", " ").split())
