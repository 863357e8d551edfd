"""The inspector's app under ``/app/``: the built PWA (``pwa/dist``) as static files.

Hashed assets (``/app/assets/*``) are immutable; everything else (``index.html``, ``sw.js``,
the manifest, icons) is revalidated on every load, so a new build reaches devices through the
service worker's update check. ``/`` and ``/app`` redirect to ``/app/``, which the service
worker's scope and the app's relative URLs need. The app's HTML pages carry a
Content-Security-Policy: everything from this origin only (the signature pad and photo thumbnails
also use ``blob:``/``data:`` images), no plugins, no framing. Without a build the server still
starts and ``/app/`` says how to build it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Request, Response, Router, get
from litestar.datastructures import CacheControlHeader
from litestar.handlers import HTTPRouteHandler
from litestar.response import Redirect
from litestar.response.base import ASGIResponse
from litestar.static_files import create_static_files_router
from litestar.types import ASGIApp

PWA_DIST = Path(__file__).resolve().parents[2] / "pwa" / "dist"
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' blob: data:",
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


async def _add_slash(request: Request[Any, Any, Any]) -> Response[Any] | None:
    bare = request.scope.get("raw_path", b"") == b"/app"  # the routed path has lost any trailing slash
    return Redirect("/app/", status_code=301) if bare else None


async def _add_csp(response: ASGIApp) -> ASGIApp:
    """The app's HTML pages get the Content-Security-Policy (assets and the worker need none)."""
    if isinstance(response, ASGIResponse) and response.headers.get("content-type", "").startswith("text/html"):
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response


def app_routes(dist: Path | None = None) -> list[HTTPRouteHandler | Router]:
    """Routes serving the built app from ``dist`` (default ``pwa/dist``), or a 503 page without a build."""
    dist = PWA_DIST if dist is None else dist
    if not (dist / "index.html").is_file():
        return [open_app, app_not_built]
    assets = create_static_files_router(
        path="/app/assets",
        directories=[dist / "assets"],
        name="app-assets",
        cache_control=CacheControlHeader(public=True, max_age=31536000, immutable=True),
    )
    shell = create_static_files_router(
        path="/app",
        directories=[dist],
        html_mode=True,
        name="app",
        cache_control=CacheControlHeader(no_cache=True),
        before_request=_add_slash,
        after_request=_add_csp,
    )
    return [open_app, assets, shell]
