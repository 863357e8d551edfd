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
from bench.scale_city import City, Shape, folder_of


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

    def __init__(self, data: Path, cluster: Cluster) -> None:
        self.data, self.cluster = data, cluster

    @staticmethod
    def database(shape: Shape) -> str:
        return f"scale_{shape.name}"

    def build(self, shape: Shape) -> City:
        """Build (or finish) the database of ``shape``; a city folder without its database starts again."""
        name = self.database(shape)
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

    def size_mb(self, shape: Shape) -> float:
        return self.cluster.size_mb(self.database(shape))

    @contextmanager
    def serve(self, shape: Shape, timeout: float) -> Iterator[ServerProcess]:
        """``python -m server`` on a copy of the database of ``shape``, dropped after."""
        copy = self.cluster.create(template=self.database(shape))
        work = self.data / f"run-{os.getpid()}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        try:
            env = {"XUNJIAN_DATABASE_URL": self.cluster.url(copy)}
            with ServerProcess(work, env=env, timeout=timeout) as server:
                yield server
        finally:
            self.cluster.drop(copy)
            shutil.rmtree(work, ignore_errors=True)


@contextmanager
def postgres_stores(data: Path) -> Iterator[PostgresStores]:
    """The kept cluster started (created the first time) and stopped after."""
    cluster = Cluster(cluster_folder(data), max_connections=100)
    try:
        yield PostgresStores(data, cluster)
    finally:
        cluster.stop()
