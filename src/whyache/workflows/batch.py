"""Batch runs: many cases in, one plain result record per case out, in input order.

Input is JSON Lines (one case per line: ``{"id": ..., "facts": {...}}`` or a flat mapping of
fact to value with an optional ``"id"``) or CSV (a header row of fact names, an optional
``id`` column, one case per row, an empty cell meaning unknown). Every stage is a generator,
so memory stays flat however long the input is; with several worker processes at most a
fixed number of chunks are in flight at once.

A case that cannot be read or run, for whatever reason (a malformed line, a number too large,
a line over :data:`MAX_LINE` characters, a worker process that died), becomes an error record
naming its line; the batch goes on. Records (keys in this order)::

    {"id": str | int, "line": int,
     "conclusions": {"red_flag": [...], "condition": [...], "symptom": [...],
                     "mechanism": [...], "recommendation": [...]},   # every kind, always
     "red_flags": [...],         # raised
     "possible_red_flags": [...],  # reached only at the possible level: shown, not raised
     "firings": int,
     "derivations": [...]}       # only with explain: firings as in whyache.result/1
    {"id": str | int, "line": int, "error": str}
"""

from __future__ import annotations

import csv
import gc
import itertools
import json
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from whyache.engine import (
    InputError,
    KnowledgeBase,
    Location,
    WhyacheError,
    case_from_mapping,
)
from whyache.engine.errors import echo
from whyache.engine.model.definitions import INPUT
from whyache.engine.render.serialize import firing_to_dict
from whyache.engine.runtime.engines import Runner, make_engine
from whyache.knowledge_base.case_files import unique_keys

FORMATS = ("jsonl", "csv")
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
_CASE_KEYS = {"id", "facts"}
_FAULT = "\0fault"  # a key no CSV header can hold: marks a row that cannot be read

#: The longest input line (characters) read as a case; a longer one is an error record, and
#: it is never held in memory whole.
MAX_LINE = 1024 * 1024
#: Cases per chunk sent to a worker process, and chunks in flight per worker.
CHUNK = 32
IN_FLIGHT_PER_WORKER = 4


@dataclass(frozen=True)
class Item:
    """One case as read, not yet parsed: its line and either JSON text or a CSV row."""

    line: int
    payload: str | dict[str, str]
    fault: str | None = None  # why the item cannot be read at all (an overlong line)


def format_for(path: str) -> str | None:
    """The input format implied by a file name, or None when the suffix says nothing."""
    return _SUFFIXES.get(Path(path).suffix.lower())


def read_items(stream: TextIO, input_format: str, origin: str) -> Iterator[Item]:
    """Lazily split an input stream into items, skipping blank lines."""
    if input_format == "jsonl":
        return _jsonl_items(stream)
    if input_format == "csv":
        return _csv_items(stream, origin)
    raise InputError(f"unknown input format {input_format!r}", hint="use jsonl or csv")


_OVERLONG = "\0overlong"  # stands in for a line too long to read; no CSV cell holds NUL
_TOO_LONG = f"line longer than {MAX_LINE} characters"


def bounded_lines(stream: TextIO, limit: int = MAX_LINE) -> Iterator[str]:
    """The stream's lines; one longer than ``limit`` is skipped in pieces and yields ``None``.

    ``readline(limit + 1)`` never holds more than that, so a 500 MB line costs 1 MB.
    """
    while True:
        text = stream.readline(limit + 1)
        if not text:
            return
        if len(text) > limit and not text.endswith("\n"):
            while (rest := stream.readline(limit)) and not rest.endswith("\n"):
                pass
            yield _OVERLONG
        else:
            yield text


def _jsonl_items(stream: TextIO) -> Iterator[Item]:
    for number, text in enumerate(bounded_lines(stream), start=1):
        if text is _OVERLONG:
            yield Item(number, "", _TOO_LONG)
        elif text.strip():
            yield Item(number, text)


def _csv_lines(stream: TextIO) -> Iterator[str]:
    for text in bounded_lines(stream):
        yield _OVERLONG + "\n" if text is _OVERLONG else text


def _csv_items(stream: TextIO, origin: str) -> Iterator[Item]:
    # A line is at most MAX_LINE characters, so no cell can be longer: csv's own smaller
    # limit (128 KiB) would otherwise end the whole batch with csv.Error.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE + 2))
    reader = csv.reader(_csv_lines(stream))
    header: list[str] | None = None
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a row csv cannot split: that row's error, then go on
            if header is None:
                raise InputError(f"invalid CSV: {exc}", location=Location(origin)) from None
            yield Item(reader.line_num, "", f"invalid CSV: {exc}")
            continue
        if any(_OVERLONG in cell for cell in row):
            if header is None:
                raise InputError(f"CSV header {_TOO_LONG}", location=Location(origin))
            yield Item(reader.line_num, "", _TOO_LONG)
            continue
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip() for cell in row]
            _check_header(header, Location(origin, reader.line_num))
            continue
        line = reader.line_num
        cells = dict(zip(header, row, strict=False))
        if len(row) != len(header):
            # A ragged row cannot be trusted: it becomes an error record (keeping its id).
            cells[_FAULT] = f"{len(row)} cells where the header has {len(header)}"
        yield Item(line, cells)


def _check_header(header: list[str], location: Location) -> None:
    seen: set[str] = set()
    for name in header:
        if not name:
            raise InputError("empty column name in the CSV header", location=location)
        if name in seen:
            raise InputError(
                f"column {echo(name)} appears twice in the CSV header", location=location
            )
        seen.add(name)


class _Fault(InputError):
    """A row that cannot be read, though its id could."""

    def __init__(self, case_id: object, message: str) -> None:
        super().__init__(message)
        self.case_id = case_id


def _case_data(item: Item) -> tuple[object, dict[str, object] | list[object]]:
    """The case id (None when not given) and its fact mapping."""
    if item.fault is not None:
        raise InputError(item.fault)
    if isinstance(item.payload, dict):  # a CSV row
        row = dict(item.payload)
        case_id: object = row.pop("id", "").strip() or None
        if _FAULT in row:
            raise _Fault(case_id, row[_FAULT])
        return case_id, {k: v for k, v in row.items() if v.strip()}
    try:
        data = json.loads(item.payload, object_pairs_hook=unique_keys())
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply") from None
    except ValueError:  # Python's limit on the digits of a whole number (4,300)
        raise InputError("invalid JSON: a number with too many digits") from None
    if not isinstance(data, dict):
        raise InputError(
            "a case must be a JSON object",
            hint='write {"id": ..., "facts": {...}} or {"fact": value, ...}',
        )
    if "facts" in data:
        extra = sorted(k for k in data if k not in _CASE_KEYS)
        if extra:
            raise InputError(
                f"unknown key {echo(extra[0])} next to 'facts'", hint="allowed: id, facts"
            )
        facts = data["facts"]
        if not isinstance(facts, dict | list):
            raise InputError(
                "'facts' must be an object of fact to value or a list of facts",
                hint='write {"facts": {"hot_weather": true}} or {"facts": ["hot_weather"]}',
            )
        return data.get("id"), facts
    case_id = data.pop("id", None)
    return case_id, data


def _check_id(case_id: object, line: int) -> str | int:
    if case_id is None:
        return line
    if isinstance(case_id, bool) or not isinstance(case_id, str | int):
        raise InputError(f"a case id must be text or a whole number, not {echo(case_id)}")
    return case_id


def run_item(kb: KnowledgeBase, engine: Runner, item: Item, explain: bool) -> dict[str, Any]:
    """The result record of one item; any failure becomes that item's error record."""
    case_id: str | int = item.line
    try:
        return _run_item(kb, engine, item, explain)
    except Exception as exc:  # one case must never stop the batch
        if isinstance(exc, WhyacheError):
            if isinstance(exc, _Fault) and isinstance(exc.case_id, str):
                case_id = exc.case_id
            message = exc.message + (f" ({exc.hint})" if exc.hint else "")
        elif isinstance(exc, OverflowError | MemoryError | RecursionError):
            message = f"the case is too large to run ({type(exc).__name__})"
        else:
            message = f"the case could not be run ({type(exc).__name__}: {echo(str(exc))})"
        return {"id": case_id, "line": item.line, "error": message}


def _run_item(kb: KnowledgeBase, engine: Runner, item: Item, explain: bool) -> dict[str, Any]:
    case_id: str | int = item.line
    try:
        raw_id, facts = _case_data(item)
        case_id = _check_id(raw_id, item.line)
        case = case_from_mapping(kb, facts)
        result = engine.run(case)
    except WhyacheError as exc:
        if isinstance(exc, _Fault) and isinstance(exc.case_id, str):
            case_id = exc.case_id
        message = exc.message + (f" ({exc.hint})" if exc.hint else "")
        return {"id": case_id, "line": item.line, "error": message}
    record: dict[str, Any] = {
        "id": case_id,
        "line": item.line,
        "conclusions": {
            kind: list(result.conclusions(kind)) for kind in result.kb.kind_order if kind != INPUT
        },
        "red_flags": list(result.red_flags),
        "possible_red_flags": list(result.possible_red_flags),
        "firings": len(result.firings),
    }
    if explain:
        record["derivations"] = [firing_to_dict(result, f) for f in result.firings]
    return record


def encode(record: dict[str, Any]) -> str:
    """One output line (without newline): compact, deterministic JSON."""
    return json.dumps(record, ensure_ascii=False)


# --- worker processes ---------------------------------------------------------------------

_worker: tuple[KnowledgeBase, Runner, bool] | None = None
# The parent's compiled engine: a forked worker inherits it and need not compile its own.
_inherited: tuple[KnowledgeBase, Runner] | None = None


def _init_worker(kb_dir: Path | None, explain: bool, engine_name: str) -> None:
    """Have a compiled knowledge base once per worker process (inherited or loaded)."""
    global _worker
    if _inherited is not None:
        kb, engine = _inherited
    else:  # a spawned worker starts from scratch
        from whyache.knowledge_base.cache import load_cached

        kb = load_cached(kb_dir)
        engine = make_engine(kb, engine_name)
    _worker = (kb, engine, explain)


def _run_chunk(items: list[Item]) -> list[tuple[bool, str]]:
    assert _worker is not None, "worker not initialised"
    kb, engine, explain = _worker
    return [_encoded(run_item(kb, engine, item, explain)) for item in items]


def _encoded(record: dict[str, Any]) -> tuple[bool, str]:
    return "error" in record, encode(record)


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_batch(
    kb: KnowledgeBase,
    engine: Runner,
    items: Iterable[Item],
    *,
    explain: bool = False,
    workers: int = 1,
    kb_dir: Path | None = None,
    engine_name: str = "experta",
) -> Iterator[tuple[bool, str]]:
    """Yield ``(failed, encoded record)`` per item, in input order.

    With ``workers > 1`` the items go in chunks to that many processes, each of which loads
    the knowledge base from ``kb_dir`` (None: the bundled one) once; at most
    ``workers * IN_FLIGHT_PER_WORKER`` chunks are read ahead, so memory does not grow with
    the input. ``engine_name`` names the engine a spawned worker compiles (a forked one
    inherits ``engine``).
    """
    global _inherited
    # The compiled engine lives as long as the batch: out of the collector's way, it is not
    # scanned again by every full collection (on 8,000 rules, a third of a case's time).
    # Forked workers also share it page by page until something writes to it, as a
    # collection scanning it in a worker would.
    gc.freeze()
    if workers <= 1:
        for item in items:
            yield _encoded(run_item(kb, engine, item, explain))
        return
    _inherited = (kb, engine)
    limit = workers * IN_FLIGHT_PER_WORKER
    chunks = _chunks(items, CHUNK)
    pending: deque[tuple[list[Item], Future[list[tuple[bool, str]]]]] = deque()
    carried: list[list[Item]] = []  # read, but refused by a pool found broken at submit
    while True:
        # A pool whose worker died (killed by a signal, the OOM killer) is broken: the chunks
        # it held become error records, and a fresh pool takes the rest of the input.
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context(),
            initializer=_init_worker,
            initargs=(kb_dir, explain, engine_name),
        )
        broken = False
        try:
            source, carried = itertools.chain(carried, chunks), []
            for chunk in source:
                try:
                    future = pool.submit(_run_chunk, chunk)
                except BrokenProcessPool:  # a worker died since the last collection
                    carried, broken = [chunk], True
                    break
                pending.append((chunk, future))
                while len(pending) >= limit:
                    records, broken = _collect(*pending.popleft())
                    yield from records
                    if broken:
                        break
                if broken:
                    break
            if not broken:
                while pending:
                    records, broken = _collect(*pending.popleft())
                    yield from records
        finally:
            pool.shutdown(wait=not broken, cancel_futures=True)
        if not broken:
            return
        while pending:  # everything in flight on the broken pool
            records, _ = _collect(*pending.popleft())
            yield from records


_LOST = "the worker process running this case died (killed by a signal?); it was not run"


def _collect(
    chunk: list[Item], future: Future[list[tuple[bool, str]]]
) -> tuple[list[tuple[bool, str]], bool]:
    """A chunk's records, or its cases as error records when its worker died."""
    try:
        return future.result(), False
    except (BrokenProcessPool, CancelledError):
        return [_lost(item, _LOST) for item in chunk], True
    except Exception as exc:  # e.g. a record that could not be sent back
        return [
            _lost(item, f"the case could not be run ({type(exc).__name__})") for item in chunk
        ], False


def _lost(item: Item, message: str) -> tuple[bool, str]:
    try:
        case_id = _check_id(_case_data(item)[0], item.line)
    except Exception:  # its line is id enough
        case_id = item.line
    return _encoded({"id": case_id, "line": item.line, "error": message})
