"""The public Python API: load a knowledge base, run cases, ask HOW, WHY-NOT and WHAT-IF.

Re-exported by ``import whyache``; see docs/api.md.
"""

from whyache.api.run import Run
from whyache.api.session import Session, check_scenarios, lint, load
from whyache.api.verdict import Verdict

__all__ = ["Run", "Session", "Verdict", "check_scenarios", "lint", "load"]
