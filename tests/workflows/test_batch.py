from __future__ import annotations

import gc
import io
import json
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

import pytest

from whyache.engine import Case, Engine, KnowledgeBase, Result
from whyache.workflows import batch
from whyache.workflows.batch import (
    CHUNK,
    IN_FLIGHT_PER_WORKER,
    Item,
    format_for,
    read_items,
    run_batch,
)

from ..conftest import TINY


class Counted:
    """An endless source of items that counts how many were taken."""

    def __init__(self) -> None:
        self.taken = 0

    def __iter__(self) -> Iterator[Item]:
        while True:
            self.taken += 1
            yield Item(self.taken, json.dumps({"sun": True, "hours": self.taken % 90}))


def test_format_for():
    assert format_for("a/cases.JSONL") == "jsonl"
    assert format_for("cases.ndjson") == "jsonl"
    assert format_for("cases.csv") == "csv"
    assert format_for("cases.txt") is None


def test_readers_are_lazy():
    def endless() -> Iterator[str]:
        yield "sun,water\n"
        while True:
            yield "yes,no\n"

    items = read_items(_Endless(endless()), "csv", "x.csv")
    assert [next(items).line for _ in range(3)] == [2, 3, 4]


def test_one_worker_takes_one_item_per_result(tiny_kb: KnowledgeBase, tiny_engine: Engine):
    source = Counted()
    results = run_batch(tiny_kb, tiny_engine, source)
    for _ in range(5):
        next(results)
    assert source.taken == 5


def test_workers_read_ahead_a_bounded_amount(tiny_kb: KnowledgeBase, tiny_engine: Engine):
    source = Counted()
    results = run_batch(tiny_kb, tiny_engine, source, workers=2, kb_dir=TINY)
    try:
        taken = [json.loads(next(results)[1])["line"] for _ in range(3 * CHUNK)]
        assert taken == list(range(1, 3 * CHUNK + 1))
        assert source.taken <= CHUNK * (2 * IN_FLIGHT_PER_WORKER + 3)
    finally:
        results.close()  # type: ignore[attr-defined]


class _NoRules(Engine):
    """An engine that fires nothing, fast: the pipeline around it is what is measured."""

    def run(self, case: Case) -> Result:
        return Result(self.kb, case, ())


def test_memory_stays_flat_over_a_long_input(tiny_kb: KnowledgeBase):
    # Counting allocated blocks is as telling as tracemalloc here, and ten times faster.
    lines = (json.dumps({"id": n, "sun": True, "water": n % 2 == 0}) for n in range(20_000))
    results = run_batch(tiny_kb, _NoRules(tiny_kb), read_items(_LineStream(lines), "jsonl", "-"))
    live = {}
    for done, (failed, text) in enumerate(results, start=1):
        assert not failed and text.startswith(f'{{"id": {done - 1}, "line": {done},')
        if done in (1_000, 20_000):
            gc.collect()
            live[done] = sys.getallocatedblocks()
    # Anything that kept each record (or each input line) would add 19,000 blocks or more.
    assert live[20_000] - live[1_000] < 2_000


class _LineStream(io.TextIOBase):
    """A text stream over a generator of lines: nothing of the input exists in advance."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines

    def __iter__(self) -> Iterator[str]:
        return (line + "\n" for line in self._lines)

    def readline(self, size: int | None = -1, /) -> str:
        line = next(self._lines, None)
        return "" if line is None else line + "\n"


class _Endless(_LineStream):
    """Lines that already end in a newline."""

    def readline(self, size: int | None = -1, /) -> str:
        return next(self._lines, "")


class _PoolThatBreaksAtItsSecondSubmit:
    """A stand-in process pool: the first one made loses its worker after one chunk.

    The race CI once lost: a worker dies between two collections, so the next ``submit``
    itself raises ``BrokenProcessPool`` before any future reports the death.
    """

    made = 0

    def __init__(self, *args: object, **kwargs: object) -> None:
        type(self).made += 1
        self.broken_one = type(self).made == 1
        self.initializer = kwargs["initializer"]
        self.initargs = kwargs["initargs"]
        self.submitted = 0

    def submit(self, fn: Callable[[list[Item]], object], chunk: list[Item]) -> Future[object]:
        self.submitted += 1
        if self.broken_one and self.submitted == 2:
            raise BrokenProcessPool("A child process terminated abruptly")
        future: Future[object] = Future()
        if self.broken_one:  # the chunk it held dies with the worker
            future.set_exception(BrokenProcessPool("A child process terminated abruptly"))
        else:
            self.initializer(*self.initargs)  # type: ignore[operator]
            future.set_result(fn(chunk))
        return future

    def shutdown(self, wait: bool, cancel_futures: bool) -> None:
        pass


def test_a_pool_found_broken_at_submit_hands_its_chunk_to_a_fresh_pool(
    tiny_kb: KnowledgeBase, tiny_engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(batch, "ProcessPoolExecutor", _PoolThatBreaksAtItsSecondSubmit)
    monkeypatch.setattr(_PoolThatBreaksAtItsSecondSubmit, "made", 0)
    lines = [json.dumps({"id": n, "sun": True}) for n in range(3 * CHUNK)]
    items = [Item(n + 1, line) for n, line in enumerate(lines)]
    records = [
        json.loads(text)
        for _, text in run_batch(tiny_kb, tiny_engine, items, workers=2, kb_dir=TINY)
    ]
    assert [r["id"] for r in records] == list(range(3 * CHUNK))  # each once, in order
    lost = [r["id"] for r in records if "error" in r]
    assert lost == list(range(CHUNK))  # only the chunk the dead worker held
    assert _PoolThatBreaksAtItsSecondSubmit.made == 2
