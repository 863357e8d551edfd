"""The OpenAPI document completed from facts, so that it tells the truth (issue 14 item 9).

Litestar documents each handler's success response and its own validation error. What else an
operation can answer follows from facts about its handler, read here once per app when the
document is first served (:class:`CompletedJson`):

- it asks for the ``caller`` → it needs a bearer token: ``security``, 401; and outside
  ``/api/auth`` (the caller's own account) the role and scope guards: 403;
- it has path parameters → 404 (unknown, or out of the caller's scope);
- it has parameters or a body → 400 (``invalid-body``); a body → 413 (too large),
  415 (not JSON where JSON is asked) and 422 (decodes but breaks a rule); a cursor, a day,
  a month or a quarter → 422 (not issued by the server, out of range);
- it writes (any method but GET, HEAD, OPTIONS) → 507 (storage full);
- every other answer an operation can give (409, 412, 416, 429, …) is in :data:`EXTRA`,
  one line per operation, since only the handler's code knows it.

Every problem response is ``application/problem+json`` of the shared ``Problem`` schema
(``server/problems.py`` makes them). Parameters whose text has a shape (a month, a quarter, a
day) get their pattern or format by name; headers that the tus routes require are documented
as required; bodies the handlers read themselves are documented here.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import msgspec.inspect
from litestar import Litestar, Request
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.routes import HTTPRoute

from server.problems import PROBLEM_TYPES

PROBLEM_TYPE = "application/problem+json"

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details; see docs/problems.md for every type",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "description": "urn:xunjian:problem:<slug>"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "one entry per broken field: a JSON Pointer into the request and what is wrong",
            "items": {"type": "object", "properties": {"pointer": {"type": "string"}, "detail": {"type": "string"}}},
        },
        "retry_after": {"type": "integer", "description": "too-many-attempts: seconds to wait"},
        "offset": {"type": "integer", "description": "offset-mismatch: where to resume the upload"},
    },
    "additionalProperties": True,
}

BEARER = {"type": "http", "scheme": "bearer", "description": "a token from POST /api/auth/login"}

# What only a handler's code knows: the further statuses an operation can answer, by "METHOD path".
EXTRA: dict[str, tuple[int, ...]] = {
    "POST /api/auth/login": (401, 429),
    "GET /api/checklists/{checklist_id}/versions/{version}/schema": (304,),
    "GET /api/checklists/vocabulary": (304,),
    "POST /api/checklists": (409,),
    "POST /api/checklists/import": (201, 413, 415, 422),
    "POST /api/districts": (409,),
    "POST /api/sites": (409,),
    "POST /api/users": (409,),
    "POST /api/sync/push": (409,),
    "POST /api/inspections/{inspection_id}/review": (409,),
    "POST /api/conflicts/{conflict_id}/resolve": (409,),
    "GET /api/blobs/{sha256}": (206, 304, 416),
    "POST /api/uploads": (200, 412, 413, 415, 422),
    "HEAD /api/uploads/{upload_id}": (412,),
    "PATCH /api/uploads/{upload_id}": (200, 409, 412, 413, 415, 422, 460),
    "DELETE /api/uploads/{upload_id}": (412,),
    "POST /api/findings/{finding_id}/action": (409,),
    "POST /api/findings/{finding_id}/report-fix": (409,),
    "POST /api/findings/{finding_id}/verify": (409,),
    "POST /api/findings/{finding_id}/close": (409,),
    "POST /api/findings/{finding_id}/reopen": (409,),
    "GET /api/inspections/{inspection_id}/report.pdf": (503,),
    # an export checks its district before the file starts: one that names nothing is a 404 problem
    "GET /api/exports/inspections.csv": (404,),
    "GET /api/exports/inspections.xlsx": (404,),
    "GET /api/exports/answers.csv": (404,),
    "GET /api/exports/answers.xlsx": (404,),
    # labels of a district with no site in the caller's scope: a 404 problem, as the exports
    "GET /api/sites/labels.pdf": (404,),
}

# Successes with no body: the status and a description (Litestar documents them as JSON).
NO_CONTENT_STATUSES = ("204", "304")

# Query parameters whose text has a shape, by name.
SHAPES: dict[str, dict[str, Any]] = {
    "month": {"type": "string", "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])$"},
    "quarter": {"type": "string", "pattern": r"^[0-9]{4}-Q[1-4]$"},
    "first": {"type": "string", "format": "date"},
    "last": {"type": "string", "format": "date"},
    "since": {"type": "string", "format": "date"},
    "from": {"type": "string", "format": "date"},  # the audit trail's are times: its date-time wins
    "to": {"type": "string", "format": "date"},
    "until": {"type": "string", "format": "date"},
    "cursor": {
        "type": "string",
        "description": "opaque: the cursor of the previous page's Link header; any other text is a 422",
    },
}

# Parameters that name a day, a month or a quarter: out of range (or no such day) they are 422.
DAYS = frozenset({"month", "quarter", "first", "last", "since", "until", "from", "to"})

TUS_RESUMABLE = {
    "name": "Tus-Resumable",
    "in": "header",
    "required": True,
    "schema": {"type": "string", "const": "1.0.0"},
}
UPLOAD_HEADERS: dict[str, list[dict[str, Any]]] = {
    "POST /api/uploads": [
        TUS_RESUMABLE,
        {"name": "Upload-Length", "in": "header", "required": True, "schema": {"type": "integer", "minimum": 0}},
        {"name": "Upload-Metadata", "in": "header", "required": False, "schema": {"type": "string"}},
    ],
    "HEAD /api/uploads/{upload_id}": [TUS_RESUMABLE],
    "DELETE /api/uploads/{upload_id}": [TUS_RESUMABLE],
    "PATCH /api/uploads/{upload_id}": [
        TUS_RESUMABLE,
        {"name": "Upload-Offset", "in": "header", "required": True, "schema": {"type": "integer", "minimum": 0}},
        {"name": "Upload-Checksum", "in": "header", "required": False, "schema": {"type": "string"}},
    ],
}

# Bodies the handlers read themselves (Litestar cannot see them).
BODIES: dict[str, dict[str, Any]] = {
    "POST /api/checklists": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object", "description": "a checklist template"}}},
    },
    # any JSON: whatever its shape, the answer is 200 with the errors found in it
    "POST /api/checklists/validate": {
        "required": True,
        "content": {"application/json": {"schema": {"description": "a checklist template being written"}}},
    },
    "POST /api/checklists/import": {
        "required": True,
        "content": {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "format": "binary"}
            }
        },
    },
    "POST /api/sync/push": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object", "description": "a batch of ops"}}},
    },
    "PATCH /api/uploads/{upload_id}": {
        "required": True,
        "content": {"application/offset+octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    },
}

CSV = {"text/csv": {"schema": {"type": "string", "description": "UTF-8 with a BOM, formula-neutralised"}}}
XLSX = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}
    }
}

# Successes whose body Litestar cannot see (streamed files) or documents wrongly (a JSON Schema is an object).
BODY_SCHEMAS: dict[str, dict[str, Any]] = {
    "GET /api/checklists/{checklist_id}/versions/{version}/schema": {
        "application/schema+json": {"schema": {"type": "object", "description": "JSON Schema 2020-12"}}
    },
    "GET /api/checklists/vocabulary": {
        "application/schema+json": {"schema": {"type": "object", "description": "the meta-schema of the x- keywords"}}
    },
    "GET /api/exports/inspections.csv": CSV,
    "GET /api/exports/answers.csv": CSV,
    "GET /api/admin/audit.csv": CSV,
    "GET /api/exports/inspections.xlsx": XLSX,
    "GET /api/checklists/{checklist_id}/versions/{version}/template.xlsx": XLSX,
    "GET /api/exports/answers.xlsx": XLSX,
}


class CompletedJson(JsonRenderPlugin):
    """``/schema/openapi.json`` (and ``/schema``): Litestar's document, completed once per app."""

    def __init__(self) -> None:
        super().__init__(path=["/openapi.json", "/"])
        self._completed: dict[str, Any] | None = None

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        if self._completed is None:
            self._completed = complete(openapi_schema, request.app)
        return self.render_json(request, self._completed)


def complete(document: dict[str, Any], app: Litestar) -> dict[str, Any]:
    """A copy of ``document`` with every operation's problems, security, headers and shapes."""
    completed = copy.deepcopy(document)
    components = completed.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    components.setdefault("securitySchemes", {})["bearer"] = BEARER
    for name in _closed_structs(app):
        if name in components["schemas"]:
            components["schemas"][name]["additionalProperties"] = False
    for path, method, handler in _operations(app):
        operation = completed["paths"].get(path, {}).get(method.lower())
        if operation is not None:
            _complete_operation(f"{method} {path}", operation, handler)
    return completed


def _closed_structs(app: Litestar) -> set[str]:
    """Names of the request-body structs (nested ones too) that refuse unknown fields."""
    roots = [
        handler.parsed_fn_signature.parameters["data"].annotation
        for _, _, handler in _operations(app)
        if "data" in handler.parsed_fn_signature.parameters
    ]
    closed: set[str] = set()
    seen: set[int] = set()
    pending: list[msgspec.inspect.Type] = list(msgspec.inspect.multi_type_info(roots))
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, msgspec.inspect.StructType):
            if node.forbid_unknown_fields:
                closed.add(node.cls.__name__)
            pending.extend(field.type for field in node.fields)
        else:
            pending.extend(_inner_types(node))
    return closed


def _inner_types(node: msgspec.inspect.Type) -> list[msgspec.inspect.Type]:
    inner = [getattr(node, name) for name in ("item_type", "key_type", "value_type") if hasattr(node, name)]
    return [*inner, *getattr(node, "types", ())]


def _operations(app: Litestar) -> Iterator[tuple[str, str, HTTPRouteHandler]]:
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if handler.resolve_include_in_schema():
                for method in handler.http_methods:
                    yield route.path_format, method, handler


def _complete_operation(key: str, operation: dict[str, Any], handler: HTTPRouteHandler) -> None:
    _add_parameters(key, operation)
    if key in BODIES:
        operation["requestBody"] = BODIES[key]
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for empty in NO_CONTENT_STATUSES:
        if empty in responses:
            responses[empty].pop("content", None)
    if key in BODY_SCHEMAS:
        responses["200"]["content"] = BODY_SCHEMAS[key]
    authenticated = "caller" in handler.parsed_fn_signature.parameters
    if authenticated:
        operation["security"] = [{"bearer": []}]
    for status in sorted(_problem_statuses(key, operation, authenticated)):
        responses[str(status)] = _problem_response(status)
    for status in EXTRA.get(key, ()):
        if status < 400 and str(status) not in responses:
            responses[str(status)] = {"description": "see docs/api.md"}


def _problem_statuses(key: str, operation: dict[str, Any], authenticated: bool) -> set[int]:
    statuses = {status for status in EXTRA.get(key, ()) if status >= 400}
    parameters = operation.get("parameters", [])
    body = "requestBody" in operation
    if authenticated:
        statuses.add(401)
        if not key.split(" ", 1)[1].startswith("/api/auth/"):
            statuses.add(403)
    if any(p["in"] == "path" for p in parameters):
        statuses.add(404)
    if parameters or body:
        statuses.add(400)
    if any(p["name"] == "cursor" or p["name"] in DAYS for p in parameters):
        statuses.add(422)  # a cursor the server did not issue, a day or month out of range
    if key.split(" ", 1)[0] not in {"GET", "HEAD", "OPTIONS"}:
        statuses.add(507)  # every write path: the disk is full, nothing was kept
    if body:
        statuses.update((413, 422))
        if "application/json" in operation["requestBody"].get("content", {}):
            statuses.add(415)
    return statuses


def _problem_response(status: int) -> dict[str, Any]:
    titles = sorted({title for code, title in PROBLEM_TYPES.values() if code == status})
    response: dict[str, Any] = {
        "description": "; ".join(titles) or "a problem",
        "content": {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if status == 401:
        response["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    if status == 429:
        response["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "required": True}}
    return response


def _given(schema: dict[str, Any]) -> dict[str, Any]:
    """What the handler's type already says of a parameter (an optional one's non-null member); it wins."""
    members = [m for m in schema.get("oneOf", []) if m.get("type") != "null"]
    given = {**schema, **(members[0] if len(members) == 1 else {})}
    return {k: v for k, v in given.items() if k not in {"type", "oneOf"}}


def _add_parameters(key: str, operation: dict[str, Any]) -> None:
    parameters: list[dict[str, Any]] = operation.setdefault("parameters", [])
    for parameter in parameters:
        shape = SHAPES.get(parameter["name"]) if parameter["in"] == "query" else None
        if shape is not None:
            parameter["schema"] = {**shape, **_given(parameter.get("schema", {}))}
    parameters.extend(UPLOAD_HEADERS.get(key, []))
    if not parameters:
        del operation["parameters"]
