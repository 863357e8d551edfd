"""Pull: changes after a checkpoint, in pages, scoped on the server by the user's assignments and windowed.

The checkpoint is the server sequence of the last change a device has seen.
A page holds the compact documents (:mod:`sync.review.pulled`) of the inspections changed
after it, ordered by their last change; applying the pages in order gives the same
state as a full pull. Sites that left the user's scope are listed for eviction
by sending the whole scope each time; a device that sees a site it did not have
pulls again from 0 (keeping its outbox), since older changes there are new to it. Deleted inspections are kept as
tombstones for the offline window; a device whose checkpoint is older than the
purged tombstones is told to reset (pull from 0, keeping its outbox).

The window: a device holds what it needs offline, not all of history. Each page carries
``window_start`` (the UTC midnight ``XUNJIAN_DEVICE_WINDOW_DAYS`` before now); an inspection is sent whole when it
was created since then or the server keeps it on the device for a reason it states in ``keep``
(``own``: the caller's draft or work returned to them; ``action``: it holds an open corrective
action). A device evicts the synced inspections created before ``window_start`` that carry no
``keep``, unless its outbox holds ops for them or they are its own draft or returned work; an
eviction is never a deletion, the server keeps everything. An inspection that changes while
outside the window (its action verified or closed) is listed in ``evicted`` by id instead.
A first sync (checkpoint 0) reads only the window's rows (``inspection(site_id, created_at)``)
and the kept ones (the caller's own work by ``inspection(inspector_id, status)``, open actions by
the partial index of unverified actions), all kept ones on its first page; its next pages, after
a change made within the window, read only later changes (``inspection(site_id, updated_seq)``).
A device seeing an earlier ``window_start`` than before (the window was widened) pulls again from 0.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from msgspec import Struct

from schemas.catalog import Catalog
from sync.clock import iso
from sync.db.epochs import current_epoch
from sync.db.store import Store
from sync.engine.rows import InspectionRow, rows_where
from sync.org.accounts import User
from sync.org.sites import site_ids_in_scope
from sync.review.findings import findings_of
from sync.review.pulled import PulledInspection, keep_reason, pulled_of

PURGED_KEY = "purged_through_seq"


class PullPage(Struct):
    """Inspections changed after ``checkpoint``; ``has_more`` asks for the next page at once.

    ``documents``, not ``inspections`` as app builds before the compact format read: such a build
    fails on the page before it stores a thing, until its update arrives, rather than storing
    documents it cannot read. ``window_start``: the device evicts synced inspections created before it that carry no
    ``keep``; ``evicted``: inspections that changed outside the window, by id. ``epoch``: the database's
    (:mod:`sync.db.epochs`); a device that knew another one gets an empty page with the new epoch and
    ``restored_seq``, the backup's op-log mark, and recovers (re-offering its inspections changed after it).
    """

    documents: list[PulledInspection]
    checkpoint: int
    has_more: bool
    scope_site_ids: list[str]
    reset: bool = False
    window_start: str = ""
    evicted: list[str] = []
    epoch: str = ""
    restored_seq: int = 0


def window_start(days: float, now: datetime | None = None) -> str:
    """The start of a device's window: the UTC midnight starting the day ``days`` before ``now`` (RFC 3339).

    Whole days: every page of a day's syncs carries the same start.
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC) - timedelta(days=days)
    return iso(moment.replace(hour=0, minute=0, second=0, microsecond=0))


def pull(
    store: Store, catalog: Catalog, user: User, checkpoint: int, limit: int = 100, start: str = "", epoch: str = ""
) -> PullPage:
    """One page of changes after ``checkpoint`` in the caller's scope; ``start`` opens the window (empty: all).

    ``epoch``: the one the device last saw (empty: none yet); another than the database's gets an empty page.
    """
    scope = sorted(site_ids_in_scope(store, user))
    now = current_epoch(store.db.conn)
    if epoch and epoch != now.id:
        return PullPage([], checkpoint, False, scope, window_start=start, epoch=now.id, restored_seq=now.restored_seq)
    purged = purged_through(store)
    if 0 < checkpoint < purged:
        return PullPage([], 0, True, scope, reset=True, window_start=start, epoch=now.id)
    if not scope:
        return PullPage([], checkpoint, False, scope, window_start=start, epoch=now.id)
    conn = store.db.conn
    rows = _changed_rows(conn, scope, checkpoint, limit + 1, start)
    has_more = len(rows) > limit
    page = rows[:limit]
    docs, evicted = _sorted_out(conn, catalog, user, page, start)
    if checkpoint == 0:
        sent = {row.id for row in page}
        docs += [pulled_of(conn, row, catalog, user.id) for row in kept_rows(conn, user, scope) if row.id not in sent]
    new_checkpoint = page[-1].updated_seq if page else checkpoint
    if not has_more:
        new_checkpoint = max(new_checkpoint, latest_seq(store))
    answer = PullPage(docs, new_checkpoint, has_more, scope, window_start=start, evicted=evicted, epoch=now.id)
    answer.restored_seq = now.restored_seq
    return answer


def _changed_rows(
    conn: sqlite3.Connection, scope: list[str], checkpoint: int, limit: int, start: str
) -> list[InspectionRow]:
    """Up to ``limit`` rows changed after ``checkpoint`` by last change; from 0, only those created since ``start``."""
    marks = ",".join("?" * len(scope))
    if checkpoint == 0:
        # ``+updated_seq``: read the window by (site_id, created_at) and sort it, never walk every change
        where = f"site_id IN ({marks}) AND created_at >= ? ORDER BY +updated_seq LIMIT ?"
        return rows_where(conn, where, [*scope, start, limit])
    where = f"site_id IN ({marks}) AND updated_seq > ? ORDER BY updated_seq LIMIT ?"
    return rows_where(conn, where, [*scope, checkpoint, limit])


def _sorted_out(
    conn: sqlite3.Connection, catalog: Catalog, user: User, rows: list[InspectionRow], start: str
) -> tuple[list[PulledInspection], list[str]]:
    """The rows in the window or kept, as documents; the others' ids, to evict."""
    docs: list[PulledInspection] = []
    evicted: list[str] = []
    for row in rows:
        if row.created_at >= start or keep_reason(row, findings_of(conn, row.id), user.id):
            docs.append(pulled_of(conn, row, catalog, user.id))
        else:
            evicted.append(row.id)
    return docs, evicted


def kept_rows(conn: sqlite3.Connection, user: User, scope: list[str]) -> list[InspectionRow]:
    """Inspections in scope a device keeps whatever their age: the caller's own work, open corrective actions."""
    marks = ",".join("?" * len(scope))
    own = rows_where(
        conn,
        f"inspector_id = ? AND status IN ('draft', 'returned') AND site_id IN ({marks})",  # the partial index's terms
        [user.id, *scope],
    )
    acting = [
        inspection_id
        for (inspection_id,) in conn.execute(
            # the partial index of unverified actions (corrective_action_open_cover): its terms, literally
            "SELECT DISTINCT a.inspection_id FROM corrective_action a JOIN finding f ON f.id = a.finding_id"
            f" WHERE a.status IN ('open', 'fixed_reported') AND a.site_id IN ({marks}) AND f.status = 'active'",
            scope,
        )
    ]
    held = {row.id for row in own}
    for chunk_start in range(0, len(acting), 500):
        chunk = [i for i in acting[chunk_start : chunk_start + 500] if i not in held]
        if chunk:
            own += rows_where(conn, f"id IN ({','.join('?' * len(chunk))})", chunk)
    return own


def latest_seq(store: Store) -> int:
    """The newest server sequence (0 for an empty log)."""
    row = store.db.execute("SELECT max(seq) FROM op_log").fetchone()
    return int(row[0] or 0)


def purged_through(store: Store) -> int:
    """The newest sequence of a purged tombstone (0 for none): older checkpoints must reset."""
    row = store.db.execute("SELECT value FROM server_meta WHERE key = ?", [PURGED_KEY]).fetchone()
    return int(row[0]) if row else 0


def iso_before(seconds: float) -> str:
    """RFC 3339 UTC time ``seconds`` ago, in the format the store writes."""
    return iso(datetime.now(UTC) - timedelta(seconds=seconds))


def purge_tombstones(store: Store, older_than: str) -> int:
    """Drop deleted inspections last changed before ``older_than`` (RFC 3339); returns how many.

    Their op-log history stays. Devices with an older checkpoint are told to reset.
    """
    with store.transaction() as conn:
        rows = conn.execute(
            "SELECT id, updated_seq FROM inspection WHERE status = 'deleted' AND updated_at < ?", [older_than]
        ).fetchall()
        if not rows:
            return 0
        ids = [inspection_id for inspection_id, _ in rows]
        marks = ",".join("?" * len(ids))
        for table in ("evidence_ref", "conflict"):
            conn.execute(f"DELETE FROM {table} WHERE inspection_id IN ({marks})", ids)
        conn.execute(f"DELETE FROM inspection WHERE id IN ({marks})", ids)
        through = max([seq for _, seq in rows] + [purged_through(store)])
        conn.execute(
            "INSERT INTO server_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [PURGED_KEY, str(through)],
        )
    return len(ids)
