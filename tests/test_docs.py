"""The documentation's commands run, and its links lead somewhere.

Every ``whyache`` line in a ```sh or ```console block of README.md, CHANGELOG.md and docs/*.md
runs through CliRunner and must exit 0, unless it ends in ``# error example``: then it must fail
the way a user error fails (exit 1, 2 or 3, never an internal error). Commands run in a
temporary directory holding every example ``whyache example`` writes (so ``-o``, ``--junit`` and
redirections write nowhere that matters); an argument naming a file of the repository is passed
as its absolute path. Lines that are not whyache commands (make, pip, dot, shell) are not run
here. tests/test_wheel.py runs the same commands from an installed wheel.
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from whyache.cli import main
from whyache.examples import EXAMPLES, write_example

from .conftest import REPO

DOCS = sorted([REPO / "README.md", REPO / "CHANGELOG.md", *(REPO / "docs").glob("*.md")])
RUN_LANGUAGES = {"sh", "console", "shell", "bash"}
PREFIXES = ("whyache ", ".venv/bin/whyache ")
ERROR_MARK = re.compile(r"\s#\s*error example\b")
FENCE = re.compile(r"^(```+|~~~+)\s*([\w-]*)")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


@dataclass(frozen=True)
class DocCommand:
    file: str
    line: int
    args: tuple[str, ...]
    fails: bool

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def blocks(path: Path) -> list[tuple[str, int, list[str]]]:
    """Fenced code blocks: (language, line of the first content line, lines)."""
    out: list[tuple[str, int, list[str]]] = []
    fence: str | None = None
    language, start, lines = "", 0, []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = FENCE.match(line.strip())
        if fence is None and match:
            fence, language, start, lines = match.group(1), match.group(2), number + 1, []
        elif fence is not None and line.strip().startswith(fence) and not line.strip()[3:]:
            out.append((language, start, lines))
            fence = None
        elif fence is not None:
            lines.append(line)
    return out


def _logical_lines(language: str, start: int, lines: list[str]) -> list[tuple[int, str]]:
    """Joined backslash continuations; in a console block only the ``$ `` prompt lines."""
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for offset, raw in enumerate(lines):
        line = raw.strip()
        if pending is not None:
            number, text = pending
            line = text + " " + line
        else:
            number = start + offset
            if language == "console":
                if not line.startswith("$ "):
                    continue
                line = line[2:].strip()
        if line.endswith("\\"):
            pending = (number, line[:-1].rstrip())
            continue
        pending = None
        out.append((number, line))
    return out


def _absolute(arg: str) -> str:
    candidate = REPO / arg
    return str(candidate) if arg and not arg.startswith("-") and candidate.exists() else arg


def doc_commands(
    paths: list[Path] = DOCS, root: Path = REPO, *, absolute: bool = True
) -> list[DocCommand]:
    found = []
    for path in paths:
        if not path.exists():
            continue
        for language, start, lines in blocks(path):
            if language not in RUN_LANGUAGES:
                continue
            for number, line in _logical_lines(language, start, lines):
                if not line.startswith(PREFIXES):
                    continue
                fails = bool(ERROR_MARK.search(line))
                command = re.split(r"\s[|>]\s?", line, maxsplit=1)[0]
                words = shlex.split(command, comments=True)[1:]
                found.append(
                    DocCommand(
                        path.relative_to(root).as_posix(),
                        number,
                        tuple(_absolute(w) if absolute else w for w in words),
                        fails,
                    )
                )
    return found


COMMANDS = doc_commands()


def test_the_docs_show_commands():
    files = {c.file for c in COMMANDS}
    assert "README.md" in files
    assert len(COMMANDS) >= 20


def write_examples(directory: Path) -> None:
    """What a reader following the docs has: every example ``whyache example`` writes."""
    for name in EXAMPLES:
        write_example(name, directory)


@pytest.mark.parametrize("command", COMMANDS, ids=str)
def test_documented_command_runs(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_examples(tmp_path)
    result = CliRunner().invoke(main, list(command.args), prog_name="whyache")
    shown = "whyache " + shlex.join(command.args)
    if command.fails:
        assert result.exit_code in (1, 2, 3), f"{command}: {shown} should fail\n{result.output}"
    else:
        assert result.exit_code == 0, f"{command}: {shown}\n{result.output}"


def test_collector_reads_prompts_continuations_pipes_and_error_marks(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "```sh\n"
        "make demo\n"
        "whyache run -f hot_weather \\\n"
        "  -f inadequate_fluid_intake   # a comment\n"
        "whyache graph -f hot_weather | dot -Tsvg -o case.svg\n"
        "whyache run -f nope   # error example: unknown fact\n"
        "```\n"
        "```console\n"
        "$ whyache kb stats\n"
        "whyache output line that is not a command\n"
        "```\n"
        "```text\n"
        "whyache run -f not_run\n"
        "```\n",
        encoding="utf-8",
    )
    found = doc_commands([page], tmp_path)
    assert [(c.line, c.args, c.fails) for c in found] == [
        (3, ("run", "-f", "hot_weather", "-f", "inadequate_fluid_intake"), False),
        (5, ("graph", "-f", "hot_weather"), False),
        (6, ("run", "-f", "nope"), True),
        (9, ("kb", "stats"), False),
    ]


def test_architecture_names_every_module():
    """docs/architecture.md is kept current: its table names every module of the package."""
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    package = REPO / "src" / "whyache"
    missing = []
    for module in sorted(package.rglob("*.py")):
        rel = module.relative_to(package).as_posix()
        if module.name == "__init__.py" and rel != "cli/__init__.py":
            continue
        in_render = rel.startswith("engine/render/") and f"`{module.name}`" in text
        if f"`{rel}`" not in text and not in_render:
            missing.append(rel)
    assert not missing, f"docs/architecture.md does not mention: {', '.join(missing)}"


# -- links --------------------------------------------------------------------------------------


def slug(heading: str) -> str:
    """The anchor a code host gives a heading: lower case, punctuation dropped, spaces to -."""
    text = unicodedata.normalize("NFC", heading.strip().lower())
    text = "".join(ch for ch in text if ch.isalnum() or ch in " -_")
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    in_code = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line.strip()):
            in_code = not in_code
            continue
        match = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if in_code or not match:
            continue
        base = slug(match.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        out.add(base if count == 0 else f"{base}-{count}")
    return out


def links(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^(```+|~~~+).*?^\1", "", text, flags=re.M | re.S)
    text = re.sub(r"`[^`\n]*`", "", text)
    return LINK.findall(text)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_internal_links_resolve(path):
    if not path.exists():
        pytest.skip(f"{path.name} not written yet")
    broken = []
    for target in links(path):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):
            continue  # http:, https:, mailto:
        file_part, _, fragment = target.partition("#")
        destination = (path.parent / file_part).resolve() if file_part else path
        if not destination.exists():
            broken.append(f"{target} (no such file)")
        elif fragment and destination.suffix == ".md" and fragment not in anchors(destination):
            broken.append(f"{target} (no heading with that anchor)")
    assert not broken, f"{path.relative_to(REPO)}: broken links: {', '.join(broken)}"


def test_links_are_found_outside_code_only(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\nSee [a](other.md#part), ![b](img/x.png) and `[c](in_code.md)`.\n"
        "```\n[d](in_block.md)\n```\n[e](https://example.org)\n",
        encoding="utf-8",
    )
    assert links(page) == ["other.md#part", "img/x.png", "https://example.org"]


def test_repeated_headings_get_numbered_anchors(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Notes\n## Example\n```\n# not a heading\n```\n## Example\n")
    assert anchors(page) == {"notes", "example", "example-1"}


def test_slug_follows_the_code_hosts():
    assert slug("HOW: `whyache explain CONCLUSION`") == "how-whyache-explain-conclusion"
    assert slug("Facts: present, denied, unknown") == "facts-present-denied-unknown"
    assert slug("whyache kb facts") == "whyache-kb-facts"
