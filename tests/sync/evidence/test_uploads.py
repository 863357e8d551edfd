"""Uploads: bytes kept across cuts, chunks all or nothing with a checksum, verified before stored."""

from __future__ import annotations

import base64
import hashlib
import time

import pytest
from argon2 import PasswordHasher

from sync.db.store import Store
from sync.errors import (
    ChecksumMismatch,
    HashMismatch,
    InvalidImage,
    InvalidInput,
    NotFound,
    OffsetMismatch,
    UnsupportedMediaType,
    UploadTooLarge,
)
from sync.evidence import uploads
from sync.evidence.blobs import Blob, get_blob
from sync.evidence.chunks import chunk_writer, parse_checksum
from sync.evidence.objects import BlobStore
from sync.evidence.uploads import Upload
from sync.org.accounts import User, create_user
from sync.org.sites import create_organisation
from tests.evidence import keys, offset, sha256, start, store_blob, stored, upload_left
from tests.images import phone_jpeg

PHOTO = phone_jpeg(6, gps=(30.25, 120.16))


@pytest.fixture
def users(store: Store, hasher: PasswordHasher) -> list[User]:
    org = create_organisation(store, "org")
    return [
        create_user(
            store, hasher, org_id=org.id, username=f"i{n}", password="Quiet-Kite-88", role="inspector", display_name="i"
        )
        for n in range(2)
    ]


def open_upload(store: Store, objects: BlobStore, user: User, data: bytes = PHOTO) -> Upload:
    upload = start(store, objects, user, data)
    assert isinstance(upload, Upload)
    return upload


def test_bytes_that_arrived_before_a_cut_are_kept(store: Store, objects: BlobStore, users: list[User]) -> None:
    upload = open_upload(store, objects, users[0])
    writer = chunk_writer(store, objects, upload, 0, announced=1000, checksum=None)
    writer.write(PHOTO[:300])
    writer.write(PHOTO[300:700])
    assert writer.abandon() == 700
    assert offset(store, objects, upload) == 700
    with pytest.raises(OffsetMismatch) as mismatch:
        chunk_writer(store, objects, upload, 0, announced=None, checksum=None)
    assert mismatch.value.offset == 700
    rest = chunk_writer(store, objects, upload, 700, announced=None, checksum=None)
    rest.write(PHOTO[700:])
    assert rest.finish() == len(PHOTO)
    blob = uploads.finish_upload(store, objects, upload)
    assert stored(objects, upload.org_id, blob.sha256) == PHOTO


def checksum(data: bytes, algorithm: str = "sha256") -> tuple[str, bytes]:
    return parse_checksum(f"{algorithm} {base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}")


def test_a_chunk_with_a_checksum_is_all_or_nothing(store: Store, objects: BlobStore, users: list[User]) -> None:
    upload = open_upload(store, objects, users[0])
    cut = chunk_writer(store, objects, upload, 0, announced=500, checksum=checksum(PHOTO[:500]))
    cut.write(PHOTO[:200])
    assert cut.abandon() == 0
    wrong = chunk_writer(store, objects, upload, 0, announced=500, checksum=checksum(PHOTO[:499] + b"x"))
    wrong.write(PHOTO[:500])
    with pytest.raises(ChecksumMismatch):
        wrong.finish()
    assert offset(store, objects, upload) == 0
    right = chunk_writer(store, objects, upload, 0, announced=500, checksum=checksum(PHOTO[:500], "sha1"))
    right.write(PHOTO[:500])
    assert right.finish() == 500


def test_unknown_checksum_algorithms_and_bad_digests_are_refused() -> None:
    with pytest.raises(UnsupportedMediaType):
        parse_checksum("md5 AAAA")
    with pytest.raises(InvalidInput):
        parse_checksum("sha256 not*base64")


def test_a_chunk_past_the_upload_length_is_refused_whole(store: Store, objects: BlobStore, users: list[User]) -> None:
    upload = open_upload(store, objects, users[0])
    with pytest.raises(UploadTooLarge):
        chunk_writer(store, objects, upload, 0, announced=len(PHOTO) + 1, checksum=None)
    writer = chunk_writer(store, objects, upload, 0, announced=None, checksum=None)
    writer.write(PHOTO)
    with pytest.raises(UploadTooLarge):
        writer.write(b"one more")
    assert writer.abandon() == 0


def test_a_wrong_hash_leaves_nothing_behind(store: Store, objects: BlobStore, users: list[User]) -> None:
    upload = start(store, objects, users[0], PHOTO, digest=sha256(b"something else"))
    assert isinstance(upload, Upload)
    writer = chunk_writer(store, objects, upload, 0, announced=None, checksum=None)
    writer.write(PHOTO)
    writer.finish()
    with pytest.raises(HashMismatch):
        uploads.finish_upload(store, objects, upload)
    assert get_blob(store, upload.org_id, upload.sha256) is None
    assert not upload_left(objects, upload.id)
    with pytest.raises(NotFound):
        uploads.get_upload(store, objects, users[0], upload.id)
    assert keys(objects, "blobs/") == []


def test_an_invalid_image_leaves_nothing_behind(store: Store, objects: BlobStore, users: list[User]) -> None:
    data = b"GIF89a" + b"\x00" * 100
    with pytest.raises(InvalidImage):
        store_blob(store, objects, users[0], data)
    assert get_blob(store, users[0].org_id, sha256(data)) is None
    assert keys(objects, "uploads/") == []


def test_a_duplicate_upload_stores_the_blob_once(store: Store, objects: BlobStore, users: list[User]) -> None:
    first, second = (open_upload(store, objects, user) for user in users)
    assert first.id != second.id
    for upload in (first, second):
        writer = chunk_writer(store, objects, upload, 0, announced=None, checksum=None)
        writer.write(PHOTO)
        writer.finish()
    kept = uploads.finish_upload(store, objects, first)
    again = uploads.finish_upload(store, objects, second)
    assert again == kept
    assert again.uploaded_by == users[0].id
    assert store.db.execute("SELECT count(*) FROM blob").fetchone()[0] == 1
    names = [key.rpartition("/")[2].removeprefix(kept.sha256) for key in keys(objects, "blobs/")]
    assert sorted(names) == ["", ".display.jpg", ".thumb.jpg"]
    assert keys(objects, "uploads/") == []
    assert start(store, objects, users[1], PHOTO) == kept


def test_the_blob_holds_the_photo_metadata(store: Store, objects: BlobStore, users: list[User]) -> None:
    blob = store_blob(store, objects, users[0], PHOTO)
    assert (blob.kind, blob.media_type, blob.size, blob.width, blob.height) == (
        "photo",
        "image/jpeg",
        len(PHOTO),
        400,
        300,
    )
    assert blob.metadata["gps"]["lat"] == pytest.approx(30.25)
    assert blob.metadata["captured_at"] == "2025-03-14T09:26:53+08:00"


def test_a_duplicate_with_another_length_is_refused(store: Store, objects: BlobStore, users: list[User]) -> None:
    store_blob(store, objects, users[0], PHOTO)
    with pytest.raises(HashMismatch):
        start(store, objects, users[0], PHOTO + b"\x00", digest=sha256(PHOTO))


def test_a_replayed_creation_resumes_the_same_upload(store: Store, objects: BlobStore, users: list[User]) -> None:
    first = open_upload(store, objects, users[0])
    writer = chunk_writer(store, objects, first, 0, announced=None, checksum=None)
    writer.write(PHOTO[:1000])
    writer.finish()
    again = open_upload(store, objects, users[0])
    assert again.id == first.id
    assert offset(store, objects, again) == 1000


def test_only_the_uploader_sees_an_upload(store: Store, objects: BlobStore, users: list[User]) -> None:
    upload = open_upload(store, objects, users[0])
    assert uploads.get_upload(store, objects, users[0], upload.id) == upload
    with pytest.raises(NotFound):
        uploads.get_upload(store, objects, users[1], upload.id)


def test_expired_uploads_are_purged_when_an_upload_starts(store: Store, objects: BlobStore, users: list[User]) -> None:
    past = time.time() - 2 * 24 * 3600
    old = start(store, objects, users[0], PHOTO, now=past)
    assert isinstance(old, Upload)
    some_bytes(store, objects, old)
    assert upload_left(objects, old.id)
    with pytest.raises(NotFound, match="expired"):
        uploads.get_upload(store, objects, users[0], old.id)
    older = start(store, objects, users[1], PHOTO, now=past)
    assert isinstance(older, Upload)
    some_bytes(store, objects, older)
    fresh = start(store, objects, users[0], b"other bytes" * 10)
    assert isinstance(fresh, Upload)
    assert not upload_left(objects, older.id)
    assert store.db.execute("SELECT id FROM upload").fetchall() == [(fresh.id,)]


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"digest": "ABC"}, InvalidInput),
        ({"digest": "A" * 64}, InvalidInput),
        ({"kind": "video"}, UnsupportedMediaType),
        ({"media_type": "image/gif"}, UnsupportedMediaType),
        ({"kind": "signature", "media_type": "image/jpeg"}, UnsupportedMediaType),
    ],
)
def test_declarations_that_break_the_rules_are_refused(
    store: Store, objects: BlobStore, users: list[User], options: dict[str, str], error: type[Exception]
) -> None:
    with pytest.raises(error):
        start(store, objects, users[0], PHOTO, **options)  # type: ignore[arg-type]


def test_uploads_larger_than_allowed_are_refused(store: Store, objects: BlobStore, users: list[User]) -> None:
    with pytest.raises(UploadTooLarge):
        start(store, objects, users[0], b"\x89PNG" + b"\x00" * 200 * 1024, kind="signature", media_type="image/png")
    with pytest.raises(UploadTooLarge):
        uploads.create_upload(
            store,
            objects,
            users[0],
            sha256="a" * 64,
            length=41 * 1024 * 1024,
            media_type="image/jpeg",
            kind="photo",
            limits=uploads.UploadLimits(),
        )
    with pytest.raises(InvalidInput):
        start(store, objects, users[0], b"")


def some_bytes(store: Store, objects: BlobStore, upload: Upload) -> None:
    writer = chunk_writer(store, objects, upload, 0, announced=None, checksum=None)
    writer.write(PHOTO[:100])
    assert writer.finish() == 100


def test_cancelling_an_upload_removes_its_bytes(store: Store, objects: BlobStore, users: list[User]) -> None:
    upload = open_upload(store, objects, users[0])
    some_bytes(store, objects, upload)
    assert upload_left(objects, upload.id)
    uploads.cancel_upload(store, objects, upload)
    assert not upload_left(objects, upload.id)
    with pytest.raises(NotFound):
        uploads.get_upload(store, objects, users[0], upload.id)


def test_a_completed_upload_reports_its_full_length(store: Store, objects: BlobStore, users: list[User]) -> None:
    upload = open_upload(store, objects, users[0])
    writer = chunk_writer(store, objects, upload, 0, announced=None, checksum=None)
    writer.write(PHOTO)
    writer.finish()
    blob = uploads.finish_upload(store, objects, upload)
    assert isinstance(blob, Blob)
    done = uploads.get_upload(store, objects, users[0], upload.id)
    assert offset(store, objects, done) == len(PHOTO)
    with pytest.raises(OffsetMismatch):
        chunk_writer(store, objects, done, len(PHOTO), announced=0, checksum=None)
