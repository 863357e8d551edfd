"""The pull's fast lane: ``GET /api/sync/pull`` answered straight from ASGI when all is well.

A device pulls after every push, and most pulls carry a page of a few small documents: the
framework's per-request machinery (middleware, dependency injection, two thread hops, the
query's conversion) cost more of the server's CPU than the pull itself (measured with the soak,
``docs/benchmarks.md``). :class:`server.fast_push.FastPush` hands a pull here; a pull that is
signed in and whose query the route would take as it is (:func:`pull_query`) is answered with
the route's body and headers, its token checked and the page read in one call in the request
pool (:func:`server.workers.run`), never on the event loop. Any other pull — no or a bad
token, a parameter out of bounds, repeated, unknown or spelled in any other way, a fault —
goes to the route in ``server/routes/sync.py``, which answers it (a pull changes nothing, so
a fault here and the route's try are safe).

Compression follows the app's (:mod:`server.compression`): brotli when the client accepts it,
else gzip, from :data:`server.compression.MINIMUM_SIZE` bytes on, with ``Vary: Accept-Encoding``;
the compressor is made only for an answer that big (the app's middleware makes one for every
answer to a client that accepts a coding).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import msgspec

from server.compression import MINIMUM_SIZE, pack
from server.http_policy import api_headers
from server.params import SEQ_MAX
from server.routes.sync import EPOCH_MAX_LENGTH, PULL_LIMIT_MAX
from sync.org.accounts import User
from sync.pull import pull, window_start

PULL_PATH = "/api/sync/pull"
HEADERS = [(b"content-type", b"application/json"), *api_headers(authenticated=True)]
_NUMBER = re.compile(rb"[0-9]{1,19}")
_EPOCH = re.compile(rb"[A-Za-z0-9_-]{0,%d}" % EPOCH_MAX_LENGTH)
_DEFAULTS = {"checkpoint": 0, "limit": 100, "epoch": ""}
_encoder = msgspec.json.Encoder()


def pull_query(query_string: bytes) -> tuple[int, int, str] | None:
    """``checkpoint``, ``limit`` and ``epoch`` of a query the route takes as it is; ``None`` for the route.

    Only plain digits in bounds and an epoch of letters, digits, ``-`` and ``_`` are read here,
    each parameter at most once and no other: anything else is the route's to convert or refuse.
    """
    given: dict[str, Any] = {}
    for part in query_string.split(b"&") if query_string else []:
        name, equals, value = part.partition(b"=")
        key = name.decode("ascii", "replace")
        if not equals or key not in _DEFAULTS or key in given:
            return None
        if key == "epoch":
            if not _EPOCH.fullmatch(value):
                return None
            given[key] = value.decode("ascii")
        elif _NUMBER.fullmatch(value):
            given[key] = int(value)
        else:
            return None
    checkpoint, limit, epoch = ({**_DEFAULTS, **given}[key] for key in ("checkpoint", "limit", "epoch"))
    if checkpoint > SEQ_MAX or not 1 <= limit <= PULL_LIMIT_MAX:
        return None
    return checkpoint, limit, epoch


def pull_answer(
    app_state: Any, caller: Callable[[], tuple[User, str] | None], query: tuple[int, int, str]
) -> bytes | None:
    """The route's body for this pull (in the request pool); ``None`` for the route to answer it.

    ``caller`` looks up the token (``None``: the route refuses it).
    """
    try:
        found = caller()
        if found is None:
            return None
        checkpoint, limit, epoch = query
        start = window_start(app_state.settings.device_window_days)
        page = pull(app_state.store, app_state.catalog, found[0], checkpoint, limit, start, epoch)
    except Exception:  # a fault: the route answers (and logs it)
        return None
    return _encoder.encode(page)


def compressed(body: bytes, accept_encoding: str) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """``body`` in the coding the app's compression would choose, and the headers saying so."""
    if len(body) < MINIMUM_SIZE:
        return body, []
    for coding in ("br", "gzip"):  # as the app's middleware reads the header
        if coding in accept_encoding:
            return pack(body, coding), [(b"content-encoding", coding.encode()), (b"vary", b"Accept-Encoding")]
    return body, []
