"""Issue 15 items 5–7: after a restore, devices recover by themselves; nothing a device held is lost.

Item 5 (the break, on main): a device whose ``client_seq`` was past the restored one got
``sequence-gap`` on every push forever, and one whose checkpoint was past the restored op log
missed new edits. Here: two devices push, a backup is made while the server runs, both push
more (synced and confirmed, pushed but not pulled, not pushed at all), the backup is restored
into a new data folder, the server starts on it, the devices sync again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.backup.create import create_backup
from sync.backup.report import restore_report
from sync.backup.restore import restore_backup
from tests.sync.backup.drill import Drill, drill, gaps


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Drill]:
    yield from drill(tmp_path)


def test_devices_recover_from_a_restore_with_nothing_they_held_lost(run: Drill, tmp_path: Path) -> None:
    run.publish()
    p, q = run.device("inspector1", "张的手机"), run.device("inspector2", "刘的手机")
    x1 = p.create(run.shared, "sync_probe")
    p.set(x1, {"licence": "pass", "frozen_temp": -20})
    y1 = q.create(run.shared, "sync_probe")
    q.set(y1, {"licence": "pass"})
    p.sync()
    q.sync()

    create_backup(run.data_dir, tmp_path / "backup")  # online: the server runs

    p.set(x1, {"licence": "fail", "frozen_temp": -25})  # after the backup, synced and confirmed
    x2 = p.create(run.shared, "sync_probe")  # created after the backup: only phone P holds it
    p.set(x2, {"licence": "pass", "frozen_temp": -30, "issues": ["dirty"]})
    q.set(y1, {"frozen_temp": -19})
    y2 = q.create(run.shared, "sync_probe")
    q.set(y2, {"licence": "fail"})
    p.sync()
    q.sync()
    assert p.outbox == [] and q.outbox == []  # confirmed: only the documents they hold remember these
    p.set(x2, {"frozen_temp": -31})
    p.push()  # acknowledged, not yet confirmed by a pull
    q.set(y2, {"frozen_temp": -21})  # not pushed at all
    held_p, held_q = p.next_seq - 1, q.next_seq - 1

    run.stop()
    restore_backup(tmp_path / "backup", tmp_path / "restored")
    run.start(tmp_path / "restored")
    run.reconnect(p, q)

    q.sync()  # Q comes back first; then someone edits P's inspection in the new epoch, concurrently with P's edit
    q.set(x1, {"frozen_temp": -5})
    q.sync()
    p.sync()
    q.sync()

    assert gaps(p, q) == []
    assert p.pending() == [] and q.pending() == []
    assert p.recoveries == 1 and q.recoveries == 1
    doc_x1, doc_x2 = run.document(x1), run.document(x2)
    assert doc_x1["answers"]["licence"] == "fail"  # P's edit after the backup, re-offered from what P held
    [conflict] = doc_x1["conflicts"]  # P's -25 (lost with the restore) against Q's -5 (since): kept as a conflict
    assert conflict["path"] == "frozen_temp"
    assert sorted(c["value"] for c in conflict["candidates"]) == [-25, -5]
    assert doc_x2["answers"] == {"licence": "pass", "frozen_temp": -31, "issues": ["dirty"]}
    assert run.document(y1)["answers"] == {"licence": "pass", "frozen_temp": -19}
    assert run.document(y2)["answers"] == {"licence": "fail", "frozen_temp": -21}
    for phone in (p, q):  # each device sees the server's state again, and its sequence goes on from there
        assert set(phone.server) == {x1, x2, y1, y2}
        assert phone.next_seq - 1 > 0

    db = sqlite3.connect(run.data_dir / "xunjian.db")
    op_ids = [r[0] for r in db.execute("SELECT op_id FROM op_log WHERE client_id IS NOT NULL")]
    assert len(op_ids) == len(set(op_ids))  # exactly once: no op taken twice
    last = dict(db.execute("SELECT client_id, last_seq FROM client"))
    assert last[p.client_id] == p.next_seq - 1 and last[q.client_id] == q.next_seq - 1
    report = restore_report(db)
    db.close()
    assert report is not None
    recovered = {r.inspection_id: r for r in report.recovered}
    assert set(recovered) == {x1, x2, y1, y2}
    assert recovered[x2].whole and recovered[y2].whole and not recovered[x1].whole
    assert recovered[x1].outcomes.get("conflict") == 1
    assert {d.client_id for d in report.back} == {p.client_id, q.client_id}
    assert report.not_back == []
    assert held_p > 0 and held_q > 0


def test_a_push_with_the_old_epoch_gets_a_clear_answer_not_a_gap(run: Drill, tmp_path: Path) -> None:
    run.publish()
    p = run.device("inspector1", "phone")
    x1 = p.create(run.shared, "sync_probe")
    p.sync()
    old_epoch = p.epoch
    create_backup(run.data_dir, tmp_path / "backup")
    p.set(x1, {"licence": "pass"})
    p.sync()
    run.stop()
    restore_backup(tmp_path / "backup", tmp_path / "restored")
    live = run.start(tmp_path / "restored")
    run.reconnect(p)

    p.set(x1, {"frozen_temp": -19})
    stale = {"client_id": p.client_id, "ops": p.pending(), "epoch": old_epoch}
    answered = live.lane.answered
    response = p.http.post("/api/sync/push", json=stale, headers=p.headers)
    assert response.status_code == 409
    assert live.lane.answered == answered  # the fast lane left the refusal to the route
    problem = response.json()
    assert problem["type"] == "urn:xunjian:problem:epoch-changed"
    assert problem["epoch"] != old_epoch
    assert problem["last_seq"] == 1  # the create; the set came after the backup
    assert problem["restored_seq"] >= 1
    page = p.http.get("/api/sync/pull", params={"checkpoint": 99, "epoch": old_epoch}, headers=p.headers).json()
    assert (page["documents"], page["epoch"], page["restored_seq"]) == ([], problem["epoch"], problem["restored_seq"])
    db_report = sqlite3.connect(run.data_dir / "xunjian.db")
    report = restore_report(db_report)
    db_report.close()
    assert report is not None and [d.client_id for d in report.not_back] == [p.client_id]  # not back yet
    p.sync()  # the device recovers: its set after the backup is re-sent, then the new one
    assert gaps(p) == [] and p.pending() == []
    assert run.document(x1)["answers"] == {"licence": "pass", "frozen_temp": -19}
