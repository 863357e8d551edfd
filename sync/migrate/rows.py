"""The rows: each table copied in batches of rowids (keyset, never OFFSET), every value kept.

A batch is read from the source after the last rowid the progress table records, written with
``COPY`` and recorded as done in the same transaction, so an interrupted copy resumes exactly
after its last committed batch. Values keep their ids and sequence numbers; they change only
their spelling where the PostgreSQL column wants another Python type (:func:`convert`): the
schema's booleans are integers on both and its times and JSON are text on both (as the storage
seam keeps them), so in practice that is text held as bytes in SQLite (decoded) and whole
floats in integer columns.
"""

from __future__ import annotations

from typing import Any

import psycopg

from sync.faults import fault
from sync.migrate import MigrateError
from sync.migrate.source import Source, quoted
from sync.migrate.tables import Table
from sync.migrate.target import advance, finish, progress

INTEGERS = frozenset({"bigint", "integer", "smallint"})
FLOATS = frozenset({"double precision", "real", "numeric"})
BATCH_FAULT = "migrate.batch"
TEXTS = frozenset({"text", "character varying", "json", "jsonb"})


def convert(value: Any, column_type: str) -> Any:
    """``value`` as read from SQLite, as the PostgreSQL column of ``column_type`` takes it; ValueError if it cannot."""
    if value is None:
        return None
    if column_type in INTEGERS:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if not isinstance(value, int):
            raise ValueError(f"{value!r} is not an integer")
    elif column_type in FLOATS and not isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a number")
    elif column_type in TEXTS:
        text = value.decode() if isinstance(value, bytes) else str(value)
        if "\x00" in text:
            raise ValueError("text holding a NUL character")
        return text
    elif column_type == "bytea" and isinstance(value, str):
        return value.encode()
    elif column_type == "boolean":
        return bool(value)
    return value


def _converted(table: Table, row: tuple[Any, ...]) -> list[Any]:
    """A source row (rowid first) as the target's columns take it."""
    values = []
    for column, value in zip(table.columns, row[1:], strict=True):
        try:
            values.append(convert(value, column.type))
        except (ValueError, UnicodeDecodeError) as exc:
            raise MigrateError(f"{table.name}.{column.name} at rowid {row[0]}: {exc}") from exc
    return values


def copy_table(source: Source, conn: psycopg.Connection[Any], table: Table, epoch: str, batch: int) -> int:
    """Copy the rows of ``table`` not copied yet; the rows the target holds of it now."""
    after, copied, done = progress(conn, table.name, epoch)
    if done:
        return copied
    names = ", ".join(quoted(name) for name in table.names)
    statement = f"COPY {quoted(table.name)} ({names}) FROM STDIN"
    while rows := source.batch(table.name, table.names, after, batch):
        with conn.transaction():
            with conn.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(_converted(table, row))
            fault(f"{BATCH_FAULT}.{table.name}")  # a crash here rolls the batch back; the next run copies it again
            advance(conn, table.name, int(rows[-1][0]), len(rows))
        after, copied = int(rows[-1][0]), copied + len(rows)
    finish(conn, table.name)
    return copied
