"""Where SQLite and PostgreSQL differ: the one place that knows (issue 16, the storage seam).

``sync/`` writes its SQL once, in SQLite's spelling where the two agree (``?`` placeholders,
``ON CONFLICT … DO NOTHING``/``DO UPDATE``, ``RETURNING``, partial indexes, ``coalesce``). The
PostgreSQL store runs each statement through :func:`to_postgresql` (cached per statement text),
which changes only what has no common spelling:

- placeholders: ``?`` → ``%s`` (and a literal ``%`` → ``%%``), outside quoted strings;
- the table ``user``, a reserved word on PostgreSQL, is quoted (``"user"``);
- ``group_concat(x)`` → ``string_agg(x, ',')``; ``json_object(…)`` → ``json_build_object(…)::text``;
- the fragments named here (:data:`DAYS_TO_CLOSE`, the queue's score filters, :data:`WEEK_OF_DAY`) to their
  PostgreSQL form;
- in DDL (:func:`ddl_to_postgresql`): ``INTEGER PRIMARY KEY AUTOINCREMENT`` → an identity
  column, ``INTEGER`` → ``BIGINT`` (SQLite's integers are 64-bit), ``REAL`` → ``DOUBLE PRECISION``,
  ``BLOB`` → ``BYTEA``.

Long lists of values (``IN (?, ?, …)`` with :data:`ANY_FROM` or more placeholders: a scope of
sites) go to PostgreSQL as one array, ``= ANY(?)`` (:func:`to_postgresql_call`): one parameter
rather than a thousand, so the statement's text is the same for any scope and psycopg and the
server parse and plan it once (a thousand-placeholder statement cost psycopg ~10 ms to parse, each time).

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
# The queue's score and verdict filters (``sync.review.queue``): SQLite's planner is kept on the
# queue's order by a condition that keeps the left join (``coalesce``); PostgreSQL's estimates the
# plain condition from its column statistics and reads the queue's order too, where ``coalesce``
# hides them and makes it sort every inspection in scope (134 → 4 ms for an admin at 100k).
SCORE_AT_LEAST = "coalesce(f.score_tenths, -1) >= ?"
SCORE_AT_MOST = "coalesce(f.score_tenths, 1001) <= ?"
VERDICT_IS = "coalesce(f.verdict, -1) = ?"
# The Monday (China date) of a stored China day's ISO week (``done_week``, m101): the next Sunday on or
# after it, less six days.
WEEK_OF_DAY = "date(china_day, 'weekday 0', '-6 days')"
_FRAGMENTS = {
    WEEK_OF_DAY: "to_char(date_trunc('week', CAST(china_day AS date)), 'YYYY-MM-DD')",
    DAYS_TO_CLOSE: "((a.closed_at::timestamptz AT TIME ZONE 'Asia/Shanghai')::date"
    " - (n.created_at::timestamptz AT TIME ZONE 'Asia/Shanghai')::date)",
    SCORE_AT_LEAST: "f.score_tenths >= ?",
    SCORE_AT_MOST: "f.score_tenths <= ?",
    VERDICT_IS: "f.verdict = ?",
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
    commits before any other can take 102. SQLite has one writer at a time already. Taken once per
    transaction: the transaction's connection remembers it (a push of 50 inspections asked 51 times).
    """
    if dialect_of(conn) == POSTGRESQL and not getattr(conn, "sequence_locked", False):
        conn.execute("SELECT pg_advisory_xact_lock(?)", [SEQUENCE_LOCK])
        conn.sequence_locked = True


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


ANY_FROM = 8  # an IN list this long or longer is sent as one array
_IN_LIST = re.compile(r"\b(NOT\s+)?IN\s*\(\s*\?(?:\s*,\s*\?){" + str(ANY_FROM - 1) + r",}\s*\)", re.IGNORECASE)


def _placeholders_at(sql: str) -> list[int]:
    """Where the ``?`` placeholders are (outside quoted strings)."""
    at: list[int] = []
    quote = ""
    for i, char in enumerate(sql):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "?":
            at.append(i)
    return at


@lru_cache(maxsize=4096)
def _collapsed(sql: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Long ``IN (?, …)`` lists as ``= ANY(?)``: the statement and, per list, (its first placeholder, how many)."""
    at = _placeholders_at(sql)
    groups: list[tuple[int, int]] = []
    out: list[str] = []
    last = 0
    for match in _IN_LIST.finditer(sql):
        first = sql.index("?", match.start())
        if first not in at:  # inside a quoted string: not a list of values
            continue
        groups.append((at.index(first), match[0].count("?")))
        out += [sql[last : match.start()], "<> ALL(?)" if match[1] else "= ANY(?)"]
        last = match.end()
    return "".join(out) + sql[last:], tuple(groups)


def to_postgresql_call(sql: str, params: Any) -> tuple[str, Any]:
    """A statement and its parameters for PostgreSQL: :func:`to_postgresql`, long IN lists as one array each."""
    if isinstance(params, list | tuple):
        collapsed, groups = _collapsed(sql)
        if groups:
            regrouped: list[Any] = []
            taken = 0
            for first, count in groups:
                regrouped += [*params[taken:first], list(params[first : first + count])]
                taken = first + count
            sql, params = collapsed, [*regrouped, *params[taken:]]
    return to_postgresql(sql), params


_AUTOINCREMENT = re.compile(r"\bINTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT\b", re.IGNORECASE)
_TYPES = ((re.compile(r"\bINTEGER\b", re.IGNORECASE), "BIGINT"), (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"))


def ddl_to_postgresql(sql: str) -> str:
    """A migration's statement (DDL or data) for PostgreSQL: column types first, then as :func:`to_postgresql`."""
    sql = _AUTOINCREMENT.sub("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", sql)
    for pattern, replacement in _TYPES:
        sql = pattern.sub(replacement, sql)
    sql = re.sub(r"\bBLOB\b", "BYTEA", sql)
    return to_postgresql(sql)
