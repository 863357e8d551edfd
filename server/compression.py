"""Response compression: brotli, else gzip, when the client accepts it, for JSON; never for bytes already packed.

Brotli at quality 4 where the client asks for it (every current browser does), gzip at level 6
for the rest (httpx without brotli, curl, old WebViews). Measured on this machine, per answer:
the 87 kB supermarket checklist 17.8 kB in 2.6 ms with gzip 6, 18.2 kB in 1.8 ms with brotli 4
(quality 5: 15.9 kB but 6.7 ms); a 526 kB pull-like page 4.2 kB in 18 ms with gzip 6, 1.0 kB
in 6 ms with brotli 4. So brotli 4 costs less CPU than gzip 6, which the event loop spends as it
sends, and is as small or smaller. Below :data:`MINIMUM_SIZE` bytes an answer goes as it is.
The app's files are not compressed here: the build precompresses them (brotli 11, gzip 9) and
:mod:`server.routes.app_files` sends the coding asked for, opted out of this middleware.
Packed bytes are sent as they are: a handler opts out with ``opt=UNCOMPRESSED`` (evidence blobs —
JPEG, PNG, WebP, served in byte ranges too —, PDF reports, XLSX workbooks, which are ZIP files,
the app's precompressed files), and so does any path ending in a packed format (:data:`PACKED`). The push's
fast lane (:mod:`server.fast_push`) answers in front of the app, uncompressed; the pull's
(:mod:`server.fast_pull`) compresses with these settings as this middleware would.

An ETag of a JSON answer names the content, not its coding: the schemas' validators stay as
they are, and ``Vary: Accept-Encoding`` keeps caches from mixing the codings.

Litestar's middleware compresses on the event loop, so :class:`CompressionOffTheLoop` sends a whole
answer of :data:`LARGE` bytes or more to the request pool to be compressed (:func:`pack`), and only
the rest through Litestar's own code: a year of a district's daily plans' coverage is 9 MB of JSON,
75 ms of brotli or gzip, which every other request on the server would otherwise wait out. Those
answers go to desks, and at the lowest levels cost a sixth of the CPU for a tenth more bytes (9.2 MB
of coverage: brotli 4 0.82 MB in 61 ms, brotli 1 0.89 MB in 10.5 ms; gzip 6 0.96 MB in 69 ms, gzip 1
1.12 MB in 34 ms), so they are packed at brotli 1 and gzip 1; the pull's fast lane, the phones' big
answers, keeps brotli 4 and gzip 6.
"""

from __future__ import annotations

import gzip
from typing import Any

import brotli
from litestar.config.compression import CompressionConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import CompressionEncoding
from litestar.middleware.compression import CompressionMiddleware
from litestar.types import HTTPResponseStartEvent, Message, Scope, Send
from litestar.utils.empty import value_or_default
from litestar.utils.scope.state import ScopeState

from server.workers import run

MINIMUM_SIZE = 1024
OPT_OUT = "uncompressed"
UNCOMPRESSED: dict[str, Any] = {OPT_OUT: True}
PACKED = r"\.(png|jpe?g|webp|gif|heic|heif|avif|pdf|xlsx|zip|gz|br|woff2?)$"

BROTLI_QUALITY = 4
GZIP_LEVEL = 6
LARGE = 64 * 1024  # a whole answer this big is compressed in the request pool (about 0.5 ms of brotli 4)
LARGE_BROTLI_QUALITY = 1
LARGE_GZIP_LEVEL = 1


def pack(body: bytes, coding: str, *, large: bool = False) -> bytes:
    """``body`` in ``coding`` (``br`` or ``gzip``) at the app's settings (a :data:`LARGE` answer's with ``large``)."""
    if coding == CompressionEncoding.BROTLI:
        quality = LARGE_BROTLI_QUALITY if large else BROTLI_QUALITY
        packed: bytes = brotli.compress(body, mode=brotli.MODE_TEXT, quality=quality)
        return packed
    return gzip.compress(body, compresslevel=LARGE_GZIP_LEVEL if large else GZIP_LEVEL)


class CompressionOffTheLoop(CompressionMiddleware):
    """Litestar's compression middleware, but a whole answer of :data:`LARGE` bytes or more is compressed
    in the request pool (see the module). Streamed answers and smaller ones go through Litestar's code.
    """

    def create_compression_send_wrapper(self, send: Send, compression_encoding: Any, scope: Scope) -> Send:
        inner = super().create_compression_send_wrapper(send, compression_encoding, scope)
        state = ScopeState.from_scope(scope)
        start: HTTPResponseStartEvent | None = None
        bodies = 0

        async def wrapper(message: Message) -> None:
            nonlocal start, bodies
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                bodies += 1
                body = message["body"]
                whole = bodies == 1 and not message.get("more_body", False)
                cached = value_or_default(state.is_cached, False)
                if start is not None and whole and len(body) >= LARGE and not cached:
                    packed = await run(pack, body, compression_encoding, large=True)
                    headers = MutableScopeHeaders(start)
                    headers["Content-Encoding"] = compression_encoding
                    headers["Content-Length"] = str(len(packed))
                    headers.extend_header_value("vary", "Accept-Encoding")
                    state.response_compressed = True
                    await send(start)
                    await send({"type": "http.response.body", "body": packed, "more_body": False})
                    return
            await inner(message)

        return wrapper


COMPRESSION = CompressionConfig(
    backend="brotli",
    brotli_quality=BROTLI_QUALITY,
    brotli_mode="text",
    brotli_gzip_fallback=True,
    gzip_compress_level=GZIP_LEVEL,
    minimum_size=MINIMUM_SIZE,
    exclude=PACKED,
    exclude_opt_key=OPT_OUT,
    middleware_class=CompressionOffTheLoop,
)
