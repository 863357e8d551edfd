"""Moving a deployment from SQLite to PostgreSQL (issue 16): ``python -m sync.migrate``.

The source (a stopped server's ``xunjian.db`` and its ``file:`` evidence) is read under an
exclusive lock (:mod:`sync.migrate.source`); the target, an empty PostgreSQL database, is migrated
and filled table by table in batches (:mod:`sync.migrate.target`, :mod:`sync.migrate.tables`,
:mod:`sync.migrate.rows`) keeping every id, op-log and event sequence number and the database's
epoch, so devices keep syncing without a reset; the evidence objects go to the object store
(:mod:`sync.migrate.objects`); then everything is checked (:mod:`sync.migrate.verify`). See
``docs/deployment.md`` (Moving from SQLite to PostgreSQL).
"""

from __future__ import annotations


class MigrateError(Exception):
    """A migration that cannot start or go on; the message says why (and what to do)."""
