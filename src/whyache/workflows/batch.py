"""Batch runs: many cases in, one plain result record per case out, in input order.

Input is JSON Lines (one case per line: ``{"id": ..., "facts": {...}}`` or a flat mapping of
fact to value with an optional ``"id"``) or CSV (a header row of fact names, an optional
``id`` column, one case per row, an empty cell meaning unknown). Every stage is a generator,
so memory stays flat however long the input is; with several worker processes at most a
fixed number of chunks are in flight at once.

A case that cannot be read or run becomes an error record naming its line; the batch goes
on. Records (keys in this order)::

    {"id": str | int, "line": int,
     "conclusions": {"red_flag": [...], "condition": [...], "symptom": [...],
                     "mechanism": [...], "recommendation": [...]},   # every kind, always
     "red_flags": [...], "firings": int,
     "derivations": [...]}       # only with explain: firings as in whyache.result/1
    {"id": str | int, "line": int, "error": str}
"""

from __future__ import annotations

import csv
import gc
import json
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from whyache.engine import (
    Engine,
    InputError,
    KnowledgeBase,
    Location,
    WhyacheError,
    case_from_mapping,
)
from whyache.engine.model.definitions import INPUT
from whyache.engine.render.serialize import firing_to_dict
from whyache.knowledge_base.case_files import unique_keys

FORMATS = ("jsonl", "csv")
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
_CASE_KEYS = {"id", "facts"}
_FAULT = "\0fault"  # a key no CSV header can hold: marks a row that cannot be read

#: Cases per chunk sent to a worker process, and chunks in flight per worker.
CHUNK = 32
IN_FLIGHT_PER_WORKER = 4


@dataclass(frozen=True)
class Item:
    """One case as read, not yet parsed: its line and either JSON text or a CSV row."""

    line: int
    payload: str | dict[str, str]


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


def _jsonl_items(stream: TextIO) -> Iterator[Item]:
    for number, text in enumerate(stream, start=1):
        if text.strip():
            yield Item(number, text)


def _csv_items(stream: TextIO, origin: str) -> Iterator[Item]:
    reader = csv.reader(stream)
    header: list[str] | None = None
    for row in reader:
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
            raise InputError(f"column {name!r} appears twice in the CSV header", location=location)
        seen.add(name)


class _Fault(InputError):
    """A row that cannot be read, though its id could."""

    def __init__(self, case_id: object, message: str) -> None:
        super().__init__(message)
        self.case_id = case_id


def _case_data(item: Item) -> tuple[object, dict[str, object] | list[object]]:
    """The case id (None when not given) and its fact mapping."""
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
    if not isinstance(data, dict):
        raise InputError(
            "a case must be a JSON object",
            hint='write {"id": ..., "facts": {...}} or {"fact": value, ...}',
        )
    if "facts" in data:
        extra = sorted(k for k in data if k not in _CASE_KEYS)
        if extra:
            raise InputError(f"unknown key {extra[0]!r} next to 'facts'", hint="allowed: id, facts")
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
        raise InputError(f"a case id must be text or a whole number, not {case_id!r}")
    return case_id


def run_item(kb: KnowledgeBase, engine: Engine, item: Item, explain: bool) -> dict[str, Any]:
    """The result record of one item; any error a user can cause becomes an error record."""
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
        "firings": len(result.firings),
    }
    if explain:
        record["derivations"] = [firing_to_dict(result, f) for f in result.firings]
    return record


def encode(record: dict[str, Any]) -> str:
    """One output line (without newline): compact, deterministic JSON."""
    return json.dumps(record, ensure_ascii=False)


# --- worker processes ---------------------------------------------------------------------

_worker: tuple[KnowledgeBase, Engine, bool] | None = None
# The parent's compiled engine: a forked worker inherits it and need not compile its own.
_inherited: tuple[KnowledgeBase, Engine] | None = None


def _init_worker(kb_dir: Path | None, explain: bool) -> None:
    """Have a compiled knowledge base once per worker process (inherited or loaded)."""
    global _worker
    if _inherited is not None:
        kb, engine = _inherited
    else:  # a spawned worker starts from scratch
        from whyache.knowledge_base.cache import load_cached

        kb = load_cached(kb_dir)
        engine = Engine(kb)
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
    engine: Engine,
    items: Iterable[Item],
    *,
    explain: bool = False,
    workers: int = 1,
    kb_dir: Path | None = None,
) -> Iterator[tuple[bool, str]]:
    """Yield ``(failed, encoded record)`` per item, in input order.

    With ``workers > 1`` the items go in chunks to that many processes, each of which loads
    the knowledge base from ``kb_dir`` (None: the bundled one) once; at most
    ``workers * IN_FLIGHT_PER_WORKER`` chunks are read ahead, so memory does not grow with
    the input.
    """
    global _inherited
    if workers <= 1:
        for item in items:
            yield _encoded(run_item(kb, engine, item, explain))
        return
    _inherited = (kb, engine)
    # Forked workers share the parent's compiled engine page by page until something writes
    # to it; a garbage collection in a worker would, touching every object it scans.
    gc.freeze()
    with multiprocessing.get_context().Pool(
        workers, initializer=_init_worker, initargs=(kb_dir, explain)
    ) as pool:
        pending: deque[Any] = deque()
        limit = workers * IN_FLIGHT_PER_WORKER
        for chunk in _chunks(items, CHUNK):
            pending.append(pool.apply_async(_run_chunk, (chunk,)))
            while len(pending) >= limit:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
