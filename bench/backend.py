"""Where the server under test keeps its records: SQLite in its data folder, or a fresh PostgreSQL database.

``--backend sqlite`` (the default) gives the server its data folder alone. ``--backend postgresql``
gives it ``XUNJIAN_DATABASE_URL`` of a new database per server started: in the server that
``--database-url`` names (the bench creates databases beside the one named, and drops them after), or,
without a URL, in a throwaway cluster of its own (:mod:`bench.pg`, with PostgreSQL's durable defaults).
``--workers N`` starts the server as ``python -m server --workers N``.
"""

from __future__ import annotations

import argparse
import itertools
import os
from types import TracebackType
from urllib.parse import urlsplit

import psycopg

from bench.pg import Cluster
from bench.procs import CpuMeter

BACKENDS = ("sqlite", "postgresql")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--backend``, ``--database-url`` and ``--workers`` on a bench's command line."""
    parser.add_argument("--backend", choices=BACKENDS, default="sqlite", help="the server's database (default sqlite)")
    parser.add_argument(
        "--database-url", default="", help="a PostgreSQL server to use (postgresql://…, implies postgresql)"
    )
    parser.add_argument("--workers", type=int, default=1, help="app processes: python -m server --workers N")


class Backend:
    """Fresh databases of one kind, one per server started; a context manager (the cluster stops after)."""

    def __init__(self, name: str = "sqlite", url: str = "") -> None:
        if name not in BACKENDS:
            raise ValueError(f"backend {name!r}: one of {', '.join(BACKENDS)}")
        self.name = "postgresql" if url else name
        self.url = url
        self.cluster: Cluster | None = None
        self.made: list[str] = []
        self._names = itertools.count(1)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Backend:
        """The backend a bench's command line asks for (see :func:`add_arguments`)."""
        return cls(args.backend, args.database_url)

    def __enter__(self) -> Backend:
        if self.name == "postgresql" and not self.url:
            self.cluster = Cluster()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            if self.url:
                for name in self.made:
                    with psycopg.connect(self.url, autocommit=True) as conn:
                        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            if self.cluster is not None:
                self.cluster.stop()
                self.cluster = None

    def fresh_url(self) -> str:
        """A new empty database's URL (PostgreSQL), or ``""`` for SQLite (the server's data folder)."""
        if self.name == "sqlite":
            return ""
        if self.cluster is not None:
            return self.cluster.url(self.cluster.create())
        name = f"xunjian_bench_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return urlsplit(self.url)._replace(path=f"/{name}").geturl()

    def fresh_env(self) -> dict[str, str]:
        """The server's environment for a new empty database: ``XUNJIAN_DATABASE_URL`` or nothing."""
        url = self.fresh_url()
        return {"XUNJIAN_DATABASE_URL": url} if url else {}

    def database_cpu(self) -> CpuMeter | None:
        """A CPU meter over our own cluster's processes (none for SQLite, in the server, or a server not ours)."""
        return CpuMeter(self.cluster.server_pid()) if self.cluster is not None else None


def server_args(workers: int, *args: str) -> list[str]:
    """``python -m server``'s arguments: ``args``, then ``--workers N`` when N is not 1."""
    return [*args, "--workers", str(workers)] if workers != 1 else list(args)
