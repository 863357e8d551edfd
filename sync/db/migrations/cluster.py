"""m050: several app servers on one database (issue 16): leases that make a periodic job run once across them."""

from __future__ import annotations

import sqlite_utils

from sync.db.migrations.registry import migrations, run_script


@migrations()
def m050_job_lease(db: sqlite_utils.Database) -> None:
    """``job_lease``: who holds a job (a periodic pass, one webhook's deliveries) and until when (epoch seconds).

    A lease is taken by an upsert that succeeds only when the row is absent, expired or already the
    taker's (:mod:`sync.db.leases`); the same statement on SQLite and PostgreSQL.
    """
    run_script(
        db,
        """
        CREATE TABLE job_lease (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            expires_at REAL NOT NULL
        );
        """,
    )
