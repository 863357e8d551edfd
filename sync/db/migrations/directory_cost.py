"""m106 (issue 13): who ever inspected at each site, kept, so the desk's names never read the inspections.

A supervisor's directory (:mod:`sync.org.directory`) names the inspectors of inspections at sites in
their districts, someone reassigned since included; it found them by reading every inspection ever
made at those sites: at 1M stored, 100 sites' 100,000 rows for 31 names, 0.2 s warm and 8 s cold, on
every page view of the desk. ``site_inspector`` holds each pair of site and inspector once, written
when an inspection row is inserted (:func:`sync.engine.rows.insert_rows`), so it grows with the
people and sites, never with the history.
"""

from __future__ import annotations

import sqlite_utils

from sync.db.migrations.registry import migrations, run_timed


@migrations()
def m106_site_inspectors(db: sqlite_utils.Database) -> None:
    """Each site's inspectors, from its inspections (see the module docstring)."""
    run_timed(
        db,
        "each site's inspectors, from its inspections",
        """
        CREATE TABLE site_inspector (
            site_id TEXT NOT NULL,
            inspector_id TEXT NOT NULL,
            PRIMARY KEY (site_id, inspector_id)
        );
        INSERT INTO site_inspector (site_id, inspector_id) SELECT DISTINCT site_id, inspector_id FROM inspection
        """,
    )
