"""Possible duplicates flagged on the stored facts when an inspection is created or changes.

Two or more inspections of one site and checklist started the same China day on different devices
(creating clients, from the op log) may be the same work done twice: each of them that is not
deleted carries ``inspection_fact.duplicate = 1`` (migration ``m012_duplicate_flags``), so the
review list reads only flagged rows, through a partial index, whatever the history. :func:`flag`
sets the flags of the groups of the inspections whose facts were just written, in that
transaction (``sync.push.Batch.flush``, once the ops are logged); :func:`backfill` flags the whole
history once (at server start, after the facts' backfill).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from sync.db.store import Store

FLAGGED_KEY = "duplicates_flagged"
_CHUNK = 500

_GROUP = "site_id = ? AND checklist_id = ? AND china_day = ?"
# how many clients created the group's inspections that are not deleted
_CLIENTS = (
    "SELECT count(DISTINCT l.client_id) FROM inspection_fact g JOIN inspection i ON i.id = g.inspection_id"
    " JOIN op_log l ON l.seq = i.created_seq WHERE g.site_id = ? AND g.checklist_id = ? AND g.china_day = ?"
    " AND g.status != 'deleted'"
)


def flag(conn: sqlite3.Connection, inspection_ids: Sequence[str]) -> None:
    """Set the flags of every inspection of the (site, checklist, day) groups of these inspections.

    Per group: one count of its creating clients, then only the rows whose flag changes are written.
    """
    groups: set[tuple[str, str, str]] = set()
    ids = list(inspection_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        groups.update(
            conn.execute(
                "SELECT site_id, checklist_id, china_day FROM inspection_fact"
                f" WHERE inspection_id IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        )
    for group in sorted(groups):
        flagged = int(conn.execute(_CLIENTS, group).fetchone()[0] > 1)
        conn.execute(
            f"UPDATE inspection_fact SET duplicate = ? WHERE {_GROUP} AND status != 'deleted' AND duplicate != ?",
            [flagged, *group, flagged],
        )
        conn.execute(
            f"UPDATE inspection_fact SET duplicate = 0 WHERE {_GROUP} AND status = 'deleted' AND duplicate = 1", group
        )


def backfill(store: Store) -> bool:
    """Flag the whole history once (a ``server_meta`` marker); True when flagged now."""
    if store.db.execute("SELECT 1 FROM server_meta WHERE key = ?", [FLAGGED_KEY]).fetchone():
        return False
    with store.transaction() as conn:
        conn.execute(
            "UPDATE inspection_fact SET duplicate = 1 WHERE status != 'deleted'"
            " AND (site_id, checklist_id, china_day) IN (SELECT f.site_id, f.checklist_id, f.china_day"
            " FROM inspection_fact f JOIN inspection i ON i.id = f.inspection_id JOIN op_log l ON l.seq = i.created_seq"
            " WHERE f.status != 'deleted' GROUP BY f.site_id, f.checklist_id, f.china_day"
            " HAVING count(DISTINCT l.client_id) > 1)"
        )
        conn.execute(
            "INSERT INTO server_meta (key, value) VALUES (?, '1')"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [FLAGGED_KEY],
        )
    return True
