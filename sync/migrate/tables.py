"""The tables to copy, read from the migrated target's catalog, never listed by hand.

Every base table of the target's schema is copied except the bookkeeping: the migrations'
record (``_sqlite_migrations``, written by the target's own migration run) and the copy's
progress (:data:`sync.migrate.target.PROGRESS`). Tables added by later migrations are copied as
they come. The order satisfies the foreign keys (a table after the tables it references; a
table's references to itself do not count; ties by name), although the copy runs with the
target's triggers, foreign-key checks included, off (:mod:`sync.migrate.target`).
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct

from sync.db.pg_migrations import MIGRATIONS_TABLE

PROGRESS = "_migrate_progress"
BOOKKEEPING = frozenset({MIGRATIONS_TABLE, PROGRESS})


class Column(Struct, frozen=True):
    """One column: its name, PostgreSQL type (``information_schema`` spelling) and whether it is an identity."""

    name: str
    type: str
    identity: bool


class Table(Struct, frozen=True):
    """One table of the target: its name and columns in order."""

    name: str
    columns: list[Column]

    @property
    def names(self) -> list[str]:
        """The column names, in order."""
        return [column.name for column in self.columns]


def target_tables(conn: Any) -> dict[str, Table]:
    """The target's tables (bookkeeping left out), each with its columns, by name."""
    rows = conn.execute(
        "SELECT c.table_name, c.column_name, c.data_type, c.is_identity FROM information_schema.columns c"
        " JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
        " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
        " ORDER BY c.table_name, c.ordinal_position"
    ).fetchall()
    columns: dict[str, list[Column]] = {}
    for table, name, data_type, identity in rows:
        if table not in BOOKKEEPING:
            columns.setdefault(table, []).append(Column(name, data_type, identity == "YES"))
    return {name: Table(name, found) for name, found in columns.items()}


def references(conn: Any) -> set[tuple[str, str]]:
    """The foreign keys between the schema's tables: (referencing table, referenced table)."""
    rows = conn.execute(
        "SELECT src.relname, dst.relname FROM pg_constraint k"
        " JOIN pg_class src ON src.oid = k.conrelid JOIN pg_class dst ON dst.oid = k.confrelid"
        " JOIN pg_namespace n ON n.oid = src.relnamespace"
        " WHERE k.contype = 'f' AND n.nspname = current_schema()"
    ).fetchall()
    return {(str(a), str(b)) for a, b in rows if a != b}


def copy_order(tables: dict[str, Table], keys: set[tuple[str, str]]) -> list[Table]:
    """The tables, each after those it references (ties, and any cycle left over, by name)."""
    waiting = {name: {b for a, b in keys if a == name and b in tables} for name in tables}
    order: list[str] = []
    while waiting:
        ready = sorted(name for name, needs in waiting.items() if not needs) or [min(waiting)]
        for name in ready:
            order.append(name)
            del waiting[name]
        for needs in waiting.values():
            needs.difference_update(ready)
    return [tables[name] for name in order]
