"""The PostgreSQL side of a migration: an empty database migrated, or this source's half-done copy resumed.

What the target may be:

- **empty** (no table): it is migrated (the PostgreSQL migrations, :mod:`sync.db.pg_migrations`),
  the rows the migrations seed (a new epoch in ``server_meta``) are removed, since the source's
  come instead, and the progress table :data:`PROGRESS` records the source's epoch — all in one
  transaction, so an interruption leaves it empty again;
- **this source's copy** (the progress table names the source's epoch): it is resumed where its
  progress says, or, once finished, only verified again;
- anything else holds another deployment's data (or a server started on it already) and is refused.

The copy's session sets ``session_replication_role = replica``: the target's triggers do not fire,
foreign-key checks included. Rows copied are history, already checked by the source (SQLite with
``foreign_keys=ON``) and by the triggers there; a trigger that reacted to inserts would count or
refuse them a second time, and a table referring to itself (``finding.repeat_of``) may hold a row
before the one it names. Setting it needs a superuser, or on PostgreSQL 15 and later
``GRANT SET ON PARAMETER session_replication_role TO <role>``.
"""

from __future__ import annotations

from typing import Any

import psycopg

from sync.db.pg_migrations import MIGRATIONS_TABLE, apply_migrations
from sync.db.postgresql import Connection
from sync.migrate import MigrateError
from sync.migrate.source import quoted
from sync.migrate.tables import PROGRESS, Table, target_tables

WHOLE = ""  # the progress row of the copy as a whole (``done`` once every table and sequence is)


def connect(url: str) -> psycopg.Connection[Any]:
    """A connection to the target for the copy, its triggers off for the session (see the module)."""
    try:
        conn = psycopg.connect(url, autocommit=True)
    except psycopg.Error as exc:
        raise MigrateError(f"cannot connect to the target: {exc}") from exc
    try:
        conn.execute("SET session_replication_role = replica")
    except psycopg.errors.InsufficientPrivilege as exc:
        conn.close()
        raise MigrateError(
            "the target's role may not set session_replication_role: run the migration as a superuser,"
            " or GRANT SET ON PARAMETER session_replication_role TO the role (PostgreSQL 15 and later)"
        ) from exc
    return conn


def _count_tables(conn: psycopg.Connection[Any]) -> int:
    found = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
    ).fetchone()
    return int(found[0]) if found else 0


def _progress_epoch(conn: psycopg.Connection[Any]) -> str | None:
    """The source epoch the progress table names, or ``None`` when there is no progress table."""
    exists = conn.execute("SELECT to_regclass(%s)", [PROGRESS]).fetchone()
    if exists is None or exists[0] is None:
        return None
    row = conn.execute(f"SELECT source_epoch FROM {PROGRESS} WHERE name = %s", [WHOLE]).fetchone()
    return None if row is None else str(row[0])


def prepare(conn: psycopg.Connection[Any], epoch: str, source_migrations: list[str]) -> None:
    """Ready the target for the source of ``epoch``: migrate an empty one, accept its own copy, refuse others."""
    if _count_tables(conn) == 0:
        with conn.transaction():
            apply_migrations(Connection(conn))
            for table in target_tables(conn):
                conn.execute(f"DELETE FROM {quoted(table)}")  # what the migrations seeded (a new epoch)
            conn.execute(
                f"CREATE TABLE {PROGRESS} (name TEXT PRIMARY KEY, source_epoch TEXT NOT NULL, last_rowid BIGINT"
                " NOT NULL DEFAULT 0, copied BIGINT NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0)"
            )
            conn.execute(f"INSERT INTO {PROGRESS} (name, source_epoch) VALUES (%s, %s)", [WHOLE, epoch])
    elif _progress_epoch(conn) != epoch:
        raise MigrateError(
            "the target database is not empty and is not a copy of this source (another deployment's data,"
            " or a server started on it): migrate into a new, empty database"
        )
    # The same schema is the same set of migrations: their order of application may differ (a store
    # upgraded across versions applied a later-numbered one before an earlier one merged after it).
    applied = [str(row[0]) for row in conn.execute(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY id")]
    if sorted(applied) != sorted(source_migrations):
        raise MigrateError(
            f"the source has {len(source_migrations)} migrations applied, the target {len(applied)}: start this"
            " version's server on the SQLite data folder once (it migrates it), stop it, then migrate"
        )


def progress(conn: psycopg.Connection[Any], table: str, epoch: str) -> tuple[int, int, bool]:
    """Where the copy of ``table`` stands: (last rowid copied, rows copied, done)."""
    conn.execute(
        f"INSERT INTO {PROGRESS} (name, source_epoch) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING", [table, epoch]
    )
    row = conn.execute(f"SELECT last_rowid, copied, done FROM {PROGRESS} WHERE name = %s", [table]).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), bool(row[2])


def advance(conn: psycopg.Connection[Any], table: str, last_rowid: int, rows: int) -> None:
    """Record a batch of ``table`` copied (in the batch's transaction)."""
    conn.execute(
        f"UPDATE {PROGRESS} SET last_rowid = %s, copied = copied + %s WHERE name = %s", [last_rowid, rows, table]
    )


def finish(conn: psycopg.Connection[Any], name: str) -> None:
    """Mark a table's copy (or, for :data:`WHOLE`, the whole copy) done."""
    conn.execute(f"UPDATE {PROGRESS} SET done = 1 WHERE name = %s", [name])


def is_done(conn: psycopg.Connection[Any]) -> bool:
    """Whether the copy of the rows is finished (a re-run then only copies missing objects and verifies)."""
    row = conn.execute(f"SELECT done FROM {PROGRESS} WHERE name = %s", [WHOLE]).fetchone()
    return bool(row and row[0])


def move_sequences(conn: psycopg.Connection[Any], tables: list[Table], floors: dict[str, int]) -> None:
    """Move each identity column's sequence past the copied maximum (or SQLite's ``AUTOINCREMENT`` mark, if higher).

    SQLite never hands out an ``AUTOINCREMENT`` id again, even after its row is deleted; neither will the target.
    """
    for table in tables:
        for column in (c for c in table.columns if c.identity):
            found = conn.execute(f"SELECT coalesce(max({quoted(column.name)}), 0) FROM {quoted(table.name)}").fetchone()
            top = max(int(found[0]) if found else 0, floors.get(table.name, 0))
            sequence = "SELECT pg_get_serial_sequence(%s, %s)"
            name = conn.execute(sequence, [quoted(table.name), column.name]).fetchone()
            if name is None or name[0] is None:
                continue
            if top:
                conn.execute("SELECT setval(%s, %s, true)", [name[0], top])
            else:
                conn.execute("SELECT setval(%s, 1, false)", [name[0]])
