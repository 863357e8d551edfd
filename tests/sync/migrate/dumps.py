"""Table dumps to compare a migrated PostgreSQL database with its SQLite source, or two targets with each other."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg

from sync.migrate.source import open_source, quoted
from sync.migrate.tables import target_tables

Dump = dict[str, list[tuple[Any, ...]]]


def _sorted(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted(rows, key=repr)


def _text(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """SQLite keeps encoded JSON as bytes in TEXT columns; PostgreSQL's text columns give it back as ``str``."""
    return tuple(value.decode() if isinstance(value, bytes) else value for value in row)


def target_dump(url: str) -> Dump:
    """Every table's rows (bookkeeping left out), sorted, by table."""
    with psycopg.connect(url) as conn:
        tables = target_tables(conn)
        return {
            name: _sorted(conn.execute(f"SELECT {', '.join(map(quoted, t.names))} FROM {quoted(name)}").fetchall())
            for name, t in sorted(tables.items())
        }


def source_dump(database: Path, url: str) -> Dump:
    """The source's rows in the target's tables and column order (text as ``str``), sorted, by table."""
    with psycopg.connect(url) as conn:
        tables = target_tables(conn)
    with open_source(database) as source:
        return {
            name: _sorted(
                [
                    _text(row)
                    for row in source.conn.execute(f"SELECT {', '.join(map(quoted, t.names))} FROM {quoted(name)}")
                ]
            )
            for name, t in sorted(tables.items())
        }
