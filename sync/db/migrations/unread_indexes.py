"""m109 (issue 13): two indexes no query reads, dropped, so the writes that paid for them write less.

Found by tracing every statement of the engine's and the routes' tests and asking SQLite for each
one's plan: no plan reads these two.

- ``corrective_action_open_item`` (site, item of the unverified actions, m009): the reads it was made
  for (a submit's verification of earlier actions at its site, the phone's kept inspections, the
  reports' overdue actions) plan through ``corrective_action_open_cover`` (m061), which holds the same
  rows by status and site and covers those reads. Every failed item a submit records, and every action
  verified or closed, still wrote to it.
- ``conflict_queue`` (organisation, status, site; first wave): the conflicts' listing reads
  ``conflict_opened`` and ``conflict_org_opened`` (m105), in the order it pages, and an inspection's
  conflicts ``conflict_inspection``.
"""

from __future__ import annotations

import sqlite_utils

from sync.db.migrations.registry import migrations


@migrations()
def m109_unread_indexes(db: sqlite_utils.Database) -> None:
    """Drop ``corrective_action_open_item`` and ``conflict_queue``, which no query reads (see the module docstring)."""
    db.execute("DROP INDEX IF EXISTS corrective_action_open_item")
    db.execute("DROP INDEX IF EXISTS conflict_queue")
