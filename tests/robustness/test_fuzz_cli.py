"""A short run of the whole-CLI fuzz (``fuzz_cli.py``; run it standalone for the long one).

It runs in a fresh interpreter: the fuzz checks the peak memory of its whole process, and
the suite's process has by then held the 20,000-rule and golden-set tests' memory.
"""

from __future__ import annotations

import json
import subprocess
import sys

from ..conftest import REPO

_SCRIPT = """
import json
from tests.robustness.fuzz_cli import fuzz
figures = fuzz(40, seed=0)
print(json.dumps({"bad": figures.bad, "clean": figures.clean,
                  "examples": figures.examples, "report": figures.report()}))
"""


def test_random_command_lines_and_bytes_stay_within_the_documented_behaviour():
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT], cwd=REPO, capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr
    figures = json.loads(out.stdout.splitlines()[-1])
    assert figures["bad"] == []
    assert figures["clean"], figures["report"]
    assert figures["examples"] == 40
