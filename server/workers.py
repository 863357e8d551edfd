"""Worker threads: blocking work (SQLite, scoring, PDFs, exports) runs here, never on the event loop.

Two bounded pools (each starts threads as work comes, up to its size):

- **requests**, ``worker_threads`` threads (``XUNJIAN_WORKER_THREADS``, default 16): Litestar runs
  every synchronous handler and dependency (``sync_to_thread=True``) there, and the push's fast
  lane, the upload routes and publishing a checklist hand their blocking calls to it through
  :func:`run`.
- **long jobs**, ``long_job_threads`` threads (``XUNJIAN_LONG_JOB_THREADS``, default 2): monthly
  and quarterly reports, CSV/XLSX exports (every step of the streamed file) and PDF reports,
  through :meth:`Workers.long_job` and :meth:`Workers.long_steps`. A long job waits for one of
  these threads in this pool's queue, not in a thread of the request pool, so however many run
  at once, pushes and pulls still find a worker.

Litestar takes its executor process-wide, and only while no event loop runs, so
:func:`configure` sets it when the app is built (:func:`server.app.create_app`); apps built in
one process (tests) share the pools of one size. The webhook loop (:mod:`server.startup`)
runs its passes in the event loop's own default executor, apart from both.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import ParamSpec, TypeVar

from litestar.concurrency import set_asyncio_executor, sync_to_thread

from server.settings import Settings

P = ParamSpec("P")
T = TypeVar("T")

_pools: dict[tuple[str, int], ThreadPoolExecutor] = {}
_pools_lock = threading.Lock()


def _pool(name: str, size: int) -> ThreadPoolExecutor:
    """The process's pool ``name`` of ``size`` threads, made on first use."""
    with _pools_lock:
        pool = _pools.get((name, size))
        if pool is None:
            pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix=f"xunjian-{name}")
            _pools[(name, size)] = pool
        return pool


async def _in(pool: ThreadPoolExecutor, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``fn(*args, **kwargs)`` in a thread of ``pool`` (with this task's context variables)."""
    bound = partial(contextvars.copy_context().run, fn, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(pool, bound)


def _step(steps: Iterator[T]) -> list[T]:
    """The next item of ``steps`` as a list of one, or ``[]`` at the end."""
    for item in steps:
        return [item]
    return []


@dataclass(frozen=True)
class Workers:
    """The app's two pools (see the module)."""

    requests: ThreadPoolExecutor
    long_jobs: ThreadPoolExecutor

    async def long_job(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)`` in the long-job pool."""
        return await _in(self.long_jobs, fn, *args, **kwargs)

    async def long_steps(self, steps: Iterator[T]) -> AsyncIterator[T]:
        """The items of a generator, each step taken in the long-job pool (a streamed export)."""
        while True:
            item = await _in(self.long_jobs, _step, steps)
            if not item:
                return
            yield item[0]


def configure(settings: Settings) -> Workers:
    """The pools of these settings; Litestar's synchronous handlers run in the request pool from now on.

    Called while no event loop runs (Litestar refuses otherwise).
    """
    workers = Workers(_pool("worker", settings.worker_threads), _pool("long-job", settings.long_job_threads))
    set_asyncio_executor(workers.requests)
    return workers


async def run(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``fn(*args, **kwargs)`` in the request pool, for a handler that must stay ``async``."""
    return await sync_to_thread(fn, *args, **kwargs)
