"""Backups of a PostgreSQL database (issue 16): ``pg_dump`` in its custom format, ``pg_restore`` back.

The dump is of one moment: a read-only ``REPEATABLE READ`` transaction exports its snapshot,
reads the epoch and the op-log mark in it, and ``pg_dump --snapshot`` dumps exactly what that
snapshot sees while the servers keep writing. Restoring loads the dump into an empty database
(``pg_restore --no-owner --exit-on-error``); the caller then starts a new epoch, as on SQLite.
Point-in-time recovery (a base backup plus archived WAL) is the other way: ``docs/operations.md``.
"""

from __future__ import annotations

import glob
import shutil
import subprocess
from pathlib import Path

import psycopg

DUMP = "xunjian.pgdump"


class DumpError(Exception):
    """``pg_dump``/``pg_restore`` failed, or the target database is not empty; the message says why."""


def pg_tool(name: str) -> str:
    """The newest installed ``pg_dump``/``pg_restore`` (Debian's ``/usr/lib/postgresql/*/bin``), else ``PATH``'s."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    path = found[-1] if found else shutil.which(name)
    if path is None:
        raise DumpError(f"{name} not found: install PostgreSQL's client tools")
    return path


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 (our own tools)
    if done.returncode != 0:
        raise DumpError(f"{Path(command[0]).name}: {done.stderr.strip()[:2000]}")


def dump_database(url: str, target: Path) -> tuple[str, int]:
    """Dump the database at ``url`` into ``target`` at one moment; that moment's epoch and op-log mark."""
    with psycopg.connect(url) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.transaction():
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()
            epoch = conn.execute("SELECT value FROM server_meta WHERE key = 'epoch'").fetchone()
            seq = conn.execute("SELECT coalesce(max(seq), 0) FROM op_log").fetchone()
            if snapshot is None or epoch is None or seq is None:
                raise DumpError("the database has no epoch: is it a Xunjian database?")
            _run([pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot[0]}", f"--file={target}", url])
    return str(epoch[0]), int(seq[0])


def check_dump(dump: Path) -> list[str]:
    """What is wrong with a dump file: ``pg_restore --list`` must read its table of contents."""
    try:
        _run([pg_tool("pg_restore"), "--list", str(dump)])
    except DumpError as exc:
        return [f"{dump.name}: {exc}"]
    return []


def restore_dump(dump: Path, url: str) -> None:
    """Load ``dump`` into the database at ``url``, which must hold no table yet."""
    with psycopg.connect(url) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
    if tables is None or tables[0]:
        raise DumpError("the target database is not empty: restore into a new database, then point the server at it")
    _run([pg_tool("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={url}", str(dump)])
