"""Helpers for the evidence tests: in the store, a blob stored through an upload and referenced from an
inspection; over HTTP, a tus upload through the test client; a photo and a signature to send."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import msgspec
import pytest
from argon2 import PasswordHasher
from httpx import Response

from server.settings import Settings
from sync.clock import new_id, now_iso
from sync.db.store import Store
from sync.evidence import uploads
from sync.evidence.blobs import Blob, Variant, blob_key
from sync.evidence.chunks import chunk_writer
from sync.evidence.objects import BlobStore, exists, read_all
from sync.evidence.uploads import Upload, UploadLimits
from sync.org.accounts import Role, User, create_user
from sync.org.sites import assign_sites, create_district, create_organisation, create_site
from tests.clients import Client
from tests.images import phone_jpeg
from tests.s3 import new_bucket


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def start(
    store: Store,
    objects: BlobStore,
    user: User,
    data: bytes,
    *,
    kind: str = "photo",
    media_type: str = "image/jpeg",
    digest: str | None = None,
    now: float | None = None,
) -> Upload | Blob:
    return uploads.create_upload(
        store,
        objects,
        user,
        sha256=digest or sha256(data),
        length=len(data),
        media_type=media_type,
        kind=kind,
        filename="IMG_0001.jpg",
        limits=UploadLimits(),
        now=now,
    )


def store_blob(
    store: Store, objects: BlobStore, user: User, data: bytes, *, kind: str = "photo", media_type: str = "image/jpeg"
) -> Blob:
    """Upload ``data`` in one chunk and finish it, as the server does."""
    upload = start(store, objects, user, data, kind=kind, media_type=media_type)
    if isinstance(upload, Blob):
        return upload
    writer = chunk_writer(store, objects, upload, 0, announced=len(data), checksum=None)
    writer.write(data)
    assert writer.finish() == len(data)
    return uploads.finish_upload(store, objects, upload)


def stored(objects: BlobStore, org_id: str, digest: str, variant: Variant = "original") -> bytes | None:
    """The bytes of a blob's version in the evidence store, or ``None``."""
    key = blob_key(org_id, digest, variant)
    return read_all(objects, key) if exists(objects, key) else None


def upload_left(objects: BlobStore, upload_id: str) -> bool:
    """Whether any bytes of the upload are in the store (its file, or chunk objects)."""
    if objects.root is not None:
        return uploads.upload_path(objects.root, upload_id).exists()
    return any(True for _ in objects.listing(f"uploads/{upload_id}/"))


def offset(store: Store, objects: BlobStore, upload: Upload) -> int:
    """The upload's offset as a server reads it now (its row read again)."""
    row = store.db.execute("SELECT received, completed_at FROM upload WHERE id = ?", [upload.id]).fetchone()
    if row is None:
        return 0
    fresh = msgspec.structs.replace(upload, received=int(row[0]), completed_at=row[1])
    return uploads.upload_offset(objects, fresh)


def keys(objects: BlobStore, prefix: str) -> list[str]:
    """The keys of the store under ``prefix``."""
    return [item.key for item in objects.listing(prefix)]


def reference(store: Store, org_id: str, digest: str, site_id: str, inspector_id: str, path: str = "/p1") -> str:
    """What the sync engine does when an answer names a photo: an inspection, an evidence_ref added by its inspector."""
    inspection_id = new_id()
    stamp = now_iso()
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO inspection (id, org_id, site_id, checklist_id, version, inspector_id, status, created_at,"
            " updated_at, created_seq, updated_seq, state_json) VALUES (?, ?, ?, 'market_order', 1, ?, 'draft',"
            " ?, ?, 0, 0, '{}')",
            [inspection_id, org_id, site_id, inspector_id, stamp, stamp],
        )
        conn.execute(
            "INSERT INTO evidence_ref (org_id, sha256, inspection_id, site_id, path, kind, added_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [org_id, digest, inspection_id, site_id, path, "photo", inspector_id],
        )
    return inspection_id


TUS = {"Tus-Resumable": "1.0.0"}
CHUNK = {**TUS, "Content-Type": "application/offset+octet-stream"}
PHOTO = phone_jpeg(6, size=(1200, 900), gps=(30.2741, 120.1551))


def metadata(**pairs: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in pairs.items())


def create(
    client: Client,
    headers: dict[str, str],
    data: bytes,
    *,
    kind: str = "photo",
    media_type: str = "image/jpeg",
    digest: str | None = None,
    length: int | None = None,
) -> Response:
    meta = metadata(sha256=digest or sha256(data), kind=kind, media_type=media_type, filename="IMG_0001.JPG")
    sent = {**headers, **TUS, "Upload-Length": str(len(data) if length is None else length), "Upload-Metadata": meta}
    return client.post("/api/uploads", headers=sent)


def send(client: Client, headers: dict[str, str], url: str, offset: int, chunk: bytes, **extra: str) -> Response:
    return client.patch(url, content=chunk, headers={**headers, **CHUNK, "Upload-Offset": str(offset), **extra})


def upload(client: Client, headers: dict[str, str], data: bytes, *, chunk: int = 64 * 1024, **options: str) -> Response:
    """Create and send every chunk; the response of the last PATCH (or of the creation when complete)."""
    created = create(client, headers, data, **options)  # type: ignore[arg-type]
    if created.status_code != 201:
        return created
    url = created.headers["location"]
    offset = int(created.headers["upload-offset"])
    response = created
    while offset < len(data):
        response = send(client, headers, url, offset, data[offset : offset + chunk])
        if response.status_code != 204:
            return response
        offset = int(response.headers["upload-offset"])
    return response


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100">'
    b'<path d="M 10 80 C 40 10, 65 10, 95 80" stroke="black" fill="none"/></svg>'
)


PHOTOS = [phone_jpeg(n) for n in (1, 3, 6)]  # three different photos


class Org:
    """An organisation with two sites; an admin, an uploader and a colleague at the first, an outsider at the other."""

    def __init__(self, store: Store, hasher: PasswordHasher, name: str) -> None:
        org = create_organisation(store, name)
        self.id = org.id
        district = create_district(store, org.id, "d")
        self.sites = [
            create_site(store, org.id, district_id=district.id, name=f"s{n}", site_type="market", address="a").id
            for n in range(2)
        ]

        def user(username: str, role: Role) -> User:
            login = f"{name}-{username}"
            return create_user(
                store, hasher, org_id=org.id, username=login, password="Quiet-Kite-88", role=role, display_name=username
            )

        self.admin = user("admin", "admin")
        self.uploader = user("uploader", "inspector")
        self.colleague = user("colleague", "inspector")
        self.outsider = user("outsider", "inspector")
        assign_sites(store, org.id, self.uploader.id, [self.sites[0]])
        assign_sites(store, org.id, self.colleague.id, [self.sites[0]])
        assign_sites(store, org.id, self.outsider.id, [self.sites[1]])


def settings_on(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Test settings as tests/conftest.py's, the evidence in a folder (``file``) or a fresh bucket (``s3``)."""
    url = "file:" if kind == "file" else new_bucket(request.getfixturevalue("s3_endpoint"))
    return Settings(data_dir=tmp_path / "data", argon2_time_cost=1, argon2_memory_kib=1024, blob_store=url)
