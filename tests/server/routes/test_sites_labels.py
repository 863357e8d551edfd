"""Sites for the phone's search and the admin's QR labels: pinyin initials in the site list, and a
PDF sheet of labels whose QR codes, read back from the rendered pages, open each site in the app."""

from __future__ import annotations

import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image

from tests import ARTIFACTS
from tests.clients import PROBLEM, Client, World

SHOP = "联华超市(解放路店)"


def test_the_site_list_carries_pinyin_initials_of_name_and_address(client: Client, world: World) -> None:
    listed = client.get("/api/sites", headers=world.headers["inspector1"]).json()
    shop = next(s for s in listed if s["name"] == SHOP)
    assert shop["initials"] == "lhcsjfld"
    assert shop["initials"].startswith("lhcs")  # "lhcs" finds 联华超市
    assert shop["address_initials"]
    assert all(s["initials"].isascii() for s in listed)


def _decoded(pdf: Path, tmp_path: Path) -> list[str]:
    """Every QR code's text on every page, read back from the PDF rendered at 150 dpi."""
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    texts: list[str] = []
    for page in sorted(tmp_path.glob("page*.png")):
        texts += [r.text for r in zxingcpp.read_barcodes(Image.open(page)) if r.format == zxingcpp.BarcodeFormat.QRCode]
    return texts


def test_an_admin_prints_qr_labels_of_a_district_that_open_each_site(
    client: Client, world: World, tmp_path: Path
) -> None:
    district = next(iter(world.districts.values()))
    all_sites = client.get("/api/sites", headers=world.headers["admin"]).json()
    wanted = {s["id"]: s["name"] for s in all_sites if s["district_id"] == district}
    response = client.get(f"/api/sites/labels.pdf?district_id={district}", headers=world.headers["admin"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "labels.pdf"
    pdf.write_bytes(response.content)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "site-labels.pdf").write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for name in wanted.values():
        assert name.split("(")[0] in text
    links = _decoded(pdf, tmp_path)
    assert sorted(links) == sorted(f"{client.base_url}/app/#/site/{site_id}" for site_id in wanted)


def test_labels_are_for_admins_and_an_unknown_district_is_not_found(client: Client, world: World) -> None:
    refused = client.get("/api/sites/labels.pdf", headers=world.headers["inspector1"])
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith(PROBLEM)
    missing = client.get("/api/sites/labels.pdf?district_id=nowhere", headers=world.headers["admin"])
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith(PROBLEM)
    everything = client.get("/api/sites/labels.pdf", headers=world.headers["admin"])
    assert everything.status_code == 200
    assert everything.content.startswith(b"%PDF")
