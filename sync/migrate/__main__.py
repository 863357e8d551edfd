"""``python -m sync.migrate --to postgresql://… [--blobs s3://…] [--data-dir D | --from sqlite:///…] [--batch N]``.

See ``docs/deployment.md`` (Moving from SQLite to PostgreSQL). Exit status 0 when everything was
copied and verified, 1 when the migration could not run or the verification found a difference.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

import psycopg

from sync.db.open import SQLITE_PREFIX, is_postgresql
from sync.evidence.objects import BlobStore
from sync.evidence.store_url import open_blob_store
from sync.migrate import MigrateError
from sync.migrate.run import DEFAULT_BATCH, migrate
from sync.migrate.verify import format_report

DEFAULT_DATA_DIR = Path("data")  # the server's default data folder (XUNJIAN_DATA_DIR)


def parser() -> argparse.ArgumentParser:
    """The command line."""
    top = argparse.ArgumentParser(
        prog="python -m sync.migrate", description="从 SQLite 迁移到 PostgreSQL Move a stopped deployment to PostgreSQL"
    )
    top.add_argument("--to", required=True, help="the target: a new, empty PostgreSQL database (postgresql://…)")
    top.add_argument("--blobs", default="", help="the evidence's object store (s3://…); empty: it stays in the folder")
    where = top.add_mutually_exclusive_group()
    where.add_argument("--data-dir", type=Path, default=None, help="the stopped server's data folder (default: data)")
    where.add_argument(
        "--from", dest="source", default="", help="the SQLite database (sqlite:///…); evidence beside it"
    )
    top.add_argument("--batch", type=int, default=DEFAULT_BATCH, help="rows per batch (per transaction)")
    return top


def _source(args: argparse.Namespace) -> tuple[Path, Path]:
    """The database file and the data folder."""
    if args.source:
        if not args.source.startswith(SQLITE_PREFIX):
            raise MigrateError(f"--from must start with {SQLITE_PREFIX}, not {args.source!r}")
        database = Path(args.source.removeprefix(SQLITE_PREFIX))
        return database, database.parent
    data_dir = args.data_dir if args.data_dir is not None else DEFAULT_DATA_DIR
    return data_dir / "xunjian.db", data_dir


def _blobs(url: str, data_dir: Path) -> BlobStore | None:
    if url in ("", "file:"):
        return None
    try:
        return open_blob_store(url, data_dir)
    except ValueError as exc:
        raise MigrateError(str(exc)) from exc


def main(argv: Sequence[str] | None = None) -> int:
    """Run the migration; 0 when copied and verified, else 1 (the reason printed)."""
    args = parser().parse_args(argv)
    try:
        if not is_postgresql(args.to):
            raise MigrateError(f"--to must be a postgresql:// URL, not {args.to!r}")
        if args.batch < 1:
            raise MigrateError("--batch must be at least 1")
        database, data_dir = _source(args)
        report = migrate(database, args.to, _blobs(args.blobs, data_dir), data_dir=data_dir, batch=args.batch)
    except MigrateError as exc:
        print(f"失败 failed: {exc}", file=sys.stderr)
        return 1
    except sqlite3.Error as exc:  # the source: not a database, damaged, unreadable
        print(f"失败 failed: the SQLite source: {exc}", file=sys.stderr)
        return 1
    except psycopg.Error as exc:  # the target refused a statement; what was committed stays, a re-run resumes
        print(f"失败 failed: PostgreSQL: {exc}", file=sys.stderr)
        return 1
    print(format_report(report))
    return 1 if report.wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
