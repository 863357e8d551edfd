"""Response compression: gzip when the client accepts it, for JSON and the app's files; never for bytes already packed.

gzip rather than brotli: every client reads it (browsers, Android WebViews, httpx, curl) and it
needs no extra package. Level 6 gives most of level 9's gain on JSON for a fraction of the CPU,
which the event loop spends as it sends. Below :data:`MINIMUM_SIZE` bytes an answer goes as it is.
A handler opts out with ``opt=UNCOMPRESSED``: evidence blobs (JPEG, PNG, WebP — packed already,
and served in byte ranges), PDF reports and XLSX workbooks (ZIP files). The push's fast lane
(:mod:`server.fast_push`) answers in front of the app, uncompressed.
"""

from __future__ import annotations

from typing import Any

from litestar.config.compression import CompressionConfig

MINIMUM_SIZE = 1024
OPT_OUT = "uncompressed"
UNCOMPRESSED: dict[str, Any] = {OPT_OUT: True}

COMPRESSION = CompressionConfig(
    backend="gzip", gzip_compress_level=6, minimum_size=MINIMUM_SIZE, exclude_opt_key=OPT_OUT
)
