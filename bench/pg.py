"""A PostgreSQL cluster of our own (Debian's ``postgresql`` package), for the benchmarks and the tests.

:class:`Cluster` runs ``initdb`` and ``pg_ctl`` on a folder: a temporary one (removed when it stops:
the tests' throwaway cluster, the sync bench's and the soak's) or a kept one (started again by a later
run: the scale bench keeps its built databases there, copied per run with ``CREATE DATABASE …
TEMPLATE``; a kept cluster already running is used as it is, and stopped by the last run using it).
It listens on its socket in that folder only, on a free port number. PostgreSQL refuses to run as
root: as root the cluster runs as the ``postgres`` user, so a kept folder must be one that user can
reach (not under ``/root``). ``fast`` turns ``fsync`` off (the tests); the benchmarks keep
PostgreSQL's defaults, so every commit is on disk before a push is answered, as on SQLite.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg


def pg_bin(name: str) -> str:
    """The path of PostgreSQL program ``name`` (the newest installed version)."""
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
    """A PostgreSQL cluster in ``folder`` (a temporary one for ``None``), reached through its socket there."""

    def __init__(
        self,
        folder: Path | None = None,
        *,
        fast: bool = False,
        max_connections: int = 300,
        settings: dict[str, str] | None = None,
    ) -> None:
        """Create the cluster if ``folder`` holds none, and start it (as ``postgres`` when running as root).

        ``settings``: more server settings (``-c name=value``) for the start.
        """
        self.kept = folder is not None
        self.folder = folder if folder is not None else Path(tempfile.mkdtemp(prefix="xunjian-pg-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.data = self.folder / "data"
        self.port = _free_port()
        self._as: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        if not (self.data / "PG_VERSION").exists():
            shutil.rmtree(self.data, ignore_errors=True)
            self._run(
                pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"
            )
        if not self._running():
            options = f"-p {self.port} -k {self.folder} -c listen_addresses='' -c max_connections={max_connections}"
            if fast:
                options += " -c fsync=off"
            options += "".join(f" -c {name}={value}" for name, value in (settings or {}).items())
            log = str(self.folder / "log")
            self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", log, "-w", "start")
        else:  # a kept cluster another run started: use it, leave it running
            self.port = int((self.data / "postmaster.pid").read_text().splitlines()[3])
        self._names = itertools.count(1)

    def _run(self, *command: str) -> None:
        subprocess.run([*self._as, *command], check=True, capture_output=True)

    def _running(self) -> bool:
        """Whether a postmaster runs on this cluster already (a kept one, started by another run)."""
        command = [*self._as, pg_bin("pg_ctl"), "-D", str(self.data), "status"]
        return subprocess.run(command, check=False, capture_output=True).returncode == 0

    def others(self) -> int:
        """How many client connections other than this one the cluster serves (another run's)."""
        with self.admin() as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
            ).fetchone()
            return int(str(row[0])) if row else 0

    def url(self, database: str) -> str:
        """The URL of ``database`` in this cluster."""
        return f"postgresql://postgres@/{database}?host={self.folder}&port={self.port}"

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        """A connection to the ``postgres`` database in autocommit (for CREATE/DROP DATABASE)."""
        return psycopg.connect(self.url("postgres"), autocommit=True)

    def create(self, template: str = "template0", name: str = "") -> str:
        """A new empty database (or a copy of ``template``), named ``name`` or a fresh name: its name."""
        name = name or f"t{os.getpid()}_{next(self._names)}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def exists(self, name: str) -> bool:
        """Whether database ``name`` exists."""
        with self.admin() as conn:
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None

    def drop(self, name: str) -> None:
        """Drop a database, closing whoever is still connected."""
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def size_mb(self, name: str) -> float:
        """The size of database ``name`` on disk, in MB."""
        with self.admin() as conn:
            row = conn.execute("SELECT pg_database_size(%s)", (name,)).fetchone()
            return int(str(row[0])) / 1e6 if row else 0.0

    def server_pid(self) -> int:
        """The postmaster's process id (its backends are its children)."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def stop(self) -> None:
        """Stop the cluster, unless it is a kept one another run still uses; a temporary one's folder is removed."""
        if self.kept and self._running() and self.others():
            return
        try:
            mode = "fast" if self.kept else "immediate"
            self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")
        finally:
            if not self.kept:
                shutil.rmtree(self.folder, ignore_errors=True)
