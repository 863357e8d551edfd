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
"""

from __future__ import annotations

from typing import Any

from litestar.config.compression import CompressionConfig

MINIMUM_SIZE = 1024
OPT_OUT = "uncompressed"
UNCOMPRESSED: dict[str, Any] = {OPT_OUT: True}
PACKED = r"\.(png|jpe?g|webp|gif|heic|heif|avif|pdf|xlsx|zip|gz|br|woff2?)$"

BROTLI_QUALITY = 4
GZIP_LEVEL = 6

COMPRESSION = CompressionConfig(
    backend="brotli",
    brotli_quality=BROTLI_QUALITY,
    brotli_mode="text",
    brotli_gzip_fallback=True,
    gzip_compress_level=GZIP_LEVEL,
    minimum_size=MINIMUM_SIZE,
    exclude=PACKED,
    exclude_opt_key=OPT_OUT,
)
