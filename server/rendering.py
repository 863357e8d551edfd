"""JSON answers that grow with the organisation are encoded in the request pool, not on the event loop.

Litestar runs a synchronous handler in the request pool but encodes what it returns afterwards, on
the event loop: a year of a district's daily plans' coverage is 9 MB of JSON, about 10 ms of msgspec
during which every other request waits. A handler whose answer is an unpaged list of the caller's
scope (coverage, plans, sites, users, conflicts, an inspection's audit log) names
:func:`render_in_pool` as its ``after_request`` hook: the hook encodes the answer in the request pool
with the serializer Litestar would have used, and Litestar sends the bytes as they are. Its OpenAPI
schema stays the one of its return type. The hop costs about as much as encoding a few kilobytes,
so small answers of the other handlers are still encoded where Litestar encodes them.
"""

from __future__ import annotations

from typing import Any

from litestar import Response
from litestar.serialization import encode_json, get_serializer

from server.workers import run


async def render_in_pool(response: Response[Any]) -> Response[Any]:
    """``after_request`` hook: the answer's JSON, encoded in the request pool (Litestar sends bytes as they are)."""
    if not isinstance(response.content, bytes):
        response.content = await run(encode, response.content, response.response_type_encoders)
    return response


def encode(content: Any, type_encoders: Any) -> bytes:
    """``content`` as Litestar would encode it for the answer, with the handler's type encoders."""
    return encode_json(content, get_serializer(type_encoders))
