"""The app is served under /app/ with caching the service worker can rely on."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from litestar import Litestar
from litestar.testing import TestClient

from server.routes.app_files import app_routes
from tests.clients import Client


def test_the_root_opens_the_app(client: Client, pwa_dist: Path) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "/app/"
    bare = client.get("/app", follow_redirects=False)
    assert bare.status_code == 301
    assert bare.headers["location"] == "/app/"


def test_the_shell_and_service_worker_are_revalidated_and_hashed_assets_are_immutable(
    client: Client, pwa_dist: Path
) -> None:
    build = json.loads((pwa_dist / "build.json").read_text(encoding="utf-8"))
    index = client.get("/app/")
    assert index.status_code == 200
    assert index.headers["content-type"].startswith("text/html")
    assert index.headers["cache-control"] == "no-cache"
    assert build["js"] in index.text
    worker = client.get("/app/sw.js")
    assert worker.headers["cache-control"] == "no-cache"
    assert worker.headers["content-type"].startswith("text/javascript")
    assert build["version"] in worker.text
    script = client.get(f"/app/{build['js']}")
    assert script.status_code == 200
    assert "immutable" in script.headers["cache-control"]
    manifest = client.get("/app/manifest.webmanifest").json()
    assert manifest["start_url"] == "./"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert client.get(f"/app/{icon['src']}").status_code == 200
    assert client.get("/app/assets/nothing-here.js").status_code == 404


def test_the_app_pages_carry_a_content_security_policy(client: Client, pwa_dist: Path) -> None:
    build = json.loads((pwa_dist / "build.json").read_text(encoding="utf-8"))
    for path in ["/app/", "/app/index.html"]:
        page = client.get(path)
        assert page.status_code == 200
        policy = dict(
            directive.strip().split(" ", 1) for directive in page.headers["content-security-policy"].split(";")
        )
        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self'"  # no inline or eval'd script
        assert policy["style-src"] == "'self'"
        assert policy["img-src"] == "'self' blob: data:"  # thumbnails and the signature pad
        assert policy["media-src"] == "'self' blob:"  # voice memos, played from the bytes the app holds
        assert policy["connect-src"] == "'self'"
        assert policy["worker-src"] == "'self'"
        assert policy["object-src"] == "'none'"
        assert policy["base-uri"] == "'self'"
        assert policy["frame-ancestors"] == "'none'"
    assert "content-security-policy" not in client.get(f"/app/{build['js']}").headers
    assert client.get("/api/health").headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_without_a_build_the_server_starts_and_says_how_to_build(tmp_path: Path) -> None:
    with TestClient(Litestar(app_routes(tmp_path / "no-dist"))) as bare:
        response = bare.get("/app/")
        assert response.status_code == 503
        assert "npm run build" in response.text
        assert bare.get("/", follow_redirects=False).headers["location"] == "/app/"


def test_the_app_files_are_gzipped_for_a_browser_that_accepts_it(client: Client, pwa_dist: Path) -> None:
    build = json.loads((pwa_dist / "build.json").read_text(encoding="utf-8"))
    for name in [build["js"], build["css"], "sw.js"]:
        with client.stream("GET", f"/app/{name}", headers={"Accept-Encoding": "gzip"}) as response:
            sent = b"".join(response.iter_raw())
        assert response.status_code == 200, name
        assert response.headers["content-encoding"] == "gzip", name
        assert "accept-encoding" in response.headers["vary"].lower(), name
        assert response.headers["etag"], name  # the validator stays
        assert gzip.decompress(sent) == (pwa_dist / name).read_bytes(), name
        assert len(sent) < (pwa_dist / name).stat().st_size, name
    manifest = client.get("/app/manifest.webmanifest").json()
    for icon in manifest["icons"]:
        if icon["src"].endswith(".png"):
            png = client.get(f"/app/{icon['src']}", headers={"Accept-Encoding": "gzip"})
            assert png.status_code == 200 and "content-encoding" not in png.headers, icon["src"]
