"""Where the scale bench's stores live: built once, each timed run on a server over a copy of one.

:class:`Stores` is what :mod:`bench.scale` asks of them; :class:`SqliteStores` keeps them as SQLite
files in the bench's data folder (a server on a copied file each run), and
:class:`bench.scale_pg.PostgresStores` as databases of a kept PostgreSQL cluster.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

from bench.live import ServerProcess
from bench.scale_build import build
from bench.scale_city import City, Shape, folder_of, store_path


def copy_store(source: Path, work: Path) -> None:
    """The store in folder ``source`` (database and WAL) copied into folder ``work``, and on disk.

    Flushed before anyone times it: a fresh copy is gigabytes of dirty pages in the page cache, and
    the server's first ``fsync`` of the database (its first WAL checkpoint) would write them all,
    inside whatever is being timed. The 100k store's pushes ran at a third of their rate so, and
    every figure at 1M (24 GB) with them; a deployment's database is not a file written a moment ago.
    """
    for name in ("xunjian.db", "xunjian.db-wal"):
        if (source / name).exists():
            shutil.copy2(source / name, work / name)
            with (work / name).open("rb+") as copied:
                os.fsync(copied.fileno())


@contextmanager
def server_on_copy(source: Path, work: Path, timeout: float) -> Iterator[ServerProcess]:
    """``python -m server`` on a fresh copy of the store in ``source`` (the cached store is never changed)."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    copy_store(source, work)
    with ServerProcess(work, timeout=timeout) as server:
        yield server
    shutil.rmtree(work, ignore_errors=True)


class SqliteStores:
    """The cached SQLite stores in ``data``: built there, each read on a server over a copy."""

    def __init__(self, data: Path) -> None:
        self.data = data

    def build(self, shape: Shape) -> City:
        return build(self.data, shape)

    def size_mb(self, shape: Shape) -> float:
        return store_path(self.data, shape).stat().st_size / 1e6

    def serve(self, shape: Shape, timeout: float) -> AbstractContextManager[ServerProcess]:
        work = self.data / f"run-{'empty-' if not shape.inspections else ''}{os.getpid()}"
        return server_on_copy(folder_of(self.data, shape), work, timeout)


class Stores(Protocol):
    """Where the bench's stores are built and served: :class:`SqliteStores`, ``bench.scale_pg.PostgresStores``."""

    def build(self, shape: Shape) -> City: ...

    def size_mb(self, shape: Shape) -> float: ...

    def serve(self, shape: Shape, timeout: float) -> AbstractContextManager[ServerProcess]: ...
