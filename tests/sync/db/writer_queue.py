"""Transactions queued for the store's writer before any of them runs, for the group-commit tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from sync.db.store import Store


def queued_behind_the_writer(store: Store, jobs: Sequence[Callable[[], Any]], grouped: int | None = None) -> list[Any]:
    """Run ``jobs`` in threads queued for the writer's lock before it is released; their results or errors.

    ``grouped``: how many of them are grouped transactions (all, unless given), the ones waited for.
    """
    results: list[Any] = [None] * len(jobs)

    def run(n: int) -> None:
        try:
            results[n] = jobs[n]()
        except Exception as exc:
            results[n] = exc

    threads = [threading.Thread(target=run, args=[n]) for n in range(len(jobs))]
    with store.lock:
        for thread in threads:
            thread.start()
        while store.queued < (len(jobs) if grouped is None else grouped):  # every job waits for the lock the test holds
            time.sleep(0.001)
    for thread in threads:
        thread.join()
    return results
