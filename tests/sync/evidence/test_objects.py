"""The evidence store's seam: the same answers from a folder and from a bucket, and what only a bucket needs."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher

from sync.db.store import Store
from sync.errors import OffsetMismatch
from sync.evidence import recovery, uploads
from sync.evidence.blobs import blob_key
from sync.evidence.chunks import chunk_writer
from sync.evidence.objects import BlobStore, FileObjects, read_all
from sync.evidence.parts import part_key
from sync.evidence.s3 import S3Objects
from sync.evidence.store_url import open_blob_store
from sync.evidence.uploads import Upload
from sync.org.accounts import User, create_user
from sync.org.sites import create_organisation
from tests.evidence import PHOTO, keys, offset, sha256, start, stored, upload_left
from tests.s3 import new_bucket


@pytest.fixture
def user(store: Store, hasher: PasswordHasher) -> User:
    org = create_organisation(store, "org")
    return create_user(
        store, hasher, org_id=org.id, username="i1", password="Quiet-Kite-88", role="inspector", display_name="i"
    )


@pytest.fixture
def bucket(s3_endpoint: str, tmp_path: Path) -> BlobStore:
    return open_blob_store(new_bucket(s3_endpoint), tmp_path)


def test_put_read_ranges_size_listing_and_delete(objects: BlobStore, tmp_path: Path) -> None:
    data = bytes(range(256)) * 2000
    source = tmp_path / "source"
    source.write_bytes(data)
    objects.put_file("blobs/o/ab/one", source)
    objects.put_bytes("blobs/o/ab/two", b"second")
    assert objects.size("blobs/o/ab/one") == len(data)
    assert objects.size("blobs/o/ab/none") is None
    assert read_all(objects, "blobs/o/ab/one") == data
    assert b"".join(objects.read("blobs/o/ab/one", 1000, 300_000)) == data[1000:300_000]
    assert b"".join(objects.read("blobs/o/ab/two", 5)) == b"d"
    assert [(i.key, i.size) for i in objects.listing("blobs/o/")] == [
        ("blobs/o/ab/one", len(data)),
        ("blobs/o/ab/two", 6),
    ]
    with pytest.raises(FileNotFoundError):
        list(objects.read("blobs/o/ab/none"))
    objects.delete("blobs/o/ab/one")
    objects.delete("blobs/o/ab/one")  # absent: no error
    assert keys(objects, "blobs/") == ["blobs/o/ab/two"]


def test_the_setting_names_a_folder_or_a_bucket(tmp_path: Path) -> None:
    assert isinstance(open_blob_store("file:", tmp_path), FileObjects)
    bucket = open_blob_store("s3://evidence/xunjian/prod?endpoint=http://127.0.0.1:9&region=cn-north-1", tmp_path)
    assert isinstance(bucket, S3Objects)
    assert (bucket.bucket, bucket.prefix) == ("evidence", "xunjian/prod/")
    for wrong in ("s3://", "ftp://x", "s3://key:secret@bucket", "s3://b?colour=red", "/data"):
        with pytest.raises(ValueError, match="XUNJIAN_BLOB_STORE"):
            open_blob_store(wrong, tmp_path)


def test_in_a_bucket_each_chunk_is_an_object_counted_once_durable(store: Store, bucket: BlobStore, user: User) -> None:
    upload = start(store, bucket, user, PHOTO)
    assert isinstance(upload, Upload)
    first = chunk_writer(store, bucket, upload, 0, announced=None, checksum=None)
    first.write(PHOTO[:1000])
    assert first.finish() == 1000
    assert keys(bucket, "uploads/") == [part_key(upload.id, 0)]
    assert offset(store, bucket, upload) == 1000
    cut = chunk_writer(store, bucket, upload, 1000, announced=None, checksum=None)
    cut.write(PHOTO[1000:1500])
    assert cut.abandon() == 1500  # a cut request keeps what arrived, as in a folder
    with pytest.raises(OffsetMismatch) as stale:
        chunk_writer(store, bucket, upload, 1000, announced=None, checksum=None)
    assert stale.value.offset == 1500


def test_a_chunk_stored_but_never_counted_is_replaced(store: Store, bucket: BlobStore, user: User) -> None:
    """A crash between storing a chunk's object and counting it: the client resends from the counted offset."""
    upload = start(store, bucket, user, PHOTO)
    assert isinstance(upload, Upload)
    bucket.put_bytes(part_key(upload.id, 0), b"stale bytes of a request that died")
    assert offset(store, bucket, upload) == 0
    writer = chunk_writer(store, bucket, upload, 0, announced=None, checksum=None)
    writer.write(PHOTO)
    assert writer.finish() == len(PHOTO)
    blob = uploads.finish_upload(store, bucket, upload)
    assert stored(bucket, user.org_id, blob.sha256) == PHOTO
    assert not upload_left(bucket, upload.id)


def test_start_up_removes_chunks_of_completed_or_unknown_uploads(store: Store, bucket: BlobStore, user: User) -> None:
    upload = start(store, bucket, user, PHOTO)
    assert isinstance(upload, Upload)
    half = chunk_writer(store, bucket, upload, 0, announced=None, checksum=None)
    half.write(PHOTO[:100])
    half.finish()
    bucket.put_bytes(part_key("no-such-upload", 0), b"orphan")
    assert recovery.reconcile(store, bucket, grace_s=3600).files_removed == 1
    assert keys(bucket, "uploads/") == [part_key(upload.id, 0)]  # the unfinished upload keeps its chunk


def test_the_sweep_removes_blob_objects_without_a_row_after_the_grace_period(
    store: Store, objects: BlobStore, user: User
) -> None:
    digest = sha256(b"orphan")
    objects.put_bytes(blob_key(user.org_id, digest), b"orphan")
    objects.put_bytes(blob_key(user.org_id, digest, "thumb"), b"x")
    assert recovery.sweep_blob_files(store, objects, grace_s=3600) == 0  # a finish in flight may have placed them
    later = max(item.modified for item in objects.listing("blobs/")) + 7200
    assert recovery.sweep_blob_files(store, objects, grace_s=3600, now=later) == 2
    assert keys(objects, "blobs/") == []
