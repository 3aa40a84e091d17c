"""Example files shipped with whyache, so that every command in the documentation runs from
an installed wheel: ``whyache example NAME`` writes one into the current folder.

Knowledge-base folders (``*-kb``) are copies of the test fixtures they are named after, and
``scenarios`` holds a copy of a scenario file of the bundled knowledge base; a test keeps the
copies equal to their originals.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from importlib.resources import as_file, files
from pathlib import Path

from whyache.engine.errors import InputError
from whyache.engine.model.vocabulary import suggest

#: example name -> what it is
EXAMPLES: dict[str, str] = {
    "answers.txt": "answers for whyache consult --answers, one per line",
    "runners.csv": "cases for whyache batch, one runner per row",
    "scenarios": "a folder of scenario files for the bundled knowledge base (whyache check)",
    "tiny-kb": "a nine-fact knowledge base: a number, a denial and an absence test",
    "differential-kb": "a small knowledge base that tells muscle soreness from bone injury",
    "consult-kb": "a small knowledge base for trying whyache consult",
    "findings-kb": "a small knowledge base whose reported ache is explained: observed findings",
    "findings-scenarios": "scenario files for findings-kb: what explains the ache (whyache check)",
    "cycle-kb": "a knowledge base with a rule cycle, for whyache kb lint",
    "squeaky-bicycle-kb": "a knowledge base about something else: why a bicycle squeaks",
    "squeaky-bicycle-scenarios": "scenario files for squeaky-bicycle-kb (whyache check)",
}
NAMES: tuple[str, ...] = tuple(EXAMPLES)


def write_example(name: str, directory: Path, *, force: bool = False) -> Path:
    """Write example ``name`` into ``directory``; never over a different file unless ``force``.

    The example appears complete or not at all: it is written under a temporary name in the
    same folder, then renamed. An identical copy already there is left as it is, so following
    the documentation twice works.
    """
    if name not in EXAMPLES:
        close = suggest(name, NAMES, limit=1, cutoff=0.5)
        raise InputError(
            f"no example named {name!r}",
            hint=f"did you mean {close[0]!r}?" if close else "list them: whyache example",
        )
    target = directory / name
    with as_file(files(__name__).joinpath(name)) as source:
        if target.exists() and not force:
            if _same(source, target):
                return target
            raise InputError(
                f"{target} already exists and differs from the example",
                hint="remove it, or pass --force",
            )
        directory.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=directory))
        try:
            staged = temporary / name
            if source.is_dir():
                shutil.copytree(source, staged, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copyfile(source, staged)
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists() or target.is_symlink():
                target.unlink()
            os.replace(staged, target)
        finally:
            shutil.rmtree(temporary, ignore_errors=True)
    return target


def _same(source: Path, target: Path) -> bool:
    """Whether ``target`` holds exactly the example (same files, same bytes)."""
    if source.is_file():
        return target.is_file() and filecmp.cmp(source, target, shallow=False)
    if not target.is_dir():
        return False
    wanted = sorted(p.relative_to(source) for p in source.rglob("*") if _shipped(p))
    present = sorted(p.relative_to(target) for p in target.rglob("*"))
    return wanted == present and all(
        (source / p).is_dir() or filecmp.cmp(source / p, target / p, shallow=False) for p in wanted
    )


def _shipped(path: Path) -> bool:
    return "__pycache__" not in path.parts
