"""Pull: changes after a checkpoint, in pages, scoped on the server by the user's assignments.

The checkpoint is the server sequence of the last change a device has seen.
A page holds whole current documents of the inspections changed after it,
ordered by their last change; applying the pages in order gives the same
state as a full pull. Sites that left the user's scope are listed for eviction
by sending the whole scope each time; a device that sees a site it did not have
pulls again from 0 (keeping its outbox), since older changes there are new to it. Deleted inspections are kept as
tombstones for the offline window; a device whose checkpoint is older than the
purged tombstones is told to reset (pull from 0, keeping its outbox).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from msgspec import Struct

from schemas.catalog import Catalog
from sync.clock import iso
from sync.db.store import Store
from sync.engine.rows import COLUMNS, row_from
from sync.org.accounts import User
from sync.org.sites import site_ids_in_scope
from sync.review.views import InspectionView, view_of

PURGED_KEY = "purged_through_seq"


class PullPage(Struct):
    """Inspections changed after ``checkpoint``; ``has_more`` asks for the next page at once."""

    inspections: list[InspectionView]
    checkpoint: int
    has_more: bool
    scope_site_ids: list[str]
    reset: bool = False


def pull(store: Store, catalog: Catalog, user: User, checkpoint: int, limit: int = 100) -> PullPage:
    """One page of changes after ``checkpoint`` in the caller's scope."""
    scope = sorted(site_ids_in_scope(store, user))
    purged = purged_through(store)
    if 0 < checkpoint < purged:
        return PullPage([], 0, True, scope, reset=True)
    if not scope:
        return PullPage([], checkpoint, False, scope)
    marks = ",".join("?" * len(scope))
    conn = store.db.conn
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM inspection WHERE site_id IN ({marks}) AND updated_seq > ? ORDER BY updated_seq LIMIT ?",
        [*scope, checkpoint, limit + 1],
    ).fetchall()
    has_more = len(rows) > limit
    page = [row_from(r) for r in rows[:limit]]
    views = [view_of(conn, row, catalog) for row in page]
    new_checkpoint = page[-1].updated_seq if page else checkpoint
    if not has_more:
        new_checkpoint = max(new_checkpoint, latest_seq(store))
    return PullPage(views, new_checkpoint, has_more, scope)


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
