"""Rows by column name: a query's columns (or their ``AS`` aliases) name the values they hold.

Read this way, a column added to a table or to the middle of a ``SELECT`` moves no other value.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any, TypeVar

import msgspec

T = TypeVar("T")


def named_rows(cursor: sqlite3.Cursor) -> Iterator[dict[str, Any]]:
    """The cursor's rows as dicts keyed by column name (its alias where the query gives one)."""
    names = [column[0] for column in cursor.description]
    if len(set(names)) != len(names):
        raise ValueError(f"a query read by name repeats a column name: {names}")
    for values in cursor:
        yield dict(zip(names, values, strict=True))


def named_row(cursor: sqlite3.Cursor) -> dict[str, Any] | None:
    """The cursor's first row by column name, or ``None`` when it has none."""
    return next(named_rows(cursor), None)


def as_struct(row: dict[str, Any], type_: type[T], *, json: tuple[str, ...] = ()) -> T:
    """``row`` as ``type_``, each column filling the field of its name (columns without a field are ignored).

    The ``json`` columns hold JSON text, decoded first (``NULL`` stays ``None``); 0 and 1 fill ``bool`` fields.
    """
    for name in json:
        if row[name] is not None:
            row[name] = msgspec.json.decode(row[name])
    return msgspec.convert(row, type_, strict=False)


def rows_as(cursor: sqlite3.Cursor, type_: type[T], *, json: tuple[str, ...] = ()) -> list[T]:
    """The cursor's rows as ``type_`` (see :func:`as_struct`)."""
    return [as_struct(row, type_, json=json) for row in named_rows(cursor)]
