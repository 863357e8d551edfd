"""The app factory: ``create_app(settings)`` wires routes, dependencies, problems and start-up; no I/O of its own."""

from __future__ import annotations

from litestar import Litestar
from litestar.openapi import OpenAPIConfig

from server.compression import COMPRESSION
from server.dependencies import DEPENDENCIES
from server.http_policy import JsonBodies, secure_headers
from server.nesting import CheckedRequest
from server.openapi import CompletedJson
from server.problems import fallback_handlers, problem_plugin
from server.request_hooks import before_request
from server.retention import start_retention, stop_retention
from server.routes import ROUTES
from server.routes.app_files import app_routes
from server.settings import Settings
from server.startup import open_runtime, start_delivery, start_sweep, stop_delivery, stop_sweep
from server.workers import configure


def create_app(settings: Settings) -> Litestar:
    """Build the app: open the store, load and check every checklist, seed demo data if asked.

    A malformed template raises :class:`schemas.catalog.TemplateError` here, so the
    server does not start with it (see :mod:`server.startup` for why start-up runs here).
    """
    workers = configure(settings)
    runtime = open_runtime(settings)
    state = runtime.state()
    state.workers = workers
    return Litestar(
        route_handlers=[*ROUTES, *app_routes(settings.pwa_dist)],
        dependencies=DEPENDENCIES,
        state=state,
        compression_config=COMPRESSION,
        plugins=[problem_plugin()],
        middleware=[JsonBodies()],
        before_send=[secure_headers],
        exception_handlers=fallback_handlers(),
        request_max_body_size=settings.max_body_bytes,
        request_class=CheckedRequest,
        openapi_config=OpenAPIConfig(
            title="Xunjian 巡检 API", version="0.1.0", path="/schema", render_plugins=[CompletedJson()]
        ),
        before_request=before_request,
        on_startup=[start_delivery, start_retention, start_sweep],
        on_shutdown=[stop_sweep, stop_delivery, stop_retention, runtime.close],
    )
