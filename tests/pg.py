"""A throwaway PostgreSQL cluster for the tests (Debian's ``postgresql`` package), and fresh databases in it.

``XUNJIAN_TEST_BACKEND=postgresql`` runs ``tests/sync`` and ``tests/server`` on it (``tests/conftest.py``):
one cluster per session in a temporary folder (its socket there too, on a free port), a template
database migrated once, and per test a database copied from it (``CREATE DATABASE … TEMPLATE``),
dropped after. PostgreSQL refuses to run as root: as root the cluster runs as the ``postgres`` user.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import psycopg

BACKEND = os.environ.get("XUNJIAN_TEST_BACKEND", "sqlite")
ON_POSTGRESQL = BACKEND == "postgresql"
TEMPLATE = "xunjian_template"
# what a trigger's refusal raises: SQLite's RAISE(ABORT, …), PostgreSQL's RAISE EXCEPTION
REFUSED = (sqlite3.IntegrityError, psycopg.errors.RaiseException)


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} not found: install Debian's postgresql package (./dev test does)")
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Cluster:
    """A PostgreSQL cluster in a temporary folder, reached through its socket there."""

    def __init__(self) -> None:
        """Create and start the cluster (as ``postgres`` when running as root)."""
        self.folder = Path(tempfile.mkdtemp(prefix="xunjian-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self._as: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        self._run(_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses='' -c fsync=off -c max_connections=300"
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")
        self._names = itertools.count(1)

    def _run(self, *command: str) -> None:
        subprocess.run([*self._as, *command], check=True, capture_output=True)

    def url(self, database: str) -> str:
        """The URL of ``database`` in this cluster."""
        return f"postgresql://postgres@/{database}?host={self.folder}&port={self.port}"

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        """A connection to the ``postgres`` database in autocommit (for CREATE/DROP DATABASE)."""
        return psycopg.connect(self.url("postgres"), autocommit=True)

    def create(self, template: str = "template0") -> str:
        """A new empty database (or a copy of ``template``): its name."""
        name = f"t{os.getpid()}_{next(self._names)}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def drop(self, name: str) -> None:
        """Drop a database, closing whoever is still connected."""
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the cluster and remove its folder."""
        try:
            self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


class Databases:
    """Fresh migrated databases, copied from a template migrated once."""

    def __init__(self, cluster: Cluster) -> None:
        """Migrate the template database."""
        from sync.db.postgresql import PostgresStore

        self.cluster = cluster
        with cluster.admin() as conn:
            conn.execute(f'CREATE DATABASE "{TEMPLATE}" TEMPLATE template0')
        PostgresStore(cluster.url(TEMPLATE)).close()

    def fresh(self) -> str:
        """A new migrated database: its name (its URL is ``cluster.url(name)``)."""
        return self.cluster.create(TEMPLATE)
