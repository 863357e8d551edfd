"""The PDF report of one inspection: Chinese text extractable, pages render, photos and signatures in."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from bench.uploader import upload
from tests import ARTIFACTS
from tests.clients import Client, World, device, started
from tests.images import phone_jpeg


def signature_png() -> bytes:
    """A drawn signature as the pad exports it: dark strokes on a transparent PNG."""
    image = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(20, 70), (80, 20), (130, 75), (190, 25), (270, 60)], fill=(20, 20, 60, 255), width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def uploaded(client: Client, headers: dict[str, str], data: bytes, **options: Any) -> str:
    client.headers.update(headers)
    try:
        return upload(client, data, **options).sha256
    finally:
        del client.headers["Authorization"]


def test_report_has_chinese_text_photos_and_signature(
    client: Client, world: World, probe: None, app: Any, tmp_path: Path
) -> None:
    catalog = app.state.catalog
    phone = device(client)
    inspection_id = started(client, world, phone)
    photo = phone_jpeg(gps=(30.25, 120.17))
    drawing = signature_png()
    photo_sha = uploaded(client, phone.headers, photo)
    phone.attach(inspection_id, "photos", photo_sha, item="licence")
    phone.set(inspection_id, {"licence": "fail", "frozen_temp": -12.5})
    phone.sync()
    signature = uploaded(client, phone.headers, drawing, kind="signature", media_type="image/png")
    phone.sign(catalog, inspection_id, "manager_sign", "王经理", signature)
    phone.transition(inspection_id, "submitted")
    phone.sync()
    response = client.get(f"/api/inspections/{inspection_id}/report.pdf", headers=world.headers["supervisor1"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in [
        "同步测试检查表 检查报告",
        "联华超市(解放路店)",
        "不合格项",
        "证照",
        "市场管理办法 第十条",
        "冷冻温度",
        "超市服务管理规范 6.2.1",
        "-12.5℃",
        "取证照片 evidence photos: 1",
        "已收到 1 / 1",
        "王经理",
        "整改",
    ]:
        assert expected in text, expected
    assert text.count("取证照片") == 1  # under the licence, which it was taken for; not under the temperature
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    drawn = [line.split() for line in images.splitlines()[2:]]
    assert (
        len([row for row in drawn if row[2] == "image"]) == 3
    )  # the photo under its item and with the photos, the signature
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(pages[0], ARTIFACTS / "inspection-report-1.png")


def test_report_is_scoped(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    inspection_id = started(client, world, phone)
    far = client.get(f"/api/inspections/{inspection_id}/report.pdf", headers=world.headers["supervisor2"])
    assert far.status_code == 404
    assert client.get("/api/inspections/nope/report.pdf", headers=world.headers["admin"]).status_code == 404


def test_without_a_cjk_font_the_report_is_a_clear_problem(client: Client, world: World, probe: None, app: Any) -> None:
    from dataclasses import replace

    app.state.settings = replace(app.state.settings, cjk_font=Path("/nonexistent/font.ttc"))
    phone = device(client)
    inspection_id = started(client, world, phone)
    response = client.get(f"/api/inspections/{inspection_id}/report.pdf", headers=world.headers["supervisor1"])
    assert response.status_code == 503
    assert response.json()["type"] == "urn:xunjian:problem:font-missing"
    assert client.get("/api/health").status_code == 200
