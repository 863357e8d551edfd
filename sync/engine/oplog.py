"""The op log: every change to an inspection, appended with a server sequence number.

Pushes, conflict resolutions, corrective-action changes and verifications by a later
inspection all write their rows here, with the same columns, the same clock and op ids
from :func:`sync.clock.new_op_id`. A row's ``seq`` is the next number after the largest
logged, taken inside the writer's transaction, so sequence numbers are gap-free in
commit order and a pull by checkpoint never skips one.

A rejected op changed nothing, so it is kept as evidence of what was sent, not whole: past
:data:`REJECTED_HEAD` bytes its row holds the op's SHA-256, size and first bytes
(:func:`rejected_record`), so a device cannot grow the database by the size of its pushes.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from typing import Any, NamedTuple

from sync.clock import ms_from_iso, new_op_id
from sync.db.dialect import lock_sequence
from sync.engine.ops import encoder, make_hlc

REJECTED_HEAD = 4096


class LoggedOp(NamedTuple):
    """One op-log row, column by column."""

    seq: int
    op_id: str
    client_id: str | None
    client_seq: int | None
    inspection_id: str
    kind: str
    op_json: bytes
    hlc: int
    user_id: str
    received_at: str
    outcome: str
    result_json: bytes


_INSERT = f"INSERT INTO op_log ({', '.join(LoggedOp._fields)}) VALUES ({', '.join('?' * len(LoggedOp._fields))})"


def rejected_record(op_json: bytes) -> bytes:
    """What the log keeps of a rejected op: the op itself up to :data:`REJECTED_HEAD` bytes, else a digest of it.

    The digest is a JSON object ``{"truncated": true, "sha256", "size", "head"}``; ``head`` is the
    op's first :data:`REJECTED_HEAD` bytes as text (a character cut in two is replaced).
    """
    if len(op_json) <= REJECTED_HEAD:
        return op_json
    digest = {
        "truncated": True,
        "sha256": hashlib.sha256(op_json).hexdigest(),
        "size": len(op_json),
        "head": op_json[:REJECTED_HEAD].decode("utf-8", errors="replace"),
    }
    return encoder.encode(digest)


def last_seq(conn: sqlite3.Connection) -> int:
    """The largest sequence number logged (0 for an empty log), the sequence held until COMMIT (see ``dialect``)."""
    lock_sequence(conn)
    seq: int = conn.execute("SELECT coalesce(max(seq), 0) FROM op_log").fetchone()[0]
    return seq


def write_ops(conn: sqlite3.Connection, ops: Sequence[LoggedOp]) -> None:
    """Append rows whose sequence numbers the caller took from :func:`last_seq` in this transaction."""
    conn.executemany(_INSERT, ops)


def server_op(
    seq: int, inspection_id: str, kind: str, body: dict[str, Any], result: dict[str, Any], user_id: str, now: str
) -> LoggedOp:
    """An op made on the server (no client): applied at ``now``, stamped with that time's clock."""
    return LoggedOp(
        seq,
        new_op_id(),
        None,
        None,
        inspection_id,
        kind,
        encoder.encode(body),
        make_hlc(ms_from_iso(now)),
        user_id,
        now,
        "applied",
        encoder.encode(result),
    )


def log_server_op(
    conn: sqlite3.Connection,
    inspection_id: str,
    kind: str,
    body: dict[str, Any],
    result: dict[str, Any],
    user_id: str,
    now: str,
) -> LoggedOp:
    """Append one server-made op after the last logged one; returns the row written."""
    op = server_op(last_seq(conn) + 1, inspection_id, kind, body, result, user_id, now)
    write_ops(conn, [op])
    return op
