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

    A group none of these inspections left by deletion changes only by growing, so it is settled
    from what is known without reading it whole: flagged already (one row of the partial index),
    then only these rows take the flag; else it was made on one device at most, and it is counted
    again only when these rows' creating devices and that one are two or more. A group where one
    was deleted is counted again: one count of its creating clients, then only the rows whose flag
    changes are written.
    """
    groups: dict[tuple[str, str, str], list[tuple[str, str, str]]] = {}
    ids = list(inspection_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for site_id, checklist_id, day, inspection_id, status, client in conn.execute(
            "SELECT f.site_id, f.checklist_id, f.china_day, f.inspection_id, f.status, coalesce(l.client_id, '')"
            " FROM inspection_fact f JOIN inspection i ON i.id = f.inspection_id"
            f" LEFT JOIN op_log l ON l.seq = i.created_seq WHERE f.inspection_id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            groups.setdefault((site_id, checklist_id, day), []).append((inspection_id, status, client))
    for group, members in sorted(groups.items()):
        if any(status == "deleted" for _, status, _ in members) or not _settled(conn, group, members):
            _count(conn, group)


def _settled(conn: sqlite3.Connection, group: tuple[str, str, str], members: list[tuple[str, str, str]]) -> bool:
    """Flag a group that only grew by ``members`` without counting it; False when it must be counted."""
    if conn.execute(f"SELECT 1 FROM inspection_fact WHERE duplicate = 1 AND {_GROUP} LIMIT 1", group).fetchone():
        marks = ",".join("?" * len(members))
        conn.execute(
            f"UPDATE inspection_fact SET duplicate = 1 WHERE duplicate = 0 AND inspection_id IN ({marks})",
            [m[0] for m in members],
        )
        return True
    clients = {client for _, _, client in members}
    marks = ",".join("?" * len(members))
    other = conn.execute(  # the creating client of one earlier row of the group: all share it, as it is unflagged
        "SELECT coalesce(l.client_id, '') FROM inspection_fact g JOIN inspection i ON i.id = g.inspection_id"
        " LEFT JOIN op_log l ON l.seq = i.created_seq WHERE g.site_id = ? AND g.checklist_id = ? AND g.china_day = ?"
        f" AND g.status != 'deleted' AND g.inspection_id NOT IN ({marks}) LIMIT 1",
        [*group, *(m[0] for m in members)],
    ).fetchone()
    if other is not None:
        clients.add(other[0])
    return len(clients) < 2


def _count(conn: sqlite3.Connection, group: tuple[str, str, str]) -> None:
    """Count a group's creating clients and write the flags that change."""
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
