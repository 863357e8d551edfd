"""Response compression: gzip when the client accepts it, for JSON and the app's files; never for bytes already packed.

gzip rather than brotli: every client reads it (browsers, Android WebViews, httpx, curl) and it
needs no extra package. Level 6 gives most of level 9's gain on JSON for a fraction of the CPU,
which the event loop spends as it sends. Below :data:`MINIMUM_SIZE` bytes an answer goes as it is.
Packed bytes are sent as they are: a handler opts out with ``opt=UNCOMPRESSED`` (evidence blobs —
JPEG, PNG, WebP, served in byte ranges too —, PDF reports, XLSX workbooks, which are ZIP files),
and so does any path ending in a packed format (:data:`PACKED`: the app's PNG icons). The push's
fast lane (:mod:`server.fast_push`) answers in front of the app, uncompressed.

An ETag names the content, not its coding: the schemas' and the app files' validators stay as
they are, and ``Vary: Accept-Encoding`` keeps caches from mixing the two codings.
"""

from __future__ import annotations

from typing import Any

from litestar.config.compression import CompressionConfig

MINIMUM_SIZE = 1024
OPT_OUT = "uncompressed"
UNCOMPRESSED: dict[str, Any] = {OPT_OUT: True}
PACKED = r"\.(png|jpe?g|webp|gif|heic|heif|avif|pdf|xlsx|zip|gz|br|woff2?)$"

COMPRESSION = CompressionConfig(
    backend="gzip", gzip_compress_level=6, minimum_size=MINIMUM_SIZE, exclude=PACKED, exclude_opt_key=OPT_OUT
)
