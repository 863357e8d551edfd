"""The push's fast lane: ``POST /api/sync/push`` answered straight from ASGI when all is well.

uvicorn → :class:`FastPush` → Litestar. A push that is signed in, fits the size limit,
decodes and applies is answered here, with the same body the route would give, without the
framework's per-request machinery (a tenth to a third of a push's time, measured). Any
other push — no or a bad token (checked before the body is read), a body too large or
malformed, a body that is not ``application/json`` (the route answers 415), a batch refused
as a whole — goes to the ordinary route in ``server/routes/sync.py``
(with the body read so far replayed) and gets that route's problem response. A batch
refused as a whole changed nothing (its transaction rolled back), so running it again there
is safe and gives the same answer. Everything else passes through.

The token check and the push itself run in the request pool (:func:`server.workers.run`),
never on the event loop: only reading the body and sending the answer happen there.
``GET /api/sync/pull`` is handed to the pull's lane, :mod:`server.fast_pull`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, cast

from litestar import Litestar

from server.bearer import bearer_token
from server.fast_pull import HEADERS as PULL_HEADERS
from server.fast_pull import PULL_PATH, compressed, pull_answer, pull_query
from server.http_policy import api_headers, is_json_type
from server.nesting import too_deep
from server.routes.sync import PUSH_MAX_BYTES, push_answer
from server.workers import run
from sync.engine.ops import push_decoder
from sync.org import accounts
from sync.org.accounts import User
from sync.push import apply_push

PUSH_PATH = "/api/sync/push"
_HEADERS = [(b"content-type", b"application/json"), *api_headers(authenticated=True)]

# plain ASGI types: this layer sees every scope uvicorn sends (lifespan too), not only Litestar's
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class FastPush:
    """An ASGI app: the fast lane for pushes in front of the Litestar app (see the module)."""

    def __init__(self, app: Litestar) -> None:
        self.app = app
        self.answered = 0  # pushes answered here rather than by the route (read by tests)
        self.pulls_answered = 0  # pulls answered by server.fast_pull

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == PULL_PATH:
            await self._pull(scope, receive, send)
            return
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or scope["path"] != PUSH_PATH
            or not is_json_type(_header(scope, b"content-type"))  # the route answers 415
        ):
            await self.app(cast(Any, scope), cast(Any, receive), cast(Any, send))
            return
        caller = await run(self._caller, scope)
        if caller is None:  # no or a bad token: the route says so before reading the body
            await self.app(cast(Any, scope), cast(Any, receive), cast(Any, send))
            return
        chunks: list[bytes] = []
        size, more = 0, True
        while more and size <= PUSH_MAX_BYTES:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            chunks.append(chunk)
            size += len(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        answer = None if more or size > PUSH_MAX_BYTES else await run(self._push, caller, body)
        if answer is None:
            await self.app(cast(Any, scope), cast(Any, _replay(body, more, receive)), cast(Any, send))
            return
        self.answered += 1
        headers = [*_HEADERS, (b"content-length", str(len(answer)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})

    async def _pull(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A pull, answered by :mod:`server.fast_pull` when all is well, else by the route."""
        query = pull_query(scope.get("query_string", b""))
        answer = None if query is None else await run(self._pulled, scope, query)
        if answer is None:
            await self.app(cast(Any, scope), cast(Any, receive), cast(Any, send))
            return
        body, coding = answer
        self.pulls_answered += 1
        headers = [*PULL_HEADERS, *coding, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _pulled(self, scope: Scope, query: tuple[int, int, str]) -> tuple[bytes, list[tuple[bytes, bytes]]] | None:
        """The pull's body as sent and its coding headers (in the request pool); ``None`` for the route."""
        body = pull_answer(self.app.state, lambda: self._caller(scope), query)
        return None if body is None else compressed(body, _header(scope, b"accept-encoding"))

    def _caller(self, scope: Scope) -> tuple[User, str] | None:
        """The user and device behind the request's bearer token; ``None`` for the route to refuse it."""
        token = bearer_token(_authorization(scope))
        if token is None:
            return None
        try:
            return accounts.authenticate(self.app.state.store, token, self.app.state.settings.tokens)
        except Exception:  # unknown, revoked, or a fault: the route answers (and logs a fault)
            return None

    def _push(self, caller: tuple[User, str], body: bytes) -> bytes | None:
        """The route's answer to a push that goes well; ``None`` for the route to answer it."""
        (user, device_id), state = caller, self.app.state
        if too_deep(body):  # the route refuses it (too-deeply-nested) without decoding it
            return None
        try:
            batch = push_decoder.decode(body)
            result = apply_push(state.store, state.catalog, user, device_id, batch)
        except Exception:  # refused, malformed, or a fault: rolled back; the route answers (and logs a fault)
            return None
        return push_answer(result)


def _authorization(scope: Scope) -> bytes | None:
    """The first ``Authorization`` header of the request, as sent."""
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    return next((value for name, value in headers if name == b"authorization"), None)


def _header(scope: Scope, name: bytes) -> str:
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    return next((value.decode("latin-1") for key, value in headers if key == name), "")


def _replay(body: bytes, more: bool, receive: Receive) -> Receive:
    """``receive`` for the route: the body read so far as one message, then the rest of the stream."""
    sent = False

    async def replay() -> MutableMapping[str, Any]:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": more}

    return replay
