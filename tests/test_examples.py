"""The shipped examples: copies of what they are named after, written whole by whyache example."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from whyache.cli import main
from whyache.engine import InputError
from whyache.examples import EXAMPLES, write_example

from .conftest import FIXTURES, REPO

# example -> the original in the source tree it must stay a copy of (None: only shipped)
ORIGINALS: dict[str, Path | None] = {
    "answers.txt": None,
    "runners.csv": None,
    "scenarios": REPO / "tests" / "scenarios" / "dehydration.scenarios.yaml",
    "tiny-kb": FIXTURES / "kbs" / "tiny",
    "differential-kb": FIXTURES / "kbs" / "differential",
    "consult-kb": FIXTURES / "kbs" / "consult",
    "findings-kb": FIXTURES / "kbs" / "findings",
    "findings-scenarios": FIXTURES / "findings-scenarios",
    "cycle-kb": FIXTURES / "broken_kbs" / "cycle",
    "squeaky-bicycle-kb": None,
    "squeaky-bicycle-scenarios": None,
}


def test_every_example_is_listed():
    shipped = {
        p.name
        for p in (REPO / "src" / "whyache" / "examples").iterdir()
        if p.name not in ("__init__.py", "__pycache__")
    }
    assert shipped == set(EXAMPLES) == set(ORIGINALS)


@pytest.mark.parametrize("name", sorted(n for n, o in ORIGINALS.items() if o is not None))
def test_examples_stay_copies_of_their_originals(name, tmp_path):
    original = ORIGINALS[name]
    assert original is not None
    written = write_example(name, tmp_path)
    if original.is_file():
        copy = written / original.name
        assert filecmp.cmp(original, copy, shallow=False), f"copy {original} to {copy} again"
        return
    for path in sorted(p for p in written.rglob("*") if p.is_file()):
        twin = original / path.relative_to(written)
        assert filecmp.cmp(path, twin, shallow=False), f"copy {twin} to the example again"


def test_an_example_is_written_whole_and_never_over_a_different_file(tmp_path):
    assert write_example("runners.csv", tmp_path) == tmp_path / "runners.csv"
    assert write_example("runners.csv", tmp_path) == tmp_path / "runners.csv"  # identical: ok
    (tmp_path / "runners.csv").write_text("mine\n")
    with pytest.raises(InputError, match="already exists and differs"):
        write_example("runners.csv", tmp_path)
    assert (tmp_path / "runners.csv").read_text() == "mine\n"
    write_example("runners.csv", tmp_path, force=True)
    assert (tmp_path / "runners.csv").read_text().startswith("id,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runners.csv"]  # no temporary left


def test_the_command_lists_writes_and_suggests(tmp_path):
    runner = CliRunner()
    listing = runner.invoke(main, ["example", "--format", "json"])
    assert [e["name"] for e in json.loads(listing.stdout)["examples"]] == list(EXAMPLES)
    assert runner.invoke(main, ["example"]).stdout.splitlines()[0].startswith("answers.txt  ")
    wrote = runner.invoke(main, ["example", "tiny-kb", "--to", str(tmp_path)])
    assert (wrote.exit_code, wrote.stdout) == (0, f"wrote {tmp_path / 'tiny-kb'}\n")
    demo = runner.invoke(main, ["demo", "--kb", str(tmp_path / "tiny-kb")])
    assert demo.exit_code == 0
    wrong = runner.invoke(main, ["example", "tiny"])
    assert wrong.stderr == "Error: no example named 'tiny' (did you mean 'tiny-kb'?)\n"
