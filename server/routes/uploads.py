"""Resumable evidence uploads: tus 1.0 core with creation, checksum, expiration and termination.

A chunk is streamed to disk as it arrives, never held whole in memory (to the upload's file in a
local store, to a spool that becomes one object in an object store, where the next chunk may reach
another app server: :mod:`sync.evidence.chunks`). One request at a
time works on an upload: ``HEAD`` and ``PATCH`` wait for the one in progress, so the
offset a client resumes from already counts every byte the cut request delivered.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from email.utils import formatdate
from typing import Any
from weakref import WeakValueDictionary

import anyio
from litestar import Request, Response, Router, delete, head, patch, post, route
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.enums import HttpMethod
from litestar.params import FromPath
from msgspec import Struct

from server.dependencies import Caller
from server.problems import problem
from server.request_hooks import allow
from server.settings import Settings
from server.workers import run
from sync.db.store import Store
from sync.errors import UnsupportedMediaType
from sync.evidence import recovery, uploads
from sync.evidence.blobs import Blob
from sync.evidence.chunks import Chunk, chunk_writer, parse_checksum
from sync.evidence.objects import BlobStore
from sync.evidence.uploads import Upload, UploadLimits

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,checksum,expiration,termination"
CHUNK_TYPE = "application/offset+octet-stream"


class UploadState(Struct):
    """Where an upload stands; ``complete`` means the blob is stored and nothing is left to send."""

    sha256: str
    offset: int
    length: int
    complete: bool
    upload_url: str | None
    blob_url: str | None
    expires_at: str | None


@route("/", http_method=[HttpMethod.OPTIONS], status_code=204)
async def describe_uploads(request: Request[Any, Any, Any], settings: NamedDependency[Settings]) -> Response[None]:
    """tus discovery: the protocol version, extensions, checksum algorithms and largest upload."""
    headers = {
        "Allow": allow(request),
        "Tus-Resumable": TUS_VERSION,
        "Tus-Version": TUS_VERSION,
        "Tus-Extension": TUS_EXTENSIONS,
        "Tus-Max-Size": str(settings.max_upload_bytes),
        "Tus-Checksum-Algorithm": ",".join(uploads.CHECKSUM_ALGORITHMS),
    }
    return Response(None, status_code=204, headers=headers)


@post("/", status_code=201, sync_to_thread=True)
def create_upload(
    request: Request[Any, Any, Any],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    blob_store: NamedDependency[BlobStore],
    settings: NamedDependency[Settings],
) -> Response[UploadState]:
    """Start an upload (tus creation); for a blob the organisation already holds, the upload is complete at once."""
    _require_tus(request)
    metadata = _metadata(request.headers.get("upload-metadata", ""))
    started = uploads.create_upload(
        store,
        blob_store,
        caller.user,
        sha256=metadata.get("sha256", ""),
        length=_count(request, "upload-length"),
        media_type=metadata.get("media_type") or metadata.get("filetype", ""),
        kind=metadata.get("kind", "photo"),
        filename=metadata.get("filename", ""),
        limits=UploadLimits(
            settings.max_upload_bytes,
            settings.upload_expiry_s,
            settings.max_open_uploads,
            settings.max_open_upload_bytes,
            settings.max_audio_bytes,
        ),
    )
    if isinstance(started, Blob):  # held already: an upload complete from the start, as tus clients expect
        limits = UploadLimits(settings.max_upload_bytes, settings.upload_expiry_s)
        started = uploads.record_held(store, caller.user, started, filename=metadata.get("filename", ""), limits=limits)
    offset = uploads.upload_offset(blob_store, started)
    url = f"/api/uploads/{started.id}"
    headers = {**_upload_headers(started, offset, complete=started.completed_at is not None), "Location": url}
    return Response(_state(started, offset), status_code=201, headers=headers)


@head("/{upload_id:str}")
async def get_upload_offset(
    upload_id: FromPath[str],
    request: Request[Any, Any, Any],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    blob_store: NamedDependency[BlobStore],
    state: State,
) -> Response[None]:
    """How many bytes the server holds (tus HEAD): Upload-Offset and Upload-Length, never cached."""
    _require_tus(request)
    async with _lock(state, upload_id):
        upload = await run(recovery.open_upload, store, blob_store, caller.user, upload_id)
        offset = await run(uploads.upload_offset, blob_store, upload)
    return Response(None, headers=_upload_headers(upload, offset, complete=upload.completed_at is not None))


@patch("/{upload_id:str}", status_code=204, request_max_body_size=None)
async def append_chunk(
    upload_id: FromPath[str],
    request: Request[Any, Any, Any],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    blob_store: NamedDependency[BlobStore],
    settings: NamedDependency[Settings],
    state: State,
) -> Response[None]:
    """Append a chunk at Upload-Offset (tus PATCH); after the last byte the blob is verified and stored."""
    _require_tus(request)
    if request.headers.get("content-type", "").partition(";")[0].strip().lower() != CHUNK_TYPE:
        raise UnsupportedMediaType(f"send a chunk as Content-Type: {CHUNK_TYPE}")
    offset = _count(request, "upload-offset")
    checksum_header = request.headers.get("upload-checksum")
    checksum = parse_checksum(checksum_header) if checksum_header else None
    announced = request.content_length
    if announced is not None and announced > settings.max_chunk_bytes:
        raise _chunk_too_large(settings)
    async with _lock(state, upload_id):
        upload = await run(recovery.open_upload, store, blob_store, caller.user, upload_id)
        if upload.completed_at is not None:  # nothing left to send (held already, or finished): drop the bytes
            await _receive(request, None, settings)
            return Response(None, status_code=204, headers=_upload_headers(upload, upload.length, complete=True))
        writer = await run(chunk_writer, store, blob_store, upload, offset, announced=announced, checksum=checksum)
        try:
            await _receive(request, writer, settings)
        except BaseException:
            writer.abandon()  # in an object store this stores what arrived: a short blocking call, on purpose
            raise
        offset = await run(writer.finish)
        complete = offset == upload.length
        if complete:  # an empty PATCH at the full length retries a completion that failed
            await run(uploads.finish_upload, store, blob_store, upload)
    return Response(None, status_code=204, headers=_upload_headers(upload, offset, complete=complete))


@delete("/{upload_id:str}", status_code=204)
async def terminate_upload(
    upload_id: FromPath[str],
    request: Request[Any, Any, Any],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    blob_store: NamedDependency[BlobStore],
    state: State,
) -> Response[None]:
    """Terminate an upload (tus termination): its bytes are removed; a stored blob stays."""
    _require_tus(request)
    async with _lock(state, upload_id):
        upload = await run(uploads.get_upload, store, blob_store, caller.user, upload_id)
        await run(uploads.cancel_upload, store, blob_store, upload)
    return Response(None, status_code=204, headers={"Tus-Resumable": TUS_VERSION})


async def _receive(request: Request[Any, Any, Any], writer: Chunk | None, settings: Settings) -> None:
    """Stream the body into ``writer`` (``None``: drop it); give up when no byte arrives for ``upload_idle_s``."""
    pieces = request.stream().__aiter__()
    received = 0
    while True:
        try:
            with anyio.fail_after(settings.upload_idle_s):
                piece = await pieces.__anext__()
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise problem(
                "bad-request", f"no bytes arrived for {settings.upload_idle_s:g} s; resume with HEAD"
            ) from None
        received += len(piece)
        if received > settings.max_chunk_bytes:
            if writer is not None:
                writer.refused = True  # refused whole: abandon() keeps none of what this request wrote
            raise _chunk_too_large(settings)
        if writer is not None:
            writer.write(piece)


def _lock(state: State, upload_id: str) -> asyncio.Lock:
    """The lock of one upload, alive while someone holds or awaits it."""
    locks: WeakValueDictionary[str, asyncio.Lock] = state.upload_locks
    lock = locks.get(upload_id)
    if lock is None:
        lock = locks[upload_id] = asyncio.Lock()
    return lock


def _require_tus(request: Request[Any, Any, Any]) -> None:
    sent = request.headers.get("tus-resumable")
    if sent != TUS_VERSION:
        raise problem(
            "tus-version",
            f"send Tus-Resumable: {TUS_VERSION} (got {sent!r})",
            headers={"Tus-Version": TUS_VERSION, "Tus-Resumable": TUS_VERSION},
        )


def _count(request: Request[Any, Any, Any], name: str) -> int:
    value = request.headers.get(name, "")
    if not value.isdigit() or len(value) > 15:
        raise problem("bad-request", f"{name.title()} must be a non-negative whole number of bytes")
    return int(value)


def _metadata(header: str) -> dict[str, str]:
    """tus ``Upload-Metadata``: comma-separated ``key base64(value)`` pairs."""
    pairs: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in header.split(","))):
        key, _, encoded = item.partition(" ")
        try:
            pairs[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise problem("bad-request", f"Upload-Metadata value of {key!r} is not base64 UTF-8 text") from None
    return pairs


def _chunk_too_large(settings: Settings) -> Exception:
    return problem("body-too-large", f"a chunk may have at most {settings.max_chunk_bytes} bytes")


def _upload_headers(upload: Upload, offset: int, *, complete: bool) -> dict[str, str]:
    """tus headers for an upload; ``Upload-Complete: ?1`` once the blob is stored."""
    headers = {
        "Tus-Resumable": TUS_VERSION,
        "Upload-Offset": str(offset),
        "Upload-Length": str(upload.length),
        "Upload-Expires": formatdate(upload.expires_at, usegmt=True),
        "Cache-Control": "no-store",
    }
    if complete:
        headers["Upload-Complete"] = "?1"
    return headers


def _state(upload: Upload, offset: int) -> UploadState:
    complete = upload.completed_at is not None
    return UploadState(
        upload.sha256,
        offset,
        upload.length,
        complete,
        f"/api/uploads/{upload.id}",
        f"/api/blobs/{upload.sha256}" if complete else None,
        formatdate(upload.expires_at, usegmt=True),
    )


router = Router(
    path="/api/uploads",
    route_handlers=[describe_uploads, create_upload, get_upload_offset, append_chunk, terminate_upload],
)
