"""The app's files over real HTTP in the coding the browser accepts: precompressed at build time
(brotli first, then gzip), each coding its own representation (ETag, 304, byte ranges)."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from urllib.parse import urljoin

import brotli
import httpx
import pytest

from bench.live import LiveServer

BROWSER = "gzip, deflate, br, zstd"


def get(live: LiveServer, path: str, method: str = "GET", **headers: str) -> httpx.Response:
    """The response with its body as sent on the wire (not decoded)."""
    client = live.client()
    with client.stream(method, path, headers=headers) as response:
        response._content = b"".join(response.iter_raw())
    return response


def shell_files(dist: Path) -> list[str]:
    build = json.loads((dist / "build.json").read_text(encoding="utf-8"))
    return [build["js"], build["css"], "sw.js", "index.html", "manifest.webmanifest", "icons/icon.svg"]


def test_every_text_file_is_precompressed_beside_itself_by_the_build(pwa_dist: Path) -> None:
    for name in shell_files(pwa_dist):
        original = (pwa_dist / name).read_bytes()
        assert brotli.decompress((pwa_dist / f"{name}.br").read_bytes()) == original, name
        assert gzip.decompress((pwa_dist / f"{name}.gz").read_bytes()) == original, name
    assert not list(pwa_dist.rglob("*.png.gz")) and not list(pwa_dist.rglob("*.png.br"))


def test_a_browser_gets_brotli_with_vary_and_its_own_etag(live_server: LiveServer, pwa_dist: Path) -> None:
    for name in shell_files(pwa_dist):
        path = "/app/" if name == "index.html" else f"/app/{name}"
        sent = get(live_server, path, **{"Accept-Encoding": BROWSER})
        assert sent.status_code == 200, name
        assert sent.headers["content-encoding"] == "br", name
        assert sent.headers["vary"] == "Accept-Encoding", name
        assert int(sent.headers["content-length"]) == len(sent.content), name
        assert sent.content == (pwa_dist / f"{name}.br").read_bytes(), name
        assert brotli.decompress(sent.content) == (pwa_dist / name).read_bytes(), name
        plain = get(live_server, path, **{"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers, name
        assert plain.headers["vary"] == "Accept-Encoding", name
        assert plain.content == (pwa_dist / name).read_bytes(), name
        zipped = get(live_server, path, **{"Accept-Encoding": "gzip"})
        assert zipped.headers["content-encoding"] == "gzip", name
        assert gzip.decompress(zipped.content) == plain.content, name
        etags = {sent.headers["etag"], plain.headers["etag"], zipped.headers["etag"]}
        assert len(etags) == 3 and all(e.startswith('"') for e in etags), name  # strong, one per coding
        assert plain.headers["etag"] == f'"{hashlib.sha256(plain.content).hexdigest()[:32]}"', name  # the bytes' own
        assert sent.headers["content-type"] == plain.headers["content-type"], name


@pytest.mark.parametrize(
    ("accept", "coding"),
    [
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=0.5, br;q=0.8", "br"),
        ("*", "br"),
        ("*, br;q=0", "gzip"),
        ("gzip;q=0, br;q=0", None),
        ("identity", None),
        ("deflate", None),
        ("br;q=nonsense, gzip", "gzip"),
    ],
)
def test_the_coding_follows_accept_encoding_and_its_q_values(
    live_server: LiveServer, pwa_dist: Path, accept: str, coding: str | None
) -> None:
    build = json.loads((pwa_dist / "build.json").read_text(encoding="utf-8"))
    sent = get(live_server, f"/app/{build['js']}", **{"Accept-Encoding": accept})
    assert sent.status_code == 200
    assert sent.headers.get("content-encoding") == coding


def test_a_revalidation_is_a_304_for_the_same_coding_only(live_server: LiveServer, pwa_dist: Path) -> None:
    first = get(live_server, "/app/sw.js", **{"Accept-Encoding": BROWSER})
    etag = first.headers["etag"]
    again = get(live_server, "/app/sw.js", **{"Accept-Encoding": BROWSER, "If-None-Match": etag})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    assert again.headers["cache-control"] == "no-cache"
    assert again.headers["vary"] == "Accept-Encoding"
    other = get(live_server, "/app/sw.js", **{"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert other.status_code == 200  # the gzip representation is another one: sent whole
    assert other.headers["content-encoding"] == "gzip"


def test_byte_ranges_address_the_coded_bytes_sent(live_server: LiveServer, pwa_dist: Path) -> None:
    build = json.loads((pwa_dist / "build.json").read_text(encoding="utf-8"))
    name = build["js"]
    coded = (pwa_dist / f"{name}.br").read_bytes()
    part = get(live_server, f"/app/{name}", **{"Accept-Encoding": BROWSER, "Range": "bytes=100-1099"})
    assert part.status_code == 206
    assert part.headers["content-encoding"] == "br"
    assert part.headers["content-range"] == f"bytes 100-1099/{len(coded)}"
    assert part.content == coded[100:1100]
    assert part.headers["accept-ranges"] == "bytes"
    tail = get(live_server, f"/app/{name}", **{"Accept-Encoding": "identity", "Range": "bytes=-10"})
    assert (tail.status_code, tail.content) == (206, (pwa_dist / name).read_bytes()[-10:])
    etag = part.headers["etag"]
    same = get(live_server, f"/app/{name}", **{"Accept-Encoding": BROWSER, "Range": "bytes=0-9", "If-Range": etag})
    assert (same.status_code, same.content) == (206, coded[:10])
    stale = get(live_server, f"/app/{name}", **{"Accept-Encoding": BROWSER, "Range": "bytes=0-9", "If-Range": '"old"'})
    assert (stale.status_code, stale.content) == (200, coded)
    past = get(live_server, f"/app/{name}", **{"Accept-Encoding": BROWSER, "Range": f"bytes={len(coded)}-"})
    assert past.status_code == 416
    assert past.headers["content-type"].startswith("application/problem+json")
    assert past.headers["content-range"] == f"bytes */{len(coded)}"


def test_head_answers_the_headers_of_get_without_a_body(live_server: LiveServer, pwa_dist: Path) -> None:
    head = get(live_server, "/app/", "HEAD", **{"Accept-Encoding": BROWSER})
    full = get(live_server, "/app/", **{"Accept-Encoding": BROWSER})
    assert head.status_code == 200 and head.content == b""
    for header in ["content-encoding", "etag", "vary", "content-security-policy", "content-type"]:
        assert head.headers[header] == full.headers[header], header


def test_packed_icons_go_as_they_are_and_nothing_outside_the_build_is_served(
    live_server: LiveServer, pwa_dist: Path
) -> None:
    icon = get(live_server, "/app/icons/icon-192.png", **{"Accept-Encoding": BROWSER})
    assert icon.status_code == 200
    assert "content-encoding" not in icon.headers
    assert icon.headers["content-type"] == "image/png"
    assert icon.content == (pwa_dist / "icons/icon-192.png").read_bytes()
    outside = ["/app/%2e%2e/%2e%2e/pyproject.toml", "/app/..%2f..%2fpyproject.toml", "/app/nothing-here.js"]
    unnamable = ["/app/%00", f"/app/{'x' * 5000}.js", "/app/a%00b/index.html"]
    for path in [*outside, *unnamable]:
        assert get(live_server, path).status_code == 404, path
    missing = get(live_server, "/app/assets/nothing-here.js")
    assert missing.headers["content-type"].startswith("application/problem+json")


def test_the_manifest_id_resolves_to_the_app(live_server: LiveServer) -> None:
    manifest_url = f"{live_server.url}/app/manifest.webmanifest"
    manifest = live_server.client().get("/app/manifest.webmanifest").json()  # decoded by httpx
    start_url = urljoin(manifest_url, manifest["start_url"])
    # the Web App Manifest spec: id is parsed with start_url's origin as its base URL
    origin = start_url[: start_url.index("/", len("http://"))]
    assert urljoin(origin + "/", manifest["id"]) == f"{live_server.url}/app/"
    assert start_url == f"{live_server.url}/app/"
    assert urljoin(manifest_url, manifest["scope"]) == f"{live_server.url}/app/"
