"""``OPTIONS`` on any API path: 204 with ``Allow`` naming every method the path answers.

Litestar gives each route an automatic OPTIONS handler, but when a path's handlers are
registered one by one (a router's ``GET /`` and ``POST /``) the handler made for the first
keeps that first handler's methods only, so ``Allow`` left out the others. This hook answers
automatic OPTIONS requests itself, from the app's routes as built: the methods of the route
that matched. A path's own OPTIONS handler (tus discovery on ``/api/uploads``) is left alone
and puts the same :func:`allow` in its answer.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar, Request, Response
from litestar.routes import HTTPRoute


def allowed_methods(app: Litestar) -> dict[str, str]:
    """Each HTTP path template of ``app`` and its ``Allow`` value (every method, sorted)."""
    return {route.path_format: ", ".join(sorted(route.methods)) for route in app.routes if isinstance(route, HTTPRoute)}


def allow(request: Request[Any, Any, Any]) -> str:
    """The ``Allow`` value of the path ``request`` matched: every method of its route."""
    state = request.app.state
    table: dict[str, str] | None = state.get("allowed_methods")
    if table is None:
        table = state.allowed_methods = allowed_methods(request.app)
    return table.get(request.scope.get("path_template", ""), "OPTIONS")


async def answer_options(request: Request[Any, Any, Any]) -> Response[None] | None:
    """before_request: an automatic OPTIONS answers 204 with the path's whole ``Allow``."""
    if request.method != "OPTIONS" or request.route_handler.resolve_include_in_schema():
        return None
    return Response(None, status_code=204, headers={"Allow": allow(request)})
