"""The restore report from the command line: never restored, then restored with devices not back yet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemas.catalog import Catalog
from sync.backup.__main__ import main
from sync.backup.report import format_report
from sync.db.store import Store
from sync.engine.ops import PushBatch
from sync.push import apply_push
from tests.sync.office import Office


@pytest.mark.sqlite_only(
    reason="backs up the SQLite file; PostgreSQL's backup (pg_dump) is tested in test_postgresql.py"
)
def test_the_report_names_the_devices_not_back_since_the_restore(
    store: Store, office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = Path(store.path).parent
    assert format_report(None) == "此数据库从未恢复过 / this database was never restored"
    client_id = "5d3f1c2a-7b4e-4c1d-9a8b-0e6f2d3c4b5a"
    apply_push(store, Catalog(), office.users["inspector"], "phone", PushBatch(client_id, []))
    assert main(["create", str(tmp_path / "backup"), "--data-dir", str(data_dir)]) == 0
    assert main(["restore", str(tmp_path / "backup"), "--data-dir", str(tmp_path / "new")]) == 0
    printed = capsys.readouterr().out
    assert "尚未同步的设备 Devices not synced since the restore (what they hold is not back yet): 1" in printed
    assert main(["report", "--data-dir", str(tmp_path / "new"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [d["client_id"] for d in report["not_back"]] == [client_id]
    assert report["back"] == [] and report["recovered"] == []
