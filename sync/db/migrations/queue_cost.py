"""m080 (issue 13, the queue of a district at 1M): its first page found from an index, not from the rows.

The queue of a wide scope (a district's 100 sites, an organisation) walks the inspections newest
change first along ``updated_seq`` and keeps those at sites in scope (``sync/review/queue.py``). On
``inspection_seq`` (``updated_seq`` alone) it looked up each inspection's row to read its site and
status: a district's first page read about ten rows for each one it kept, each on a page of its own
(an inspection's row holds its whole document), 8 ms at 1M against 1 ms at 10k. ``inspection_seq_site``
carries the site and status, so rows of other sites are passed over inside the index (1.7 ms at 1M,
0.4 ms at 10k) and only the rows shown are read. Every other reader of ``inspection_seq`` (ranges of
``updated_seq``) reads the new index the same way; building it at 1M takes about half a minute.
"""

from __future__ import annotations

import sqlite_utils

from sync.db.migrations.registry import migrations, run_timed


@migrations()
def m080_queue_scan_cover(db: sqlite_utils.Database) -> None:
    """``inspection_seq`` replaced by ``inspection_seq_site`` (see the module docstring)."""
    run_timed(
        db,
        "the queue's index of changes with each inspection's site and status",
        """
        CREATE INDEX inspection_seq_site ON inspection(updated_seq, site_id, status);
        DROP INDEX IF EXISTS inspection_seq
        """,
    )
