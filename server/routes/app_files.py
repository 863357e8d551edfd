"""The inspector's app under ``/app/``: the built PWA (``pwa/dist``) as static files.

Hashed assets (``/app/assets/*``) are immutable; everything else (``index.html``, ``sw.js``,
the manifest, icons) is revalidated on every load, so a new build reaches devices through the
service worker's update check. ``/`` and ``/app`` redirect to ``/app/``, which the service
worker's scope and the app's relative URLs need. The app's HTML pages carry a
Content-Security-Policy: everything from this origin only (the signature pad and photo thumbnails
also use ``blob:``/``data:`` images), no plugins, no framing. Without a build the server still
starts and ``/app/`` says how to build it.

The build precompresses every text file beside itself (``name.br``, ``name.gz``): a request is
answered with the coding it accepts (brotli first, then gzip, by ``Accept-Encoding`` and its
q-values), ``Content-Encoding`` and ``Vary: Accept-Encoding`` set, nothing compressed while
answering (the compression middleware is off for these routes). Each coding is its own
representation: its own strong ETag, from its bytes' hash, so every server of a deployment gives
the same one (``If-None-Match`` → 304), and its own bytes for a ``Range`` (``If-Range``
honoured), as RFC 9110 has it.
"""

from __future__ import annotations

import hashlib
from email.utils import formatdate
from functools import lru_cache
from pathlib import Path
from typing import Any

from litestar import HttpMethod, Request, Response, Router, get, route
from litestar.datastructures import Headers
from litestar.exceptions import NotFoundException
from litestar.handlers import HTTPRouteHandler
from litestar.response import Redirect

from server import workers
from server.compression import UNCOMPRESSED
from server.routes.blobs import parse_range

PWA_DIST = Path(__file__).resolve().parents[2] / "pwa" / "dist"
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' blob: data:",
        "media-src 'self' blob:",  # voice memos play from the bytes kept on the phone or fetched with the token
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
NOT_BUILT = (
    "巡检 app not built yet. Run ./dev serve (or: cd pwa && npm ci && npm run build), then reload.\n"
    "应用尚未构建：请运行 ./dev serve 后刷新。\n"
)


@get("/", include_in_schema=False)
async def open_app() -> Redirect:
    """The root opens the app."""
    return Redirect("/app/", status_code=302)


@get(["/app", "/app/{path:path}"], include_in_schema=False)
async def app_not_built() -> Response[str]:
    """The app is not built: say how to build it."""
    return Response(NOT_BUILT, status_code=503, media_type="text/plain", headers={"Cache-Control": "no-store"})


CODINGS = (("br", ".br"), ("gzip", ".gz"))
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
IMMUTABLE = "public, max-age=31536000, immutable"


def accepted_codings(header: str | None) -> set[str]:
    """The codings an ``Accept-Encoding`` header allows (q > 0; ``*`` allows every one not named)."""
    allowed: set[str] = set()
    refused: set[str] = set()
    for part in (header or "").split(","):
        name, *params = (p.strip() for p in part.split(";"))
        weight = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        (allowed if weight > 0 else refused).add(name.lower())
    if "*" in allowed:
        allowed |= {coding for coding, _ in CODINGS} - refused
    return allowed


def pick_file(path: Path, accept_encoding: str | None) -> tuple[Path, str | None]:
    """The file to send for ``path``: its brotli or gzip sibling when accepted and built, else itself."""
    accepted = accepted_codings(accept_encoding)
    for coding, suffix in CODINGS:
        coded = path.with_name(path.name + suffix)
        if coding in accepted and coded.is_file():
            return coded, coding
    return path, None


def _resolve(dist: Path, path: str) -> Path:
    """The file under ``dist`` a URL path names (a folder: its ``index.html``); 404 outside, missing or unnamable."""
    try:
        target = (dist / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if target.is_relative_to(dist) and target.is_file():
            return target
    except (OSError, ValueError):  # a NUL byte, a name too long for the file system
        pass
    raise NotFoundException(f"no app file {path[:200]!r}")


@lru_cache(maxsize=512)
def _digest(path: Path, mtime_ns: int, size: int) -> str:
    """The first 128 bits of a file's SHA-256, per version of the file (its mtime and size name the version)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:32]


def _matches(header: str | None, etag: str) -> bool:
    return header is not None and (etag in {t.strip() for t in header.split(",")} or header.strip() == "*")


def serve_file(dist: Path, path: str, headers: Headers) -> Response[bytes]:
    """One app file in the coding the client accepts, with validators, caching and byte ranges."""
    source = _resolve(dist, path)
    sent, coding = pick_file(source, headers.get("accept-encoding"))
    info = sent.stat()
    etag = f'"{_digest(sent, info.st_mtime_ns, info.st_size)}{"-" + coding if coding else ""}"'
    out = {
        "ETag": etag,
        "Vary": "Accept-Encoding",
        "Cache-Control": IMMUTABLE if source.parent.name == "assets" else "no-cache",
        "Accept-Ranges": "bytes",
        "Last-Modified": formatdate(info.st_mtime, usegmt=True),
    }
    if coding:
        out["Content-Encoding"] = coding
    media_type = TYPES.get(source.suffix, "application/octet-stream")
    if media_type.startswith("text/html"):
        out["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    if _matches(headers.get("if-none-match"), etag):
        return Response(b"", status_code=304, headers=out, media_type=media_type)
    data = sent.read_bytes()
    if_range = headers.get("if-range")
    wanted = parse_range(headers.get("range"), len(data)) if if_range in (None, etag) else None
    if wanted is None:
        return Response(data, headers=out, media_type=media_type)
    start, end = wanted
    out["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
    return Response(data[start : end + 1], status_code=206, headers=out, media_type=media_type)


def app_routes(dist: Path | None = None) -> list[HTTPRouteHandler | Router]:
    """Routes serving the built app from ``dist`` (default ``pwa/dist``), or a 503 page without a build."""
    dist = (PWA_DIST if dist is None else dist).resolve()
    if not (dist / "index.html").is_file():
        return [open_app, app_not_built]

    @route(
        ["/app", "/app/{path:path}"],
        http_method=[HttpMethod.GET, HttpMethod.HEAD],
        include_in_schema=False,
        opt=UNCOMPRESSED,
    )
    async def app_file(request: Request[Any, Any, Any]) -> Response[Any]:
        """A file of the built app (read in a worker thread)."""
        if request.scope.get("raw_path", b"") == b"/app":  # the routed path has lost any trailing slash
            return Redirect("/app/", status_code=301)
        return await workers.run(serve_file, dist, str(request.path_params.get("path", "/")), request.headers)

    return [open_app, app_file]
