"""``python -m sync.backup create|verify|restore|report``: see ``docs/operations.md`` (Backup, Restore)."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

import msgspec

from sync.backup.create import BackupError, create_backup
from sync.backup.manifest import DATABASE
from sync.backup.report import format_report, restore_report
from sync.backup.restore import restore_backup
from sync.backup.verify import verify_backup
from sync.db.open import open_store
from sync.evidence.objects import BlobStore
from sync.evidence.store_url import open_blob_store

DEFAULT_DATA_DIR = Path("data")  # the server's default data folder (XUNJIAN_DATA_DIR)
URL_HELP = "the server's PostgreSQL database (its XUNJIAN_DATABASE_URL); empty: SQLite in --data-dir"


def parser() -> argparse.ArgumentParser:
    """The command line."""
    top = argparse.ArgumentParser(prog="python -m sync.backup", description="备份与恢复 Backup and restore")
    commands = top.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="an online, consistent backup into DIR (incremental for evidence)")
    create.add_argument("dir", type=Path)
    create.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="the server's data folder")
    create.add_argument("--blob-store", default="file:", help="the evidence store (XUNJIAN_BLOB_STORE)")
    create.add_argument("--database-url", default="", help=URL_HELP)
    verify = commands.add_parser("verify", help="check a backup against its manifest")
    verify.add_argument("dir", type=Path)
    restore = commands.add_parser("restore", help="restore DIR into a new, empty data folder, under a new epoch")
    restore.add_argument("dir", type=Path)
    restore.add_argument("--data-dir", type=Path, required=True, help="the new data folder (absent or empty)")
    restore.add_argument("--blob-store", default="file:", help="where the evidence goes (XUNJIAN_BLOB_STORE)")
    restore.add_argument("--database-url", default="", help="a new, empty PostgreSQL database (PostgreSQL backups)")
    report = commands.add_parser("report", help="what devices brought back since the last restore")
    report.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    report.add_argument("--json", action="store_true", help="as JSON")
    report.add_argument("--database-url", default="", help=URL_HELP)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; 0 when it succeeded, 1 when it failed (the reason printed to stderr)."""
    args = parser().parse_args(argv)
    try:
        return _run(args)
    except BackupError as exc:
        print(f"失败 failed: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    if args.command == "create":
        made = create_backup(
            args.data_dir, args.dir, _objects(args.blob_store, args.data_dir), database_url=args.database_url
        )
        print(
            f"备份完成 backup made: {args.dir} (op log through seq {made.op_log_seq}, {len(made.blobs)} evidence files)"
        )
        return _verified(args.dir)
    if args.command == "verify":
        return _verified(args.dir)
    if args.command == "restore":
        manifest, epoch = restore_backup(
            args.dir, args.data_dir, _objects(args.blob_store, args.data_dir), database_url=args.database_url
        )
        print(f"已恢复 restored: {args.data_dir} from the backup of {manifest.created_at}; new epoch {epoch}")
        print("设备同步后会交回备份之后的数据 Devices give back what they hold when they sync; see `report`.")
        return _report(args.data_dir, args.database_url, as_json=False)
    return _report(args.data_dir, args.database_url, as_json=args.json)


def _objects(url: str, data_dir: Path) -> BlobStore | None:
    """The evidence store named on the command line; ``None`` for the data folder."""
    try:
        return None if url in ("", "file:") else open_blob_store(url, data_dir)
    except ValueError as exc:
        raise BackupError(str(exc)) from exc


def _verified(folder: Path) -> int:
    wrong = verify_backup(folder)
    for line in wrong:
        print(f"错误 wrong: {line}", file=sys.stderr)
    print("校验通过 verified" if not wrong else f"校验失败 verification failed: {len(wrong)} problem(s)")
    return 1 if wrong else 0


def _report(data_dir: Path, database_url: str, *, as_json: bool) -> int:
    if database_url:
        store = open_store(database_url)
        try:
            report = restore_report(store.db.conn)
        finally:
            store.close()
        print(msgspec.json.encode(report).decode() if as_json else format_report(report))
        return 0
    database = data_dir / DATABASE
    if not database.is_file():
        raise BackupError(f"no database at {database}")
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        report = restore_report(conn)
    finally:
        conn.close()
    print(msgspec.json.encode(report).decode() if as_json else format_report(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
