"""Compression: JSON answers in brotli or gzip when accepted; evidence bytes, tiny answers and the rest never."""

from __future__ import annotations

import gzip
import json

import brotli
import httpx

from bench.device import Device
from tests.clients import SHOP, Client, World
from tests.evidence import PHOTO, sha256, upload

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
