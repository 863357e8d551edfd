"""m108 (issue 13): a user's live device tokens read from an index that holds no revoked one.

Every login makes a device row and nothing deletes one, so a user's devices grow with the years.
``GET /api/auth/devices`` listed all of them, revoked included, read through ``device_user``;
it lists the tokens that still work now (:func:`sync.org.accounts.list_devices`): unrevoked, issued
within the token policy's ``max_days``. ``device_live`` holds the unrevoked tokens by user and
issue time, so that listing reads from the policy's cutoff on and nothing older.
"""

from __future__ import annotations

import sqlite_utils

from sync.db.migrations.registry import migrations, run_timed


@migrations()
def m108_live_devices(db: sqlite_utils.Database) -> None:
    """``device_live``, the unrevoked device tokens by user and issue time (see the module docstring)."""
    run_timed(
        db,
        "the unrevoked device tokens by user and issue time",
        "CREATE INDEX device_live ON device(user_id, created_at) WHERE revoked_at IS NULL",
    )
