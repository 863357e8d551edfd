"""m085 (issue 13, submits at 1M): a repeated failure is found in the index alone.

Each failed item of a submitted inspection asks whether it repeats a finding on the same item at
the same site (``_earlier_finding`` in ``sync/review/findings.py``): the newest active finding of
another inspection, if recent. ``finding_site_item`` (site, item, sequence) found the candidates,
but each one's status, inspection, time and id were read from its row, on a page of its own in a
table of millions of findings (cold at 1M once the server has served reports and exports). The
index now carries those four columns, so the probe reads no row at all; the page it reads is the
one the new finding is written to anyway. Building it at 1M (2.4M findings) takes about a minute.
"""

from __future__ import annotations

import sqlite_utils

from sync.db.migrations.registry import migrations, run_timed


@migrations()
def m085_repeat_probe_cover(db: sqlite_utils.Database) -> None:
    """``finding_site_item`` rebuilt to cover the repeat probe (see the module docstring)."""
    run_timed(
        db,
        "the index of findings by site and item, with each one's status, inspection, time and id",
        """
        DROP INDEX IF EXISTS finding_site_item;
        CREATE INDEX finding_site_item
            ON finding(site_id, item_path, created_seq, status, inspection_id, created_at, id)
        """,
    )
