"""The PDF report's chain of custody: each photo's capture hash, time, phone, position, its original held or not."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from tests.clients import Client, World, device, started
from tests.evidence import sha256, upload
from tests.images import camera_jpeg, phone_jpeg


def uploaded(client: Client, headers: dict[str, str], data: bytes) -> str:
    assert upload(client, headers, data, chunk=1024 * 1024).status_code == 204
    return sha256(data)


def report_text(client: Client, world: World, inspection_id: str, who: str, tmp_path: Path) -> str:
    response = client.get(f"/api/inspections/{inspection_id}/report.pdf", headers=world.headers[who])
    assert response.status_code == 200, response.text
    pdf = tmp_path / f"{who}.pdf"
    pdf.write_bytes(response.content)
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_the_report_shows_each_photo_s_chain_of_custody(
    client: Client, world: World, probe: None, app: Any, tmp_path: Path
) -> None:
    phone = device(client)
    inspection_id = started(client, world, phone)
    kept, waiting = camera_jpeg(1600, 1200, seed=30), camera_jpeg(1200, 900, seed=50)
    lights = [uploaded(client, phone.headers, phone_jpeg(n, size=(800, 600))) for n in (1, 3)]
    for light, original in zip(lights, (kept, waiting), strict=True):
        custody: dict[str, object] = {"capture_sha256": sha256(original), "device": "Redmi Note 12"}
        custody |= {"captured_at": "2026-12-05T09:26:53+08:00", "lat": 30.2741, "lon": 120.1551}
        assert client.put(f"/api/blobs/{light}/custody", json=custody, headers=phone.headers).status_code == 200
        phone.attach(inspection_id, "photos", light)
    uploaded(client, phone.headers, kept)  # the second original still waits for Wi-Fi
    phone.sync()
    text = report_text(client, world, inspection_id, "supervisor1", tmp_path)
    assert "证据链 Chain of custody" in text
    for original in (kept, waiting):
        assert sha256(original) in text
    assert text.count("Redmi Note 12") == 2 and "2026-12-05T09:26:53+08:00" in text
    assert f"已保存 held ({len(kept)} bytes)" in text
    assert text.count("尚未上传 not uploaded yet") == 1
    assert "30.274100, 120.155100" in text  # a supervisor may see where it was taken
