"""Security headers on every response and JSON-only request bodies, in one place (issue 14).

Responses (a ``before_send`` hook, so routing's own 404 and 405 answers get them too):

- every response: ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer``;
- API and JSON responses: ``Content-Security-Policy: default-src 'none'; frame-ancestors 'none'``
  unless the handler set its own (the app's HTML pages keep theirs, see
  :mod:`server.routes.app_files`; evidence blobs keep their sandboxing one);
- a response to a request with credentials (``Authorization``) gets ``Cache-Control: no-store``
  unless the handler chose its caching (immutable blobs and checklist schemas, revalidated app files).

Requests (:class:`JsonBodies`, middleware): a body sent to the API must be
``application/json`` or ``application/<something>+json``, else a 415 problem. tus chunks
(``PATCH /api/uploads/{id}``) and checklist workbooks (``POST /api/checklists/import``) keep their own
type, checked by their route. The push's fast
lane (:mod:`server.fast_push`) leaves any other body to the route, so the same rule holds there.
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from server.problems import problem

API_PREFIX = "/api/"
API_CSP = "default-src 'none'; frame-ancestors 'none'"
ALWAYS = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
TUS_CHUNKS = ("PATCH", "/api/uploads/")
WORKBOOK_IMPORT = ("POST", "/api/checklists/import")


def is_json_type(content_type: str) -> bool:
    """``application/json`` or ``application/*+json``, parameters (charset) allowed."""
    media = content_type.partition(";")[0].strip().lower()
    kind, _, subtype = media.partition("/")
    return kind == "application" and (subtype == "json" or subtype.endswith("+json"))


def api_headers(*, authenticated: bool) -> list[tuple[bytes, bytes]]:
    """The headers an API JSON answer gets (for answers sent outside the app: the push's fast lane)."""
    headers = {**ALWAYS, "content-security-policy": API_CSP}
    if authenticated:
        headers["cache-control"] = "no-store"
    return [(k.encode(), v.encode()) for k, v in headers.items()]


async def secure_headers(message: Message, scope: Scope) -> None:
    """``before_send``: add the security headers to a response's start (see the module)."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in ALWAYS.items():
        if name not in headers:
            headers[name] = value
    if "content-security-policy" not in headers and (
        scope["path"].startswith(API_PREFIX) or is_json_type(headers.get("content-type", ""))
    ):
        headers["content-security-policy"] = API_CSP
    if "cache-control" not in headers and _has_credentials(scope):
        headers["cache-control"] = "no-store"


class JsonBodies(ASGIMiddleware):
    """Refuse an API request body that is not JSON with a 415 problem, before anything reads it."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Check the declared content type of a request with a body, then pass it on."""
        if _needs_json(scope):
            sent = _header(scope, b"content-type")
            if not is_json_type(sent):
                raise problem(
                    "unsupported-media-type",
                    f"send the body as Content-Type: application/json (got {sent[:100]!r})",
                )
        await next_app(scope, receive, send)


def _needs_json(scope: Scope) -> bool:
    method, path = scope.get("method", ""), scope["path"]
    if method not in BODY_METHODS or not path.startswith(API_PREFIX):
        return False
    if method == TUS_CHUNKS[0] and path.startswith(TUS_CHUNKS[1]):
        return False
    if (method, path.rstrip("/")) == WORKBOOK_IMPORT:
        return False
    length = _header(scope, b"content-length")
    return (length not in ("", "0")) or bool(_header(scope, b"transfer-encoding"))


def _header(scope: Scope, name: bytes) -> str:
    return next((v.decode("latin-1") for k, v in scope["headers"] if k.lower() == name), "")


def _has_credentials(scope: Scope) -> bool:
    return bool(_header(scope, b"authorization"))
