"""Where SQLite and PostgreSQL differ: the one place that knows (issue 16, the storage seam).

``sync/`` writes its SQL once, in SQLite's spelling where the two agree (``?`` placeholders,
``ON CONFLICT … DO NOTHING``/``DO UPDATE``, ``RETURNING``, partial indexes, ``coalesce``). The
PostgreSQL store runs each statement through :func:`to_postgresql` (cached per statement text),
which changes only what has no common spelling:

- placeholders: ``?`` → ``%s`` (and a literal ``%`` → ``%%``), outside quoted strings;
- the table ``user``, a reserved word on PostgreSQL, is quoted (``"user"``);
- ``group_concat(x)`` → ``string_agg(x, ',')``; ``json_object(…)`` → ``json_build_object(…)::text``;
- the fragments named here (:data:`DAYS_TO_CLOSE`) to their PostgreSQL form;
- in DDL (:func:`ddl_to_postgresql`): ``INTEGER PRIMARY KEY AUTOINCREMENT`` → an identity
  column, ``INTEGER`` → ``BIGINT`` (SQLite's integers are 64-bit), ``REAL`` → ``DOUBLE PRECISION``,
  ``BLOB`` → ``BYTEA``.

Sequences that devices and webhooks read "after N" are taken under :func:`lock_sequence`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

POSTGRESQL = "postgresql"
SQLITE = "sqlite"

# The China days between two stored UTC times (``sync.engine.rollups``): the SQLite spelling,
# and below, in _FRAGMENTS, PostgreSQL's.
DAYS_TO_CLOSE = (
    "CAST(julianday(a.closed_at, '+8 hours', 'start of day') - julianday(n.created_at, '+8 hours', 'start of day')"
    " AS INTEGER)"
)
_FRAGMENTS = {
    DAYS_TO_CLOSE: "((a.closed_at::timestamptz AT TIME ZONE 'Asia/Shanghai')::date"
    " - (n.created_at::timestamptz AT TIME ZONE 'Asia/Shanghai')::date)",
}

# One advisory lock for every sequence read "after N" (op log, events): held to COMMIT, so
# numbers are handed out in commit order and a reader never sees N+1 before N.
SEQUENCE_LOCK = 0x78756E6A69616E  # "xunjian"

_TABLE_USER = re.compile(r"\b(FROM|JOIN|INTO|UPDATE|TABLE|REFERENCES|EXISTS)(\s+)user\b(?!\.)", re.IGNORECASE)
_FUNCTIONS = {"group_concat": ("string_agg(", ", ',')"), "json_object": ("json_build_object(", ")::text")}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FUNCTION_CALL = re.compile(r"\b(group_concat|json_object)\(", re.IGNORECASE)


def dialect_of(conn: Any) -> str:
    """The dialect a connection (or reader) speaks: the PostgreSQL adapters say so, SQLite's do not."""
    return str(getattr(conn, "dialect", SQLITE))


def lock_sequence(conn: Any) -> None:
    """Before taking numbers of a sequence read "after N": on PostgreSQL, wait for the writers before.

    A transaction-scoped advisory lock, held until COMMIT, so a transaction that takes seq 101
    commits before any other can take 102. SQLite has one writer at a time already.
    """
    if dialect_of(conn) == POSTGRESQL:
        conn.execute("SELECT pg_advisory_xact_lock(?)", [SEQUENCE_LOCK])


def _closing(sql: str, start: int) -> int:
    """The index of the parenthesis closing the one opened just before ``start``."""
    depth, i, quote = 1, start, ""
    while i < len(sql):
        char = sql[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced parentheses in SQL: {sql}")


def _functions(sql: str) -> str:
    """``group_concat``/``json_object`` calls in their PostgreSQL spelling."""
    while (found := _FUNCTION_CALL.search(sql)) is not None:
        close = _closing(sql, found.end())
        opening, closing = _FUNCTIONS[found[1].lower()]
        sql = sql[: found.start()] + opening + sql[found.end() : close] + closing + sql[close + 1 :]
    return sql


def _placeholders(sql: str) -> str:
    """Psycopg's paramstyle: ``?`` → ``%s``, ``:name`` → ``%(name)s`` outside quoted strings; ``%`` → ``%%``."""
    out: list[str] = []
    quote = ""
    i = 0
    while i < len(sql):
        char = sql[i]
        i += 1
        if char == "%":
            char = "%%"
        elif quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "?":
            char = "%s"
        elif char == ":" and sql[i : i + 1] == ":":
            char, i = "::", i + 1
        elif char == ":" and (name := _NAME.match(sql, i)) is not None:
            char, i = f"%({name[0]})s", name.end()
        out.append(char)
    return "".join(out)


@lru_cache(maxsize=4096)
def to_postgresql(sql: str) -> str:
    """A statement written for SQLite, as PostgreSQL (and psycopg's placeholders) want it."""
    for sqlite_form, postgresql_form in _FRAGMENTS.items():
        sql = sql.replace(sqlite_form, postgresql_form)
    sql = _TABLE_USER.sub(r'\1\2"user"', sql)
    sql = _functions(sql)
    return _placeholders(sql)


_AUTOINCREMENT = re.compile(r"\bINTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT\b", re.IGNORECASE)
_TYPES = ((re.compile(r"\bINTEGER\b", re.IGNORECASE), "BIGINT"), (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"))


def ddl_to_postgresql(sql: str) -> str:
    """A migration's statement (DDL or data) for PostgreSQL: column types first, then as :func:`to_postgresql`."""
    sql = _AUTOINCREMENT.sub("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", sql)
    for pattern, replacement in _TYPES:
        sql = pattern.sub(replacement, sql)
    sql = re.sub(r"\bBLOB\b", "BYTEA", sql)
    return to_postgresql(sql)
