"""A real S3-protocol HTTP endpoint for the object-store tests: moto's server mode, on a free local port.

The boto3 client of :mod:`sync.evidence.s3` is not mocked: it speaks HTTP to this server. Each test
gets a bucket of its own (:func:`new_bucket`).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import boto3
from moto.server import ThreadedMotoServer

REGION = "us-east-1"
_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "xunjian-test",
    "AWS_SECRET_ACCESS_KEY": "xunjian-test-secret",
    "AWS_DEFAULT_REGION": REGION,
}


@contextmanager
def moto_server() -> Iterator[str]:
    """Start moto's S3 server in a thread; yields its endpoint URL; the AWS variables point at throwaway keys."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = {name: os.environ.get(name) for name in _CREDENTIALS}
    os.environ.update(_CREDENTIALS)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def new_bucket(endpoint: str) -> str:
    """A fresh, empty bucket; the URL of ``XUNJIAN_BLOB_STORE`` for it (with a prefix, as deployments may use)."""
    name = f"xunjian-{uuid.uuid4().hex[:20]}"
    boto3.client("s3", endpoint_url=endpoint, region_name=REGION).create_bucket(Bucket=name)
    return f"s3://{name}/evidence?endpoint={endpoint}&region={REGION}"
