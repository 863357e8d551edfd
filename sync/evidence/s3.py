"""Evidence in an S3-compatible object store (MinIO, Aliyun OSS, Tencent COS, AWS S3) through boto3.

Why boto3: it is the reference S3 client, kept by AWS, spoken to by every S3-compatible store's
documentation (OSS and COS document it for their S3 endpoints), with path-style addressing, custom
endpoints, retries with back-off and the standard credential chain (``AWS_ACCESS_KEY_ID`` …,
``~/.aws``, instance roles) built in; ``upload_file`` switches to multipart uploads for large files.
Its calls block, which suits the server's worker threads. obstore is faster in bulk but younger
and its S3-compatible quirks (OSS, COS) are less travelled.

Object keys are the store's keys under an optional ``prefix``; every write is one ``PUT`` (or a
multipart upload completed at once), so an object is visible whole or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from sync.evidence.objects import BLOCK, Listed

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3Objects:
    """A bucket (and a prefix inside it) as the evidence store; one client shared by every thread."""

    root = None

    def __init__(self, bucket: str, prefix: str = "", *, endpoint: str | None = None, region: str | None = None):
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 5, "mode": "standard"})
        session = boto3.session.Session()
        self._client: S3Client = session.client("s3", endpoint_url=endpoint, region_name=region, config=config)

    def __repr__(self) -> str:
        return f"S3Objects({self.bucket!r}, {self.prefix!r})"

    def _key(self, key: str) -> str:
        return self.prefix + key

    def put_file(self, key: str, source: Path) -> None:
        """Upload the file (multipart when large); the object appears once whole."""
        self._client.upload_file(str(source), self.bucket, self._key(key))

    def put_bytes(self, key: str, data: bytes) -> None:
        """One ``PUT``."""
        self._client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def size(self, key: str) -> int | None:
        """``HEAD`` the object."""
        try:
            found = self._client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise
        return int(found["ContentLength"])

    def read(self, key: str, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        """One ranged ``GET``, its body streamed in blocks; FileNotFoundError when there is no such object."""
        if stop is not None and stop <= start:
            return iter(())
        wanted = f"bytes={start}-{'' if stop is None else stop - 1}"
        try:
            if start == 0 and stop is None:
                found = self._client.get_object(Bucket=self.bucket, Key=self._key(key))
            else:
                found = self._client.get_object(Bucket=self.bucket, Key=self._key(key), Range=wanted)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                raise FileNotFoundError(key) from exc
            raise
        return _stream(found["Body"])

    def download(self, key: str, target: Path) -> None:
        """Download the whole object (in parallel parts when large)."""
        try:
            self._client.download_file(self.bucket, self._key(key), str(target))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                raise FileNotFoundError(key) from exc
            raise

    def delete(self, key: str) -> None:
        """``DELETE`` (no error when absent)."""
        self._client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def listing(self, prefix: str) -> Iterator[Listed]:
        """``ListObjectsV2`` pages, in key order."""
        pages = self._client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self._key(prefix))
        for page in pages:
            for item in page.get("Contents", []):
                key = item["Key"][len(self.prefix) :]
                yield Listed(key, int(item["Size"]), item["LastModified"].timestamp())


def _stream(body: object) -> Iterator[bytes]:
    from botocore.response import StreamingBody  # noqa: PLC0415

    assert isinstance(body, StreamingBody)
    try:
        yield from body.iter_chunks(BLOCK)
    finally:
        body.close()
