"""m013–m014: login failures keyed by client address, a webhook delivery log without the target's text (issue 14)."""

from __future__ import annotations

import sqlite_utils

from sync.db.migrations.registry import migrations, run_script


@migrations()
def m013_login_failure_client(db: sqlite_utils.Database) -> None:
    """Failed logins carry the client address: back-off per (account, address) and per address across accounts."""
    run_script(
        db,
        """
        ALTER TABLE login_failure ADD COLUMN client TEXT NOT NULL DEFAULT '';
        DROP INDEX login_failure_username;
        CREATE INDEX login_failure_account ON login_failure(username, client, at);
        CREATE INDEX login_failure_client ON login_failure(client, at)
        """,
    )


@migrations()
def m014_delivery_classification(db: sqlite_utils.Database) -> None:
    """Each delivery attempt keeps a short classification; the target's error text already logged is erased."""
    run_script(
        db,
        """
        ALTER TABLE webhook_delivery ADD COLUMN classification TEXT;
        UPDATE webhook_delivery SET classification = CASE
            WHEN status_code BETWEEN 200 AND 299 THEN 'delivered'
            WHEN status_code BETWEEN 400 AND 499 THEN 'http-4xx'
            WHEN status_code BETWEEN 500 AND 599 THEN 'http-5xx'
            WHEN status_code IS NOT NULL THEN 'http-other'
            ELSE 'connect-error' END;
        ALTER TABLE webhook_delivery DROP COLUMN error
        """,
    )
