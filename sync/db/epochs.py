"""The database's epoch: a random id a restore changes, so that devices can tell the history they knew is gone.

A device sends the epoch it last saw with each push and pull. After a restore the server
answers the old epoch with the new one and the op-log mark of the backup (``restored_seq``):
the device then learns where its ``client_seq`` stands (``client.last_seq``), pulls again from 0,
re-sends the ops it still holds that the server lacks and re-offers its own inspections changed
after ``restored_seq`` (see ``bench/recovery.py`` and ``pwa/src/sync/recover.js``). The server
notes which devices came back (``client_epoch``) and what they recovered (``recovered_op``) for
the restore report (:mod:`sync.backup.report`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from msgspec import Struct

from sync.errors import EpochChanged

EPOCH_KEY = "epoch"
RESTORED_KEY = "restored_seq"


class Epoch(Struct, frozen=True):
    """The current epoch and the op-log mark of the backup it was restored from (0: never restored)."""

    id: str
    restored_seq: int


def current_epoch(conn: sqlite3.Connection) -> Epoch:
    """The epoch the database carries now."""
    values = dict(conn.execute("SELECT key, value FROM server_meta WHERE key IN (?, ?)", [EPOCH_KEY, RESTORED_KEY]))
    return Epoch(str(values.get(EPOCH_KEY, "")), int(values.get(RESTORED_KEY, 0)))


def check_epoch(conn: sqlite3.Connection, client_id: str, sent: str, last_seq: int, now: str) -> Epoch:
    """The current epoch, if ``sent`` is it (or empty: a device that never saw one); else :class:`EpochChanged`.

    A client that sends the epoch of a restore is noted as back (for the restore report).
    """
    epoch = current_epoch(conn)
    if sent and sent != epoch.id:
        raise EpochChanged(epoch.id, epoch.restored_seq, last_seq)
    if sent and epoch.restored_seq:
        conn.execute(
            "INSERT INTO client_epoch (client_id, epoch, back_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [client_id, epoch.id, now],
        )
    return epoch


def record_recovered(
    conn: sqlite3.Connection,
    epoch: str,
    client_id: str,
    user_id: str,
    ops: Iterable[tuple[str, str, str, str, int | None]],
    now: str,
) -> None:
    """Note ops a device re-sent or re-offered after a restore: (op_id, inspection_id, kind, outcome, seq)."""
    conn.executemany(
        "INSERT INTO recovered_op (op_id, epoch, client_id, user_id, inspection_id, kind, outcome, seq, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (op_id) DO NOTHING",
        [(op_id, epoch, client_id, user_id, iid, kind, outcome, seq, now) for op_id, iid, kind, outcome, seq in ops],
    )


def start_epoch(conn: sqlite3.Connection, new_epoch: str, backup_at: str, restored_seq: int, now: str) -> None:
    """Give a restored database a new epoch and note the restore (its backup's time and op-log mark)."""
    previous = current_epoch(conn).id
    conn.executemany(
        "INSERT INTO server_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [(EPOCH_KEY, new_epoch), (RESTORED_KEY, str(restored_seq))],
    )
    conn.execute(
        "INSERT INTO restore_log (epoch, previous_epoch, backup_at, restored_seq, restored_at) VALUES (?, ?, ?, ?, ?)",
        [new_epoch, previous, backup_at, restored_seq, now],
    )
