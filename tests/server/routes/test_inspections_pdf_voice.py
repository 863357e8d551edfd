"""The PDF report lists each item's note with its voice memo: its length and the SHA-256 of the recording,
received or still on the phone."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.audio import WEBM, ogg_opus
from tests.clients import Client, World, device, started
from tests.evidence import sha256, upload


def report_text(client: Client, world: World, inspection_id: str, who: str, tmp_path: Path) -> str:
    response = client.get(f"/api/inspections/{inspection_id}/report.pdf", headers=world.headers[who])
    assert response.status_code == 200, response.text
    pdf = tmp_path / f"{who}.pdf"
    pdf.write_bytes(response.content)
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_the_report_lists_each_note_with_its_memo(client: Client, world: World, probe: None, tmp_path: Path) -> None:
    phone = device(client)
    inspection_id = started(client, world, phone)
    recorded, waiting = WEBM.read_bytes(), ogg_opus(2.0)
    assert upload(client, phone.headers, recorded, kind="audio", media_type="audio/webm").status_code == 204
    memo = {"sha256": sha256(recorded), "mime": "audio/webm", "duration_ms": 83_400, "bytes": len(recorded)}
    phone.enqueue("note", inspection_id, path="licence", text="执照挂在收银台后面", voice=memo)
    later = {"sha256": sha256(waiting), "mime": "audio/ogg", "duration_ms": 2000, "bytes": len(waiting)}
    phone.enqueue("note", inspection_id, path="frozen_temp", voice=later)  # not uploaded yet
    phone.sync()
    text = report_text(client, world, inspection_id, "supervisor1", tmp_path)
    assert "备注 Item notes（2）" in text
    assert "执照挂在收银台后面" in text
    assert "语音备注 voice memo 1:23（已收到 received）" in text
    assert "语音备注 voice memo 0:02（尚未上传 not uploaded yet）" in text
    assert sha256(recorded) in text and sha256(waiting) in text
