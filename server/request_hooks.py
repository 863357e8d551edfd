"""What runs before every handler (:func:`before_request`): OPTIONS answered whole, JSON bodies decoded strictly.

``OPTIONS`` on any API path answers 204 with ``Allow`` naming every method the path answers.
Litestar gives each route an automatic OPTIONS handler, but when a path's handlers are
registered one by one (a router's ``GET /`` and ``POST /``) the handler made for the first
keeps that first handler's methods only, so ``Allow`` left out the others. This hook answers
automatic OPTIONS requests itself, from the app's routes as built: the methods of the route
that matched. A path's own OPTIONS handler (tus discovery on ``/api/uploads``) is left alone
and puts the same :func:`allow` in its answer.

A handler's JSON body (its ``data``) is converted by Litestar leniently, as query strings must
be: ``{"active": 0}`` was read as ``false`` and ``"1"`` as ``true``, against the document's
``boolean``. :func:`strict_body` converts the body strictly first, so a value of the wrong JSON
type is a 400 ``invalid-body`` with its pointer, as the document says. Query parameters must be
converted from text, but two leniencies go against the document: a parameter given twice where
one value is expected (Litestar took one), and a day or time read from anything but its ISO text
(``to=0.5`` was a time in 1970, ``since=null`` no filter). :func:`strict_query` refuses both.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec
from litestar import Litestar, Request, Response
from litestar.exceptions import SerializationException, ValidationException
from litestar.params import ParameterKwarg
from litestar.routes import HTTPRoute
from litestar.typing import FieldDefinition

RESERVED = frozenset({"request", "state", "headers", "query", "cookies", "scope", "data", "body", "socket"})


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


async def before_request(request: Request[Any, Any, Any]) -> Response[None] | None:
    """The app's before_request: an automatic OPTIONS answers here; a JSON body is checked strictly."""
    if request.method == "OPTIONS" and not request.route_handler.resolve_include_in_schema():
        return Response(None, status_code=204, headers={"Allow": allow(request)})
    strict_query(request)
    await strict_body(request)
    return None


async def strict_body(request: Request[Any, Any, Any]) -> None:
    """A handler's ``data`` converted with strict JSON types; a 400 invalid-body when a value has the wrong type."""
    data = request.route_handler.parsed_fn_signature.parameters.get("data")
    if data is None or not request.headers.get("content-type", "").startswith("application/json"):
        return
    try:
        value = await request.json()  # the app's request class checks the nesting first
    except (msgspec.DecodeError, SerializationException):
        return  # not JSON at all: Litestar's own decoding answers that (400)
    try:
        msgspec.convert(value, data.annotation, strict=True)
    except msgspec.ValidationError as exc:
        raise ValidationException(detail=str(exc), extra=[{"message": str(exc), "key": "body"}]) from None


def strict_query(request: Request[Any, Any, Any]) -> None:
    """A query parameter given twice where one is expected, or a day or time not in ISO text: 400 invalid-body."""
    handler = request.route_handler
    dependencies = handler.resolve_dependencies()
    for name, field in handler.parsed_fn_signature.parameters.items():
        if name in RESERVED or name in dependencies or name in request.path_params:
            continue
        kwarg = field.kwarg_definition
        if kwarg is not None and (not isinstance(kwarg, ParameterKwarg) or kwarg.header or kwarg.cookie):
            continue
        key = (kwarg.query or kwarg.name if kwarg is not None else None) or name
        values = request.query_params.getall(key, [])
        if len(values) > 1 and not field.is_non_string_collection:
            _refuse(key, f"{key} is given {len(values)} times; it takes one value")
        if values and _temporal(field):
            try:
                msgspec.convert(values[0], field.annotation, strict=True)
            except msgspec.ValidationError:
                _refuse(key, f"{key} must be an ISO 8601 {'time' if _is_datetime(field) else 'date'}")


def _temporal(field: FieldDefinition) -> bool:
    types = field.inner_types if field.is_optional else (field,)
    return any(t.annotation in (date, datetime) for t in types)


def _is_datetime(field: FieldDefinition) -> bool:
    types = field.inner_types if field.is_optional else (field,)
    return any(t.annotation is datetime for t in types)


def _refuse(key: str, message: str) -> None:
    raise ValidationException(detail=message, extra=[{"message": message, "key": key}])
