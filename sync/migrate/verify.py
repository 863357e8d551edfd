"""The check after the copy, and the report: rows per table, the op-log mark and the epoch equal, the evidence whole.

Row counts per table must be equal in source and target, the op log's largest sequence number
and the database's epoch (and its restore mark) too: devices then find the numbers they hold
(their pull checkpoints, their client sequences) where they left them and no restore to recover
from. The evidence pass (:mod:`sync.migrate.objects`) adds what it found wrong.
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct

from sync.migrate.objects import ObjectsCopied
from sync.migrate.source import Source, quoted
from sync.migrate.tables import Table


class Report(Struct):
    """What a migration did and found: rows per table (source, target), objects, bytes, seconds, what is wrong."""

    tables: list[tuple[str, int, int]]
    objects: int
    objects_copied: int
    bytes: int
    seconds: float
    wrong: list[str]

    @property
    def rows(self) -> int:
        """The rows in the target, all tables together."""
        return sum(target for _, _, target in self.tables)


def _one(conn: Any, sql: str) -> Any:
    row = conn.execute(sql).fetchone()
    return None if row is None else row[0]


def verify(source: Source, conn: Any, tables: list[Table], objects: ObjectsCopied, seconds: float) -> Report:
    """Compare source and target (see the module)."""
    counts = [(t.name, source.count(t.name), int(_one(conn, f"SELECT count(*) FROM {quoted(t.name)}"))) for t in tables]
    wrong = [
        f"{name}: {there} rows in the target, {here} in the source" for name, here, there in counts if here != there
    ]
    seq = int(_one(conn, "SELECT coalesce(max(seq), 0) FROM op_log"))
    if seq != source.op_log_seq():
        wrong.append(f"op_log: the target's last sequence number is {seq}, the source's {source.op_log_seq()}")
    epoch = dict(conn.execute("SELECT key, value FROM server_meta WHERE key IN ('epoch', 'restored_seq')").fetchall())
    held = source.epoch()
    if epoch.get("epoch") != held.id or int(epoch.get("restored_seq", 0)) != held.restored_seq:
        wrong.append(f"epoch: the target's is {epoch.get('epoch')!r}, the source's {held.id!r}")
    return Report(counts, objects.objects, objects.copied, objects.bytes, seconds, wrong + objects.wrong)


def format_report(report: Report) -> str:
    """The report as text: a line per table, the totals, then what is wrong."""
    width = max((len(name) for name, _, _ in report.tables), default=5)
    lines = [f"{'表 table':<{width + 2}} {'源 source':>12} {'目标 target':>12}"]
    lines += [f"{name:<{width + 2}} {here:>12} {there:>12}" for name, here, there in sorted(report.tables)]
    lines.append(
        f"{len(report.tables)} tables, {report.rows} rows; {report.objects} evidence objects"
        f" ({report.objects_copied} copied now), {report.bytes} bytes; {report.seconds:.1f} s"
    )
    lines += [f"错误 wrong: {line}" for line in report.wrong]
    lines.append(
        "校验通过 verified" if not report.wrong else f"校验失败 verification failed: {len(report.wrong)} problem(s)"
    )
    return "\n".join(lines)
