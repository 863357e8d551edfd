"""Issue 15 items 5–7 with the real app: the PWA in Chromium and a simulated device come back from a restore.

Both push, a backup is made while the server runs, both push more (the phone: confirmed, then an
edit made offline), the backup is restored into a new data folder and the server starts on it at
the same address; the phone syncs again by itself: no ``sequence-gap``, nothing it held is lost, and
the restore report lists what came back.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Response

from sync.backup.create import create_backup
from sync.backup.report import restore_report
from sync.backup.restore import restore_backup
from tests.pwa.phone import Phone
from tests.sync.backup.drill import Drill, drill, gaps


@pytest.fixture
def run(tmp_path: Path, pwa_dist: Path) -> Iterator[Drill]:
    yield from drill(tmp_path)


def watch_pushes(context: BrowserContext) -> list[dict[str, Any]]:
    """Every push answer the phone got (the results of each, and problems)."""
    answers: list[dict[str, Any]] = []

    def seen(response: Response) -> None:
        if response.url.endswith("/api/sync/push"):
            answers.append({"status": response.status, **json.loads(response.body())})

    context.on("response", seen)
    return answers


def test_the_app_and_a_device_recover_from_a_restore(
    run: Drill, tmp_path: Path, new_context: Callable[[], BrowserContext]
) -> None:
    run.publish()
    assert run.live is not None
    context = new_context()
    pushes = watch_pushes(context)
    phone = Phone(context, run.live.url)
    phone.log_in()
    q = run.device("inspector2", "刘的手机")
    a = phone.start_inspection()
    phone.choose("has_fresh_food", "yes")
    phone.sync()
    y1 = q.create(run.shared, "sync_probe")
    q.set(y1, {"licence": "pass"})
    q.sync()

    create_backup(run.data_dir, tmp_path / "backup")

    phone.choose("fresh_categories", "frozen")  # after the backup: synced and confirmed
    phone.open()
    phone.sync()  # the run the home page starts re-renders it: start the next inspection after it
    b = phone.start_inspection()  # after the backup: only the phone holds it
    phone.choose("has_fresh_food", "no")
    phone.sync()
    q.set(y1, {"frozen_temp": -19})
    y2 = q.create(run.shared, "sync_probe")
    q.sync()
    phone.offline()
    phone.open_inspection(a)
    phone.choose("has_fresh_food", "no")  # made offline: still in the phone's outbox
    q.set(y2, {"licence": "fail"})  # not pushed

    run.stop()
    restore_backup(tmp_path / "backup", tmp_path / "restored")
    run.start(tmp_path / "restored")
    run.reconnect(q)
    phone.offline(False)
    phone.sync()
    q.sync()
    phone.sync()

    assert phone.unsynced() == 0 and phone.errors == []
    results = [r for answer in pushes for r in answer.get("results", [])]
    assert [r for r in results if r["outcome"] == "gap"] == [] and gaps(q) == []
    assert any(answer["status"] == 409 and answer["type"].endswith(":epoch-changed") for answer in pushes)
    doc_a, doc_b = run.document(a), run.document(b)
    assert doc_a["answers"]["has_fresh_food"] == "no"  # the offline edit, re-sent
    assert doc_a["answers"]["fresh_categories"] == ["frozen"]  # confirmed after the backup: re-offered
    assert doc_b["answers"]["has_fresh_food"] == "no"  # created after the backup: brought back whole
    assert run.document(y1)["answers"] == {"licence": "pass", "frozen_temp": -19}
    assert run.document(y2)["answers"] == {"licence": "fail"}
    phone.open_inspection(b)  # the phone holds the server's documents again
    assert phone.card("has_fresh_food").locator('[data-value="no"].on').count() == 1

    db = sqlite3.connect(run.data_dir / "xunjian.db")
    op_ids = [row[0] for row in db.execute("SELECT op_id FROM op_log WHERE client_id IS NOT NULL")]
    assert len(op_ids) == len(set(op_ids))
    report = restore_report(db)
    db.close()
    assert report is not None
    recovered = {r.inspection_id: r for r in report.recovered}
    assert {a, b, y1, y2} <= set(recovered)
    assert recovered[b].whole and not recovered[a].whole
    assert report.not_back == [] and len(report.back) == 2
