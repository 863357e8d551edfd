"""The migration step by step: lock, prepare the target, copy rows, move sequences, analyze, evidence, verify.

Every step can be run again: the rows resume after the last committed batch of each table
(:mod:`sync.migrate.rows`), the sequences are set from what the target holds, the evidence copies
only what is missing; once the rows are all copied (the progress table's whole-copy row ``done``),
a re-run copies no row again and only checks.
"""

from __future__ import annotations

import time
from pathlib import Path

from sync.evidence.objects import BlobStore, FileObjects
from sync.migrate import MigrateError
from sync.migrate.objects import carry_uploads, copy_objects
from sync.migrate.rows import copy_table
from sync.migrate.source import Source, open_source
from sync.migrate.tables import Table, copy_order, references, target_tables
from sync.migrate.target import WHOLE, connect, finish, is_done, move_sequences, prepare
from sync.migrate.verify import Report, verify

DEFAULT_BATCH = 5000


def _check_columns(source: Source, tables: list[Table]) -> None:
    """The source's tables and columns are the target's (the same schema version), else MigrateError."""
    names = {table.name for table in tables}
    if source.tables() != names:
        odd = sorted(source.tables() ^ names)
        raise MigrateError(f"the source's tables are not the target's (differ: {', '.join(odd)})")
    for table in tables:
        if sorted(source.columns(table.name)) != sorted(table.names):
            raise MigrateError(f"{table.name}: the source's columns are not the target's")


def migrate(
    database: Path,
    url: str,
    blobs: BlobStore | None = None,
    *,
    data_dir: Path | None = None,
    batch: int = DEFAULT_BATCH,
) -> Report:
    """Copy the SQLite database at ``database`` and its evidence (in ``data_dir``, by default its folder) to ``url``.

    ``blobs``: the object store for the evidence (``None``: it stays in the data folder, checked).
    Raises MigrateError when it cannot start or go on; what it finds wrong is in the report.
    """
    started = time.monotonic()
    folder = FileObjects(data_dir if data_dir is not None else database.parent)
    with open_source(database) as source:
        epoch = source.epoch().id
        conn = connect(url)
        try:
            prepare(conn, epoch, source.migrations())
            tables = copy_order(target_tables(conn), references(conn))
            _check_columns(source, tables)
            if not is_done(conn):
                for table in tables:
                    copy_table(source, conn, table, epoch, batch)
                with conn.transaction():
                    move_sequences(conn, tables, source.autoincrement())
                    if blobs is not None:
                        carry_uploads(folder.root, blobs, source, conn)
                    finish(conn, WHOLE)
                conn.execute("ANALYZE")  # the planner's statistics now, not when autovacuum gets to them
            objects = copy_objects(folder, blobs, source)
            return verify(source, conn, tables, objects, time.monotonic() - started)
        finally:
            conn.close()
