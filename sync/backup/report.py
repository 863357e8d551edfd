"""The restore report: what devices brought back since the last restore, and which have not come back yet.

Devices send back what they still hold (ops the restored database lacks, and their own inspections
changed after the backup, re-offered), noted as they arrive (``recovered_op``). What a device that has
not synced since the restore holds is not back yet: those devices are listed by user and name. An
edit no device holds any more (made on the server after the backup, or on a phone that was reset)
cannot come back: the report cannot list what nobody offered, only who has not offered yet.
"""

from __future__ import annotations

import sqlite3
from collections import Counter

from msgspec import Struct

from sync.db.named import named_rows


class RecoveredInspection(Struct, frozen=True):
    """One inspection devices sent ops for after the restore: how many, with what outcomes, from whom."""

    inspection_id: str
    site: str
    whole: bool  # created after the backup: brought back whole by a device
    ops: int
    outcomes: dict[str, int]
    devices: list[str]


class Device(Struct, frozen=True):
    """A device (a client of the sync API) known at the restore, back since or not."""

    client_id: str
    user: str
    device: str
    last_seq: int
    back_at: str | None


class RestoreReport(Struct, frozen=True):
    """The last restore of a database, what came back and what may still be out there."""

    epoch: str
    backup_at: str
    restored_seq: int
    restored_at: str
    recovered: list[RecoveredInspection]
    back: list[Device]
    not_back: list[Device]


def restore_report(conn: sqlite3.Connection) -> RestoreReport | None:
    """The report of the last restore (``None`` if the database was never restored)."""
    restore = conn.execute(
        "SELECT epoch, backup_at, restored_seq, restored_at FROM restore_log ORDER BY restored_at DESC LIMIT 1"
    ).fetchone()
    if restore is None:
        return None
    epoch, backup_at, restored_seq, restored_at = restore
    devices = [
        Device(**row)
        for row in named_rows(
            conn.execute(
                "SELECT c.client_id, u.username || ' ' || u.display_name AS user, coalesce(d.name, '') AS device,"
                " c.last_seq, e.back_at FROM client c JOIN user u ON u.id = c.user_id"
                " LEFT JOIN device d ON d.id = c.device_id"
                " LEFT JOIN client_epoch e ON e.client_id = c.client_id AND e.epoch = ?"
                " WHERE c.created_at <= ? ORDER BY u.username, c.client_id",
                [epoch, restored_at],
            )
        )
    ]
    return RestoreReport(
        epoch,
        backup_at,
        restored_seq,
        restored_at,
        _recovered(conn, epoch, restored_seq),
        [d for d in devices if d.back_at is not None],
        [d for d in devices if d.back_at is None],
    )


def _recovered(conn: sqlite3.Connection, epoch: str, restored_seq: int) -> list[RecoveredInspection]:
    """Per inspection: the ops devices recovered into it since the restore."""
    found: dict[str, tuple[str, int, Counter[str], set[str]]] = {}
    for row in named_rows(
        conn.execute(
            "SELECT r.inspection_id, r.outcome, coalesce(d.name, r.client_id) AS device, u.username,"
            " coalesce(s.name, '') AS site, coalesce(i.created_seq, 0) AS created_seq FROM recovered_op r"
            " JOIN user u ON u.id = r.user_id LEFT JOIN client c ON c.client_id = r.client_id"
            " LEFT JOIN device d ON d.id = c.device_id LEFT JOIN inspection i ON i.id = r.inspection_id"
            " LEFT JOIN site s ON s.id = i.site_id WHERE r.epoch = ? ORDER BY r.inspection_id, r.seq",
            [epoch],
        )
    ):
        _, _, outcomes, devices = found.setdefault(
            row["inspection_id"], (row["site"], row["created_seq"], Counter(), set())
        )
        outcomes[row["outcome"]] += 1
        devices.add(f"{row['username']} {row['device']}")
    return [
        RecoveredInspection(iid, site, created > restored_seq, sum(outcomes.values()), dict(outcomes), sorted(devices))
        for iid, (site, created, outcomes, devices) in found.items()
    ]


def format_report(report: RestoreReport | None) -> str:
    """The report as text for an administrator (Chinese first, with English)."""
    if report is None:
        return "此数据库从未恢复过 / this database was never restored"
    lines = [
        f"恢复 Restore: 备份时间 backup at {report.backup_at}, 操作日志至 op log through seq {report.restored_seq},"
        f" 恢复于 restored at {report.restored_at}, 新纪元 new epoch {report.epoch}",
        f"设备找回的检查 Inspections recovered from devices: {len(report.recovered)}",
    ]
    for item in report.recovered:
        whole = " 整份找回 whole" if item.whole else ""
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(item.outcomes.items()))
        lines.append(
            f"  {item.inspection_id} {item.site}{whole}: {item.ops} ops ({outcomes}) ← {', '.join(item.devices)}"
        )
    lines.append(f"已回来的设备 Devices back since the restore: {len(report.back)}")
    lines += [f"  {d.user} {d.device} ({d.back_at})" for d in report.back]
    lines.append(
        f"尚未同步的设备 Devices not synced since the restore (what they hold is not back yet): {len(report.not_back)}"
    )
    lines += [f"  {d.user} {d.device} (client_seq {d.last_seq} at the backup)" for d in report.not_back]
    return "\n".join(lines)
