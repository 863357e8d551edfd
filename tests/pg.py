"""A throwaway PostgreSQL cluster for the tests (Debian's ``postgresql`` package), and fresh databases in it.

``XUNJIAN_TEST_BACKEND=postgresql`` runs ``tests/sync`` and ``tests/server`` on it (``tests/conftest.py``):
one cluster per session in a temporary folder (its socket there too, on a free port), a template
database migrated once, and per test a database copied from it (``CREATE DATABASE … TEMPLATE``),
dropped after. The cluster itself is :mod:`bench.pg`'s (the benchmarks start theirs the same way).
"""

from __future__ import annotations

import os
import sqlite3

import psycopg

import bench.pg

BACKEND = os.environ.get("XUNJIAN_TEST_BACKEND", "sqlite")
ON_POSTGRESQL = BACKEND == "postgresql"
TEMPLATE = "xunjian_template"
# what a trigger's refusal raises: SQLite's RAISE(ABORT, …), PostgreSQL's RAISE EXCEPTION
REFUSED = (sqlite3.IntegrityError, psycopg.errors.RaiseException)


class Cluster(bench.pg.Cluster):
    """The tests' throwaway cluster: :class:`bench.pg.Cluster` in a temporary folder, ``fsync`` off."""

    def __init__(self) -> None:
        """Create and start the cluster (as ``postgres`` when running as root)."""
        super().__init__(fast=True)


class Databases:
    """Fresh migrated databases, copied from a template migrated once."""

    def __init__(self, cluster: Cluster) -> None:
        """Migrate the template database."""
        from sync.db.postgresql import PostgresStore

        self.cluster = cluster
        with cluster.admin() as conn:
            conn.execute(f'CREATE DATABASE "{TEMPLATE}" TEMPLATE template0')
        PostgresStore(cluster.url(TEMPLATE)).close()

    def fresh(self) -> str:
        """A new migrated database: its name (its URL is ``cluster.url(name)``)."""
        return self.cluster.create(TEMPLATE)
