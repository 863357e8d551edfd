"""The device's side of a resumable upload (tus 1.0), as the PWA does it, with httpx.

Create the upload, send chunks, and when a connection breaks ask ``HEAD`` where the
server stands and go on from there. Used by ``bench/uploads.py`` and by the tests that
cut connections in the middle of chunks.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

TUS = {"Tus-Resumable": "1.0.0"}


class UploadFailed(Exception):
    """The server refused the upload (a problem response), or the connection kept breaking."""


@dataclass
class UploadReport:
    """What one upload cost: body bytes put on the wire, and where each broken chunk resumed."""

    sha256: str
    length: int
    body_bytes_sent: int = 0
    stored_at_once: bool = False
    cuts: list[tuple[int, int, int]] = field(default_factory=list)  # (chunk offset, chunk length, resumed at)
    broken_requests: int = 0

    @property
    def resent_bytes(self) -> int:
        """Body bytes sent more than once: what the server had not kept when a chunk broke off."""
        return sum(start + length - resumed for start, length, resumed in self.cuts)


def metadata(**pairs: str) -> str:
    """tus ``Upload-Metadata``: comma-separated ``key base64(value)`` pairs."""
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in pairs.items())


def upload(
    client: httpx.Client,
    data: bytes,
    *,
    kind: str = "photo",
    media_type: str = "image/jpeg",
    chunk_size: int = 256 * 1024,
    max_broken: int = 1000,
) -> UploadReport:
    """Upload ``data`` resumably through ``client`` (its base URL and token set); returns the report."""
    digest = hashlib.sha256(data).hexdigest()
    report = UploadReport(digest, len(data))
    headers = {
        **TUS,
        "Upload-Length": str(len(data)),
        "Upload-Metadata": metadata(sha256=digest, kind=kind, media_type=media_type, filename=f"{digest[:8]}.jpg"),
    }
    created = _retrying(report, max_broken, lambda: client.post("/api/uploads", headers=headers))
    _check(created, 201)
    if created.headers.get("upload-complete") == "?1":  # the organisation holds these bytes: nothing to send
        report.stored_at_once = True
        return report
    url = created.headers["location"]
    offset = int(created.headers.get("upload-offset", "0"))
    complete = False
    while not complete:  # at the full length, an empty PATCH asks the server to finish
        chunk = data[offset : offset + chunk_size]
        report.body_bytes_sent += len(chunk)
        chunk_headers = {**TUS, "Content-Type": "application/offset+octet-stream", "Upload-Offset": str(offset)}
        try:
            response = client.patch(url, content=chunk, headers=chunk_headers)
        except httpx.TransportError as exc:
            report.broken_requests += 1
            if report.broken_requests > max_broken:
                raise UploadFailed(f"the connection broke {report.broken_requests} times") from exc
            resumed, complete = _offset(client, url, report, max_broken)
            report.cuts.append((offset, len(chunk), resumed))
            offset = resumed
            continue
        if response.status_code == 409 and "upload-offset" in response.headers:
            offset = int(response.headers["upload-offset"])
            continue
        _check(response, 204)
        offset = int(response.headers["upload-offset"])
        complete = response.headers.get("upload-complete") == "?1"
    return report


def _offset(client: httpx.Client, url: str, report: UploadReport, max_broken: int) -> tuple[int, bool]:
    """Where the server stands after a break, and whether it already stored the blob."""
    response = _retrying(report, max_broken, lambda: client.head(url, headers=TUS))
    _check(response, 200)
    return int(response.headers["upload-offset"]), response.headers.get("upload-complete") == "?1"


def _retrying(report: UploadReport, max_broken: int, send: Callable[[], httpx.Response]) -> httpx.Response:
    while True:
        try:
            response: httpx.Response = send()
        except httpx.TransportError as exc:
            report.broken_requests += 1
            if report.broken_requests > max_broken:
                raise UploadFailed(f"the connection broke {report.broken_requests} times") from exc
            continue
        return response


def _check(response: httpx.Response, *expected: int) -> None:
    if response.status_code not in expected:
        detail = response.text if response.content else response.reason_phrase
        raise UploadFailed(f"{response.request.method} {response.url.path}: {response.status_code} {detail}")
