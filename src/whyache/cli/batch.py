"""``whyache batch``: run many cases from JSON Lines or CSV, one result per line (JSON or text)."""

from __future__ import annotations

import io
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any, TextIO

import click

from whyache.cli import exit_codes
from whyache.cli.options import engine_option, format_option, kb_option, load, load_kb
from whyache.cli.streams import refuse_input_as_output, replacing
from whyache.engine import InputError, Location
from whyache.engine.errors import visible
from whyache.knowledge_base.reading import check_regular
from whyache.workflows.batch import FORMATS, format_for, read_items, run_batch

#: The most worker processes a batch starts (a larger --workers is refused, not attempted).
MAX_WORKERS = 256


class Progress:
    """A one-line counter on stderr, shown only once a run has lasted longer than a moment."""

    DELAY = 0.5
    EVERY = 0.1

    def __init__(self, stream: TextIO, total: int | None, enabled: bool) -> None:
        self.stream = stream
        self.total = total
        self.enabled = enabled
        self.start = time.monotonic()
        self.shown_at = 0.0
        self.shown = False

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < self.DELAY or now - self.shown_at < self.EVERY:
            return
        self.shown_at = now
        self.shown = True
        rate = done / (now - self.start)
        of = f"/{self.total}" if self.total is not None else ""
        self.stream.write(f"\rwhyache batch: {done}{of} cases, {rate:,.0f}/s ")
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _count_lines(path: Path) -> int:
    """Lines in a file, read in blocks (for the progress total; an upper bound on cases)."""
    count = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            count += block.count(b"\n")
    return count


def _open_input(stack: ExitStack, source: str) -> TextIO:
    if source == "-":
        if getattr(sys.stdin, "buffer", None) is None:
            raise InputError("standard input is closed", hint="give an input file instead of -")
        wrapper = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="replace")
        stack.callback(wrapper.detach)  # leave stdin itself open
        return wrapper
    try:
        return stack.enter_context(open(source, encoding="utf-8-sig", errors="replace", newline=""))
    except OSError as exc:
        raise InputError(
            f"cannot read {source}: {exc.strerror or exc}", location=Location(source)
        ) from None


def sniff_format(head: bytes) -> str:
    """The input format the first bytes show: ``{`` opens JSON Lines, a header opens CSV.

    A JSON Lines case is an object, so its first character is ``{``; a CSV file starts with
    its header, a column name. Blanks alone hold no case in either format (JSON Lines then).
    """
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return "csv" if text and text[:1] not in (b"{", b"[") else "jsonl"


def _first_bytes(source: str, size: int = 4096) -> bytes:
    """Up to ``size`` bytes from the start of the input, leaving it unread (stdin included)."""
    if source != "-":
        try:
            with open(source, "rb") as handle:
                return handle.read(size)
        except OSError:
            return b"x"  # let opening it for real report the error
    buffer = sys.stdin.buffer
    if buffer.seekable():
        start = buffer.tell()
        head = buffer.read(size)
        buffer.seek(start)
        return head
    peek = getattr(buffer, "peek", None)  # a pipe: what is buffered, without consuming it
    return bytes(peek(size)[:size]) if peek is not None else b""


@click.command()
@click.argument("source", metavar="INPUT")
@click.option(
    "--input-format",
    type=click.Choice(FORMATS),
    default=None,
    help="Input format; by default taken from the suffix (.jsonl/.ndjson, .csv), else from "
    "the first bytes ({ opens JSON Lines, anything else a CSV header).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, writable=True),
    default=None,
    help="Write the results to FILE instead of stdout.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=MAX_WORKERS),
    default=None,
    help=f"Worker processes, at most {MAX_WORKERS}  [default: the number of cores]",
)
@click.option("--explain", is_flag=True, help="Add each case's derivations (every firing).")
@click.option("-q", "--quiet", is_flag=True, help="No progress counter on stderr.")
@engine_option(default="reference")
@click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS",
    default=None,
    help="Run on the Dask cluster whose scheduler is at ADDRESS (tcp://HOST:8786), or "
    "'local' for --workers processes on this machine. Needs: pip install 'whyache[dask]'.",
)
@kb_option
@format_option(default="json")
def batch(
    source: str,
    input_format: str | None,
    output: Path | None,
    workers: int | None,
    explain: bool,
    quiet: bool,
    dask_address: str | None,
    kb_dir: Path | None,
    engine_name: str,
    output_format: str,
) -> None:
    """Run many cases and write one result per case, in input order.

    INPUT is JSON Lines (one case per line: {"id": ..., "facts": {...}} or a flat
    {"fact": value} object) or CSV (a header of fact names, an optional id column, one case
    per row; an empty cell is unknown). Use - for stdin. A case id defaults to its line.

    Each result (JSON Lines, the default) holds the case id and line, conclusions by kind, red
    flags and the number of firings. A case that cannot be read or run becomes {"id", "line",
    "error"}; the rest go on, and the exit code is 1. --format text writes one readable line
    per case instead: red flags first, then conditions and symptoms.

    \b
    Examples:
      whyache batch cases.jsonl -o results.jsonl
      whyache batch runners.csv --workers 2 --explain
      whyache batch runners.csv --format text
      cat cases.jsonl | whyache batch -
      whyache batch cases.jsonl --dask tcp://scheduler:8786 -o results.jsonl
    """
    if explain and output_format == "text":
        raise InputError("--explain adds derivations to JSON results", hint="use --format json")
    if source != "-":
        check_regular(source, "batch input")  # /dev/zero or a FIFO never ends: use - to stream
    elif getattr(sys.stdin, "buffer", None) is None:
        raise InputError("standard input is closed", hint="give an input file instead of -")
    refuse_input_as_output(output, [source])
    fmt = input_format or format_for(source) or sniff_format(_first_bytes(source))
    # On a cluster, the workers compile the knowledge base; here it is only read.
    kb, engine = load(kb_dir, engine_name) if dask_address is None else (load_kb(kb_dir), None)
    count = workers or os.cpu_count() or 1
    show = not quiet and sys.stderr.isatty()
    total = None
    if show and source != "-":
        total = max(0, _count_lines(Path(source)) - (1 if fmt == "csv" else 0))
    failed = 0
    with ExitStack() as stack:
        stream = _open_input(stack, source)
        out: IO[Any] = stack.enter_context(replacing(output)) if output is not None else sys.stdout
        progress = Progress(sys.stderr, total, show)
        stack.callback(progress.close)
        items = read_items(stream, fmt, source)
        results: Iterator[tuple[bool, str]]
        if dask_address is not None:
            from whyache.workflows.dask_batch import run_batch_dask  # only when asked

            results = run_batch_dask(
                kb, items, address=dask_address, explain=explain, workers=count
            )
        else:
            assert engine is not None
            results = run_batch(
                kb,
                engine,
                items,
                explain=explain,
                workers=count,
                kb_dir=kb_dir,
                engine_name=engine_name,
            )
        for done, (bad, line) in enumerate(results, start=1):
            failed += bad
            out.write((line if output_format == "json" else text_line(line)) + "\n")
            progress.update(done)
    if failed:
        click.echo(f"whyache batch: {failed} case(s) failed; see the error records", err=True)
        click.get_current_context().exit(exit_codes.FAILED)


def text_line(encoded: str) -> str:
    """One batch record as a line a person reads: red flags first, loud; counts for the rest."""
    record: dict[str, Any] = json.loads(encoded)
    head = visible(f"{record['id']} (line {record['line']}):")
    if "error" in record:
        return f"{head} error: {visible(record['error'])}"
    conclusions: dict[str, list[str]] = record["conclusions"]
    parts = []
    if record["red_flags"]:
        parts.append(f"!! RED FLAGS: {', '.join(record['red_flags'])} !!")
    for kind in ("condition", "symptom"):
        parts.append(f"{kind}s: {', '.join(conclusions[kind]) or '-'}")
    parts.append(f"{len(conclusions['mechanism'])} mechanisms")
    parts.append(f"{len(conclusions['recommendation'])} recommendations")
    firings = record["firings"]
    parts.append(f"{firings} firing{'' if firings == 1 else 's'}")
    return f"{head} {'; '.join(parts)}"
