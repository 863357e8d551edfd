"""Compression: JSON answers in brotli or gzip when accepted; evidence bytes, tiny answers and the rest never.

A large answer is compressed in the request pool: held there mid-way, the event loop still answers.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import brotli
import httpx
import pytest

from bench.device import Device
from server import compression
from server.compression import LARGE, LARGE_BROTLI_QUALITY, LARGE_GZIP_LEVEL
from tests.clients import SHOP, Client, World
from tests.evidence import PHOTO, sha256, upload
from tests.large_answers import Held, a_year_of_daily_plans, coverage_while_held

SCHEMA = "/api/checklists/supermarket_service/versions/1/schema"
GZIP = {"Accept-Encoding": "gzip"}
PLAIN = {"Accept-Encoding": "identity"}


def raw(client: Client, url: str, headers: dict[str, str]) -> httpx.Response:
    """The response with its body as sent (``content`` not decoded)."""
    with client.stream("GET", url, headers=headers) as response:
        response._content = b"".join(response.iter_raw())
    return response


def test_a_json_answer_is_gzipped_when_accepted_and_decodes_to_the_same_json(client: Client, world: World) -> None:
    headers = world.headers["admin"]
    phone = Device(client, headers["Authorization"].partition(" ")[2], "phone")
    for _ in range(3):
        phone.set(phone.create(world.sites[SHOP], "supermarket_service"), {"sales_area_m2": 800.0})
    phone.push()
    for url in ["/api/sites", "/api/users", "/api/sync/pull?checkpoint=0", SCHEMA]:
        plain = raw(client, url, {**headers, **PLAIN})
        packed = raw(client, url, {**headers, **GZIP})
        assert plain.status_code == packed.status_code == 200, url
        assert "content-encoding" not in plain.headers, url
        assert packed.headers["content-encoding"] == "gzip", url
        assert "accept-encoding" in packed.headers["vary"].lower(), url
        assert int(packed.headers["content-length"]) == len(packed.content) < len(plain.content), url
        assert json.loads(gzip.decompress(packed.content)) == json.loads(plain.content), url


def test_a_json_answer_is_in_brotli_when_accepted_and_smaller_than_gzip(client: Client, world: World) -> None:
    headers = world.headers["admin"]
    phone = Device(client, headers["Authorization"].partition(" ")[2], "phone")
    for _ in range(3):
        phone.set(phone.create(world.sites[SHOP], "supermarket_service"), {"sales_area_m2": 800.0})
    phone.push()
    for url in ["/api/sync/pull?checkpoint=0", SCHEMA]:
        plain = raw(client, url, {**headers, **PLAIN})
        zipped = raw(client, url, {**headers, **GZIP})
        packed = raw(client, url, {**headers, "Accept-Encoding": "gzip, deflate, br, zstd"})
        assert packed.status_code == 200, url
        assert packed.headers["content-encoding"] == "br", url
        assert "accept-encoding" in packed.headers["vary"].lower(), url
        assert int(packed.headers["content-length"]) == len(packed.content) < len(zipped.content), url
        assert json.loads(brotli.decompress(packed.content)) == json.loads(plain.content), url


def test_the_schemas_etag_and_304_hold_when_compressed(client: Client, world: World) -> None:
    headers = {**world.headers["inspector2"], **GZIP}
    first = raw(client, SCHEMA, headers)
    assert first.headers["content-encoding"] == "gzip"
    etag = first.headers["etag"]
    again = raw(client, SCHEMA, {**headers, "If-None-Match": etag})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)


def test_a_tiny_answer_goes_as_it_is(client: Client) -> None:
    health = raw(client, "/api/health", GZIP)
    assert health.status_code == 200
    assert "content-encoding" not in health.headers
    assert health.json()["status"] == "ok"


def test_an_image_download_is_not_compressed(client: Client, world: World) -> None:
    inspector = world.headers["inspector1"]
    assert upload(client, inspector, PHOTO).status_code == 204
    digest = sha256(PHOTO)
    for variant in ("original", "display", "thumb"):
        image = raw(client, f"/api/blobs/{digest}?variant={variant}", {**inspector, **GZIP})
        assert image.status_code == 200
        assert "content-encoding" not in image.headers
        assert image.headers["content-type"].startswith("image/")
        assert int(image.headers["content-length"]) == len(image.content)
    original = raw(client, f"/api/blobs/{digest}", {**inspector, **GZIP})
    assert original.content == PHOTO


def test_a_csv_export_streams_gzipped_and_a_workbook_as_it_is(client: Client, world: World) -> None:
    admin = world.headers["admin"]
    phone = Device(client, admin["Authorization"].partition(" ")[2], "phone")
    for _ in range(20):
        phone.set(phone.create(world.sites[SHOP], "supermarket_service"), {"sales_area_m2": 800.0})
    phone.push()
    plain = raw(client, "/api/exports/answers.csv", {**admin, **PLAIN})
    packed = raw(client, "/api/exports/answers.csv", {**admin, **GZIP})
    assert plain.status_code == packed.status_code == 200
    assert packed.headers["content-encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    workbook = raw(client, "/api/exports/answers.xlsx", {**admin, **GZIP})
    assert workbook.status_code == 200
    assert "content-encoding" not in workbook.headers
    assert workbook.content.startswith(b"PK")  # a ZIP file, sent as made


def test_a_large_answer_decodes_to_the_same_json_in_either_coding(client: Client, world: World) -> None:
    admin = world.headers["admin"]
    url = a_year_of_daily_plans(client, admin)
    plain = raw(client, url, {**admin, **PLAIN})
    assert plain.status_code == 200 and len(plain.content) >= LARGE
    at_desk_level = {  # the lowest levels: these answers go to desks (see server.compression)
        "gzip": len(gzip.compress(plain.content, compresslevel=LARGE_GZIP_LEVEL)),
        "br": len(brotli.compress(plain.content, mode=brotli.MODE_TEXT, quality=LARGE_BROTLI_QUALITY)),
    }
    for coding, unpack in (("gzip", gzip.decompress), ("br", brotli.decompress)):
        packed = raw(client, url, {**admin, "Accept-Encoding": coding})
        assert packed.headers["content-encoding"] == coding
        assert "accept-encoding" in packed.headers["vary"].lower()
        assert int(packed.headers["content-length"]) == len(packed.content) < len(plain.content) // 5
        assert json.loads(unpack(packed.content)) == json.loads(plain.content)
        assert len(packed.content) == at_desk_level[coding]


def test_a_large_answer_is_compressed_in_the_request_pool_while_the_loop_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = Held(compression.pack)
    monkeypatch.setattr(compression, "pack", held)
    coverage = coverage_while_held(tmp_path, held, {"Accept-Encoding": "br"})
    assert coverage.status_code == 200
    assert coverage.headers["content-encoding"] == "br"
    assert len(coverage.json()["periods"]) >= 2 * 365
    assert held.threads and all(name.startswith("xunjian-worker") for name in held.threads), held.threads
