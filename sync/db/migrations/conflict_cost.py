"""m105 (issue 13): the conflicts listing in pages, each read from an index in its order.

``GET /api/conflicts`` listed every conflict in the caller's scope at once, oldest opened first, and
resolved conflicts pile up with the history; it read them through ``conflict_queue`` (organisation,
status, site) or the whole table (no organisation was named) and sorted them all. The listing is now
keyset-paged (``cursor``; ``Link: rel="next"``, :mod:`sync.review.conflicts`): ``conflict_opened``
holds a status's conflicts in the order listed, so a page reads its rows in order and stops at its
limit; ``conflict_org_opened`` does the same for every status at once.
"""

from __future__ import annotations

import sqlite_utils

from sync.db.migrations.registry import migrations, run_timed


@migrations()
def m105_conflicts_in_pages(db: sqlite_utils.Database) -> None:
    """The conflicts by status and in all, in the order they were opened (see the module docstring)."""
    run_timed(
        db,
        "the conflicts in the order they were opened, by status and in all",
        """
        CREATE INDEX conflict_opened ON conflict(org_id, status, opened_seq, id);
        CREATE INDEX conflict_org_opened ON conflict(org_id, opened_seq, id)
        """,
    )
