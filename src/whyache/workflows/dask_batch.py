"""Batch runs on a Dask cluster (``whyache batch --dask ADDRESS``): the same records, in order.

The input is cut into partitions of ``PARTITION`` cases; each partition is a task that runs
:func:`~whyache.workflows.batch.run_item` on a worker, so the records are exactly those
of a local batch, error records included. The parsed knowledge base is sent to the workers
once (it pickles); each worker compiles it once and keeps the engine for later partitions. At
most ``IN_FLIGHT_PER_WORKER`` partitions per worker are submitted ahead of the one being
written, so memory stays flat however long the input is, and records are written in input
order.

A worker that dies takes its partitions with it; the scheduler runs them again elsewhere
(``RETRIES`` more times, besides its own resubmission of tasks lost with a worker). A partition
that still fails, or that has no result within ``timeout`` seconds (no worker left, a worker
hung), becomes one error record per case: the batch never hangs, and the exit code says that
cases failed.

Only this module imports ``dask.distributed`` (``pip install 'whyache[dask]'``), and only when
``--dask`` is used. ``ADDRESS`` is a scheduler (``tcp://host:8786``), or ``local`` for a
cluster of ``--workers`` processes on this machine bound to 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from typing import Any

from whyache.engine import Engine, InputError, KnowledgeBase
from whyache.workflows.batch import Item, _case_data, _check_id, _chunks, _encoded, run_item

#: Cases per task, and tasks submitted ahead per worker.
PARTITION = 256
IN_FLIGHT_PER_WORKER = 3
#: Extra attempts of a partition whose task failed (a lost worker is resubmitted anyway).
RETRIES = 1
#: Seconds to wait for the scheduler, and by default for one partition's result.
CONNECT_TIMEOUT = 10.0
PARTITION_TIMEOUT = 300.0
LOCAL = "local"

# On each worker: knowledge-base digest -> its compiled engine.
_engines: dict[str, Engine] = {}


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise InputError(
            "--dask needs dask.distributed, which is not installed",
            hint="pip install 'whyache[dask]'",
        ) from None
    return distributed


def run_batch_dask(
    kb: KnowledgeBase,
    items: Iterable[Item],
    *,
    address: str,
    explain: bool = False,
    workers: int = 1,
    timeout: float = PARTITION_TIMEOUT,
    partition: int = PARTITION,
) -> Iterator[tuple[bool, str]]:
    """Yield ``(failed, encoded record)`` per item, in input order, computed on a cluster."""
    distributed = _distributed()
    with ExitStack() as stack:
        client = _client(stack, distributed, address, workers)
        digest = hashlib.sha256(pickle.dumps(kb, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()
        try:
            shipped = client.scatter(kb, broadcast=True, hash=False, timeout=timeout)
        except (TimeoutError, distributed.TimeoutError):
            reason = f"no Dask worker took the knowledge base within {timeout:g} s"
            for item in items:
                yield _encoded(_lost(item, reason))
            return
        limit = max(1, _worker_count(client)) * IN_FLIGHT_PER_WORKER
        pending: deque[tuple[list[Item], Any]] = deque()
        try:
            for chunk in _chunks(items, partition):
                task = client.submit(
                    _run_partition, shipped, digest, chunk, explain, pure=False, retries=RETRIES
                )
                pending.append((chunk, task))
                while len(pending) >= limit:
                    yield from _collect(distributed, *pending.popleft(), timeout)
            while pending:
                yield from _collect(distributed, *pending.popleft(), timeout)
        finally:
            for _, task in pending:
                task.cancel()


def _client(stack: ExitStack, distributed: Any, address: str, workers: int) -> Any:
    """A client of the cluster at ``address`` (or of a new local one), closed with the stack."""
    if address == LOCAL:
        cluster = stack.enter_context(
            distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                host="127.0.0.1",
                dashboard_address=None,
                processes=True,
            )
        )
        return stack.enter_context(distributed.Client(cluster, timeout=CONNECT_TIMEOUT))
    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            f"cannot reach the Dask scheduler at {address}: {exc}",
            hint="give its address as tcp://HOST:8786, or use --dask local",
        ) from None
    return stack.enter_context(client)


def _worker_count(client: Any) -> int:
    return len(client.scheduler_info().get("workers", {}))


def _collect(
    distributed: Any, chunk: list[Item], task: Any, timeout: float
) -> list[tuple[bool, str]]:
    """A partition's records; error records for each case when it failed or took too long."""
    try:
        result: list[tuple[bool, str]] = task.result(timeout=timeout)
        return result
    except (TimeoutError, distributed.TimeoutError):
        task.cancel()
        reason = f"no result from the Dask cluster within {timeout:g} s"
    except distributed.KilledWorker:
        reason = "the Dask workers running this case kept dying"
    except Exception as exc:  # a task failing on a worker raises its own exception here
        reason = f"the Dask task failed: {type(exc).__name__}: {exc}"
    return [_encoded(_lost(item, reason)) for item in chunk]


def _lost(item: Item, reason: str) -> dict[str, Any]:
    case_id: object = item.line
    try:
        case_id = _check_id(_case_data(item)[0], item.line)
    except Exception:  # an unreadable case keeps its line as id, as in a local batch
        case_id = item.line
    return {"id": case_id, "line": item.line, "error": reason}


def _run_partition(
    kb: KnowledgeBase, digest: str, chunk: list[Item], explain: bool
) -> list[tuple[bool, str]]:
    """On a worker: the records of one partition, compiling the knowledge base once."""
    engine = _engines.get(digest)
    if engine is None:
        engine = _engines[digest] = Engine(kb)
    return [_encoded(run_item(kb, engine, item, explain)) for item in chunk]
