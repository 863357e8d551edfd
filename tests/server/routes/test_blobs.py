"""Serving evidence: missing hashes, variants, ETags, ranges, and who may fetch or probe a blob.

Demo scope: inspector1 has 联华超市 and 望江农贸市场, inspector2 has 望江农贸市场 and the
service centre, inspector3 the Xihu sites; supervisor1 has 上城区, supervisor2 西湖区.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from litestar import Litestar
from PIL import Image

from server.settings import Settings
from sync.org.accounts import create_user
from sync.org.sites import create_organisation
from tests.clients import Client, World, assert_problem, bearer, login, still_up
from tests.evidence import PHOTO, SVG, reference, settings_on, sha256, upload
from tests.images import encode, quadrants

MARKET = "望江农贸市场"
DIGEST = sha256(PHOTO)


@pytest.fixture
def photo(client: Client, world: World) -> str:
    """PHOTO uploaded by inspector1; not referenced yet."""
    assert upload(client, world.headers["inspector1"], PHOTO).status_code == 204
    return DIGEST


@pytest.fixture(params=["file", "s3"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """These tests run with the evidence in the data folder and in a bucket of a real S3-protocol server."""
    return settings_on(request.param, request, tmp_path)


def refer(app: Litestar, world: World, digest: str, site: str = MARKET) -> None:
    org_id = app.state.store.db.execute("SELECT org_id FROM site WHERE id = ?", [world.sites[site]]).fetchone()[0]
    reference(app.state.store, org_id, digest, world.sites[site], world.users["inspector1"])


def test_missing_lists_what_the_caller_cannot_read(app: Litestar, client: Client, world: World, photo: str) -> None:
    other = sha256(b"not yet")

    def missing(user: str) -> object:
        body = {"hashes": [other, photo, other]}
        response = client.post("/api/blobs/missing", json=body, headers=world.headers[user])
        assert response.status_code == 200
        return response.json()

    assert missing("inspector1") == {"missing": [other]}  # the uploader holds it
    assert missing("admin") == {"missing": [other, photo]}  # held by the organisation, but nobody referenced it yet
    refer(app, world, photo)
    assert missing("admin") == missing("inspector2") == {"missing": [other]}  # now evidence at a site in their scope
    assert missing("inspector3") == {"missing": [other, photo]}  # out of scope: as if it were not held


@pytest.mark.parametrize(
    "hashes",
    [["ABC"], ["A" * 64], [sha256(b"x").upper()], [f"{n:064x}" for n in range(501)], "not a list"],
)
def test_missing_refuses_malformed_hashes_and_long_lists(client: Client, world: World, hashes: object) -> None:
    response = client.post("/api/blobs/missing", json={"hashes": hashes}, headers=world.headers["inspector1"])
    assert_problem(response, 400, "invalid-body")


def test_missing_needs_a_token(client: Client) -> None:
    assert_problem(client.post("/api/blobs/missing", json={"hashes": []}), 401, "unauthorized")


def test_a_blob_is_immutable_with_a_strong_etag_per_variant(client: Client, world: World, photo: str) -> None:
    inspector = world.headers["inspector1"]
    etags = set()
    for variant in ("original", "display", "thumb"):
        response = client.get(f"/api/blobs/{photo}?variant={variant}", headers=inspector)
        assert response.status_code == 200
        assert response.headers["etag"] == f'"{photo}-{variant}"'
        assert response.headers["cache-control"] == "private, max-age=31536000, immutable"
        assert response.headers["x-content-type-options"] == "nosniff"
        etags.add(response.headers["etag"])
        again = client.get(
            f"/api/blobs/{photo}?variant={variant}", headers={**inspector, "If-None-Match": response.headers["etag"]}
        )
        assert (again.status_code, again.content) == (304, b"")
    assert len(etags) == 3
    assert_problem(client.get(f"/api/blobs/{photo}?variant=poster", headers=inspector), 400, "invalid-body")


def test_only_the_original_carries_the_exif_gps(client: Client, world: World, photo: str) -> None:
    inspector = world.headers["inspector1"]
    original = client.get(f"/api/blobs/{photo}", headers=inspector).content
    assert original == PHOTO
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    for variant in ("display", "thumb"):
        derived = client.get(f"/api/blobs/{photo}?variant={variant}", headers=inspector).content
        assert b"Exif" not in derived
        assert dict(Image.open(io.BytesIO(derived)).getexif()) == {}


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-200", -200, None), ("bytes=50-99999999", 50, None)],
)
def test_ranges_of_an_original(
    client: Client, world: World, photo: str, header: str, start: int, end: int | None
) -> None:
    response = client.get(f"/api/blobs/{photo}", headers={**world.headers["inspector1"], "Range": header})
    assert response.status_code == 206
    part = PHOTO[start : None if end is None else end + 1]
    assert response.content == part
    first = start % len(PHOTO)
    assert response.headers["content-range"] == f"bytes {first}-{first + len(part) - 1}/{len(PHOTO)}"


def test_a_range_outside_the_file_is_416(client: Client, world: World, photo: str) -> None:
    response = client.get(f"/api/blobs/{photo}", headers={**world.headers["inspector1"], "Range": "bytes=999999-"})
    assert_problem(response, 416, "range-not-satisfiable")
    assert response.headers["content-range"] == f"bytes */{len(PHOTO)}"
    still_up(client)


@pytest.mark.parametrize(
    "extra", [{"Range": "bytes=0-9,20-29"}, {"Range": "pages=1"}, {"Range": "bytes=0-9", "If-Range": '"stale"'}]
)
def test_ranges_the_server_ignores_send_the_whole_file(
    client: Client, world: World, photo: str, extra: dict[str, str]
) -> None:
    response = client.get(f"/api/blobs/{photo}", headers={**world.headers["inspector1"], **extra})
    assert (response.status_code, response.content) == (200, PHOTO)


def test_an_unreferenced_blob_is_only_for_its_uploader(client: Client, world: World, photo: str) -> None:
    assert client.get(f"/api/blobs/{photo}", headers=world.headers["inspector1"]).status_code == 200
    for who in ("admin", "supervisor1", "inspector2"):
        assert_problem(client.get(f"/api/blobs/{photo}?variant=thumb", headers=world.headers[who]), 404, "not-found")


def test_a_referenced_blob_is_for_those_whose_scope_holds_the_site(
    client: Client, world: World, app: Litestar, photo: str
) -> None:
    refer(app, world, photo)
    for who in ("admin", "supervisor1", "inspector1"):
        for variant in ("original", "display", "thumb"):
            got = client.get(f"/api/blobs/{photo}?variant={variant}", headers=world.headers[who])
            assert got.status_code == 200, (who, variant)
    for variant in ("display", "thumb"):
        assert (
            client.get(f"/api/blobs/{photo}?variant={variant}", headers=world.headers["inspector2"]).status_code == 200
        )
    assert_problem(client.get(f"/api/blobs/{photo}", headers=world.headers["inspector2"]), 403, "forbidden")
    for who in ("supervisor2", "inspector3", "inspector4"):
        for variant in ("original", "display", "thumb"):
            got = client.get(f"/api/blobs/{photo}?variant={variant}", headers=world.headers[who])
            assert_problem(got, 404, "not-found")
        assert_problem(client.get(f"/api/blobs/{photo}/meta", headers=world.headers[who]), 404, "not-found")


def test_gps_in_metadata_only_for_those_who_may_fetch_the_original(
    client: Client, world: World, app: Litestar, photo: str
) -> None:
    refer(app, world, photo)
    for who in ("supervisor1", "inspector1"):
        assert client.get(f"/api/blobs/{photo}/meta", headers=world.headers[who]).json()["gps"] is not None
    colleague = client.get(f"/api/blobs/{photo}/meta", headers=world.headers["inspector2"]).json()
    assert colleague["gps"] is None
    assert (colleague["width"], colleague["height"]) == (1200, 900)


def test_another_organisation_can_neither_fetch_nor_probe(
    client: Client, world: World, app: Litestar, photo: str
) -> None:
    refer(app, world, photo)
    store = app.state.store
    org = create_organisation(store, "另一个组织 another")
    create_user(
        store,
        app.state.hasher,
        org_id=org.id,
        username="outsider",
        password="Quiet-Kite-88",
        role="admin",
        display_name="x",
    )
    outsider = bearer(login(client, "outsider", "Quiet-Kite-88"))
    hidden = client.get(f"/api/blobs/{photo}", headers=outsider)
    absent = client.get(f"/api/blobs/{sha256(b'never uploaded')}", headers=outsider)
    malformed = client.get("/api/blobs/not-a-hash", headers=outsider)
    details = []
    for response, digest in [(hidden, photo), (absent, sha256(b"never uploaded")), (malformed, "not-a-hash")]:
        details.append(str(assert_problem(response, 404, "not-found")["detail"]).replace(digest, "<hash>"))
    assert len(set(details)) == 1
    assert_problem(client.get(f"/api/blobs/{photo}/meta", headers=outsider), 404, "not-found")
    assert client.post("/api/blobs/missing", json={"hashes": [photo]}, headers=outsider).json() == {"missing": [photo]}


def test_blobs_need_a_token(client: Client, photo: str) -> None:
    assert_problem(client.get(f"/api/blobs/{photo}"), 401, "unauthorized")
    assert_problem(client.get(f"/api/blobs/{photo}/meta"), 401, "unauthorized")


def test_a_signature_serves_its_drawing_for_every_variant(client: Client, world: World) -> None:
    inspector = world.headers["inspector1"]
    assert upload(client, inspector, SVG, kind="signature", media_type="image/svg+xml").status_code == 204
    for variant in ("original", "display", "thumb"):
        response = client.get(f"/api/blobs/{sha256(SVG)}?variant={variant}", headers=inspector)
        assert response.content == SVG
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert "sandbox" in response.headers["content-security-policy"]


def test_a_png_photo_serves_jpeg_display_versions(client: Client, world: World) -> None:
    data = encode(quadrants(2000, 1000), "PNG")
    assert upload(client, world.headers["inspector1"], data, media_type="image/png").status_code == 204
    original = client.get(f"/api/blobs/{sha256(data)}", headers=world.headers["inspector1"])
    assert original.headers["content-type"] == "image/png"
    display = client.get(f"/api/blobs/{sha256(data)}?variant=display", headers=world.headers["inspector1"])
    assert Image.open(io.BytesIO(display.content)).size == (1600, 800)
