"""The scale bench on PostgreSQL: its stores built through the real engine into a cluster kept between runs.

``python -m bench.scale --backend postgresql`` keeps a cluster (:class:`bench.pg.Cluster` on a kept
folder: ``$XUNJIAN_BENCH_PG_CLUSTER``, else ``cluster`` in the data folder, or, as root,
``/var/tmp/xunjian-bench-scale-pg``, since PostgreSQL runs as the ``postgres`` user, who cannot enter
``/root``) and a database per store, ``scale_<size>-v<version>``, built by :func:`bench.scale_build.build`
with its records there (its city and progress in the data folder, default
``~/.cache/xunjian/bench-scale-pg``), ``synchronous_commit`` off while it builds as the SQLite build
skips its fsyncs, and ``VACUUM ANALYZE`` after, as after any bulk load. Each timed run serves a copy
(``CREATE DATABASE … TEMPLATE``: seconds, even for a large store), dropped after, so the built
database is never changed.

``--from-sqlite`` builds each database another way: by moving the SQLite bench's cached store of
the same shape (built through the engine, once) with ``python -m sync.migrate`` — the path a
deployment takes to PostgreSQL, and the only one that reaches a million inspections in minutes here.
The cached SQLite store is first brought to this version's schema in place (what any server start
on a copy of it does; its records are unchanged), then copied from under the migration's lock, its
city and progress beside. ``--in-place`` serves the built database itself rather than a copy (a
copy of the 1M store needs its size again on disk): for reads only, which change no record the
figures read.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from bench.live import ServerProcess
from bench.pg import Cluster
from bench.scale_build import build
from bench.scale_city import City, Shape, folder_of, store_path
from bench.scale_stores import SqliteStores
from sync.db.store import Store
from sync.migrate.run import migrate

# A kept cluster holding stores of millions of rows is given the memory an operator would give it
# (PostgreSQL's defaults are sized for a small machine: 128 MB of shared buffers); see docs/deployment.md.
SETTINGS = {
    "shared_buffers": "2GB",
    "effective_cache_size": "12GB",
    "work_mem": "32MB",
    "maintenance_work_mem": "1GB",
    "max_wal_size": "8GB",
}


def default_data_pg() -> Path:
    """The PostgreSQL scale bench's data folder (cities and progress; the cluster too unless root)."""
    return Path(os.environ.get("XUNJIAN_BENCH_DATA_PG") or Path.home() / ".cache" / "xunjian" / "bench-scale-pg")


def cluster_folder(data: Path) -> Path:
    """Where the kept cluster lives (see the module)."""
    if os.environ.get("XUNJIAN_BENCH_PG_CLUSTER"):
        return Path(os.environ["XUNJIAN_BENCH_PG_CLUSTER"])
    return Path("/var/tmp/xunjian-bench-scale-pg") if os.geteuid() == 0 else data / "cluster"


class PostgresStores:
    """The scale stores as databases of a kept cluster: built once, each read on a server over a copy."""

    def __init__(
        self, data: Path, cluster: Cluster, *, from_sqlite: Path | None = None, in_place: bool = False
    ) -> None:
        """``from_sqlite``: the SQLite bench's data folder to move stores from; ``in_place``: serve no copy."""
        self.data, self.cluster = data, cluster
        self.from_sqlite, self.in_place = from_sqlite, in_place

    @staticmethod
    def database(shape: Shape) -> str:
        return f"scale_{shape.name}"

    def build(self, shape: Shape) -> City:
        """Build (or finish) the database of ``shape``; a city folder without its database starts again."""
        name = self.database(shape)
        if self.from_sqlite is not None and not self.cluster.exists(name):
            return self._moved(shape, self.from_sqlite)
        if not self.cluster.exists(name):
            shutil.rmtree(folder_of(self.data, shape), ignore_errors=True)
            self.cluster.create(name=name)
        progress = folder_of(self.data, shape) / "progress.json"
        before = progress.read_text() if progress.exists() else ""
        with self.cluster.admin() as conn:
            conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        try:
            city = build(self.data, shape, url=self.cluster.url(name))
        finally:
            with self.cluster.admin() as conn:
                conn.execute(f'ALTER DATABASE "{name}" RESET synchronous_commit')
        if not before or progress.read_text() != before:  # built now, or resumed
            with psycopg.connect(self.cluster.url(name), autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")  # as after any bulk load: the planner's statistics, the visibility map
        return city

    def _moved(self, shape: Shape, sqlite_data: Path) -> City:
        """The database of ``shape`` made by ``sync.migrate`` from the cached SQLite store (see the module)."""
        city = SqliteStores(sqlite_data).build(shape)  # built through the engine the first time
        source = store_path(sqlite_data, shape)
        Store(source).close()  # this version's schema, as a server start applies it
        name = self.cluster.create(name=self.database(shape))
        with self.cluster.admin() as conn:
            conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        try:
            print(f"moving {shape.name} from {source} with sync.migrate", flush=True)
            report = migrate(source, self.cluster.url(name), data_dir=source.parent)
        except BaseException:
            self.cluster.drop(name)  # half a copy is never taken for a store: the next run starts again
            raise
        finally:
            if self.cluster.exists(name):
                with self.cluster.admin() as conn:
                    conn.execute(f'ALTER DATABASE "{name}" RESET synchronous_commit')
        if report.wrong:
            self.cluster.drop(name)
            raise RuntimeError(f"sync.migrate found differences: {report.wrong[:5]}")
        print(f"moved {report.rows:,} rows in {report.seconds:.0f} s", flush=True)
        folder = folder_of(self.data, shape)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for kept in ("city.json", "progress.json"):
            shutil.copy2(source.parent / kept, folder / kept)
        with psycopg.connect(self.cluster.url(name), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        return city

    def size_mb(self, shape: Shape) -> float:
        return self.cluster.size_mb(self.database(shape))

    @contextmanager
    def serve(self, shape: Shape, timeout: float) -> Iterator[ServerProcess]:
        """``python -m server`` on a copy of the database of ``shape``, dropped after (``in_place``: on it)."""
        copy = self.database(shape) if self.in_place else self.cluster.create(template=self.database(shape))
        work = self.data / f"run-{shape.inspections}-{os.getpid()}"  # a sized and the empty store served at once
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        try:
            env = {"XUNJIAN_DATABASE_URL": self.cluster.url(copy)}
            with ServerProcess(work, env=env, timeout=timeout) as server:
                yield server
        finally:
            if not self.in_place:
                self.cluster.drop(copy)
            shutil.rmtree(work, ignore_errors=True)


@contextmanager
def postgres_stores(data: Path, *, from_sqlite: Path | None = None, in_place: bool = False) -> Iterator[PostgresStores]:
    """The kept cluster started (created the first time) and stopped after."""
    cluster = Cluster(cluster_folder(data), max_connections=100, settings=SETTINGS)
    try:
        yield PostgresStores(data, cluster, from_sqlite=from_sqlite, in_place=in_place)
    finally:
        cluster.stop()
