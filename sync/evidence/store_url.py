"""The evidence store a URL names (``XUNJIAN_BLOB_STORE``, ``--blob-store``): a folder or a bucket."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sync.evidence.objects import BlobStore, FileObjects
from sync.evidence.s3 import S3Objects


def open_blob_store(url: str, data_dir: Path) -> BlobStore:
    """The store ``XUNJIAN_BLOB_STORE`` names: ``file:`` (``data_dir``) or ``s3://bucket/prefix?endpoint=…&region=…``.

    Raises ValueError for anything else. S3 credentials come from the standard AWS environment
    variables or configuration files, never from the URL.
    """
    if url in ("", "file:", "file://"):
        return FileObjects(data_dir)
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"XUNJIAN_BLOB_STORE must be 'file:' or 's3://bucket/prefix?endpoint=…', not {url!r}")
    if parts.username or parts.password:
        raise ValueError("XUNJIAN_BLOB_STORE holds no credentials: use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = query.keys() - {"endpoint", "region"}
    if unknown:
        raise ValueError(f"XUNJIAN_BLOB_STORE: unknown option(s) {', '.join(sorted(unknown))}; use endpoint, region")
    return S3Objects(parts.netloc, parts.path.strip("/"), endpoint=query.get("endpoint"), region=query.get("region"))
