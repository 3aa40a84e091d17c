"""Reading files a person hands us: bounded in size, never blocking, errors on one line."""

from __future__ import annotations

#: The largest file (knowledge-base, case, scenario, answers) whyache reads.
MAX_BYTES = 5 * 1024 * 1024
