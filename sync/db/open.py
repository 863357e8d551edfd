"""The one way to open the store: from a database URL (``XUNJIAN_DATABASE_URL``) or a data folder.

``sqlite:///path/to/xunjian.db`` (or no URL: ``xunjian.db`` in the data folder, as before) opens
:class:`sync.db.store.Store`; ``postgresql://…`` opens :class:`sync.db.postgresql.PostgresStore`
(psycopg is imported only then). Server start-up, backups, benchmarks and tests all open it here.
"""

from __future__ import annotations

from pathlib import Path

from sync.db.store import Store

SQLITE_PREFIX = "sqlite:///"
POSTGRESQL_PREFIXES = ("postgresql://", "postgres://")


def is_postgresql(url: str | None) -> bool:
    """Whether ``url`` names a PostgreSQL database."""
    return bool(url) and str(url).startswith(POSTGRESQL_PREFIXES)


def open_store(url: str | None = None, data_dir: Path | None = None) -> Store:
    """The store ``url`` names; without one, ``data_dir/xunjian.db`` (a throwaway database for ``None``)."""
    if url and is_postgresql(url):
        from sync.db.postgresql import PostgresStore  # noqa: PLC0415 (psycopg only for PostgreSQL)

        return PostgresStore(url)
    if url:
        if not url.startswith(SQLITE_PREFIX):
            raise ValueError(f"XUNJIAN_DATABASE_URL must start with {SQLITE_PREFIX} or postgresql://, not {url!r}")
        path = Path(url.removeprefix(SQLITE_PREFIX))
        path.parent.mkdir(parents=True, exist_ok=True)
        return Store(path)
    if data_dir is None:
        return Store(":memory:")
    data_dir.mkdir(parents=True, exist_ok=True)
    return Store(data_dir / "xunjian.db")
