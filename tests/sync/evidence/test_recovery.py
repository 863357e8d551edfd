"""Finishing an upload is safe to crash at every step: a resume, or start-up reconciliation, completes it
with the right bytes, and files nothing needs are removed (orphan blob files only after the grace period)."""

from __future__ import annotations

import os

import pytest
from argon2 import PasswordHasher

from sync.db.store import Store
from sync.evidence import recovery, uploads
from sync.evidence.blobs import blob_path, get_blob
from sync.evidence.chunks import chunk_writer
from sync.evidence.objects import BlobStore, FileObjects
from sync.evidence.uploads import Upload, upload_path
from sync.faults import FaultInjected, armed
from sync.org.accounts import User, create_user
from sync.org.sites import create_organisation
from tests.evidence import PHOTO, keys, offset, sha256, start, stored, upload_left

STEPS = ("upload.finish.after_files", "upload.finish.before_commit", "upload.finish.after_commit")


@pytest.fixture
def user(store: Store, hasher: PasswordHasher) -> User:
    org = create_organisation(store, "org")
    return create_user(
        store, hasher, org_id=org.id, username="i1", password="Quiet-Kite-88", role="inspector", display_name="i"
    )


def whole_upload(store: Store, objects: BlobStore, user: User) -> Upload:
    upload = start(store, objects, user, PHOTO)
    assert isinstance(upload, Upload)
    writer = chunk_writer(store, objects, upload, 0, announced=len(PHOTO), checksum=None)
    writer.write(PHOTO)
    assert writer.finish() == len(PHOTO)
    return upload


def crash_finishing(store: Store, objects: BlobStore, user: User, step: str) -> Upload:
    upload = whole_upload(store, objects, user)
    with armed(step), pytest.raises(FaultInjected):
        uploads.finish_upload(store, objects, upload)
    return upload


def assert_stored(store: Store, objects: BlobStore, user: User, upload: Upload) -> None:
    assert uploads.get_upload(store, objects, user, upload.id).completed_at is not None
    assert get_blob(store, upload.org_id, upload.sha256) is not None
    assert stored(objects, upload.org_id, upload.sha256) == PHOTO
    for variant in ("display", "thumb"):
        assert stored(objects, upload.org_id, upload.sha256, variant)
    assert not upload_left(objects, upload.id)
    assert not [key for key in keys(objects, "blobs/") if key.endswith(".partial")]


@pytest.mark.parametrize("step", STEPS)
def test_a_resume_after_a_crash_at_any_step_of_finishing_completes(
    store: Store, objects: BlobStore, user: User, step: str
) -> None:
    upload = crash_finishing(store, objects, user, step)
    resumed = recovery.open_upload(store, objects, user, upload.id)  # the client's HEAD (or PATCH)
    assert resumed.completed_at is not None
    assert offset(store, objects, resumed) == len(PHOTO)
    recovery.reconcile(store, objects, grace_s=3600)  # the leftover upload file of a crash after the commit
    assert_stored(store, objects, user, upload)


@pytest.mark.parametrize("step", STEPS)
def test_start_up_reconciliation_completes_a_crash_at_any_step(
    store: Store, objects: BlobStore, user: User, step: str
) -> None:
    upload = crash_finishing(store, objects, user, step)
    done = recovery.reconcile(store, objects, grace_s=3600)
    assert done.finished + done.completed + done.files_removed >= 1
    assert_stored(store, objects, user, upload)
    assert recovery.reconcile(store, objects, grace_s=3600) == recovery.Reconciled()  # nothing left to do


def test_the_stuck_state_of_a_move_before_the_commit_is_adopted(store: Store, folder: FileObjects, user: User) -> None:
    """Servers before this one moved the file into blobs/ before the commit: no row, no upload file."""
    upload = whole_upload(store, folder, user)
    target = blob_path(folder.root, upload.org_id, upload.sha256)
    target.parent.mkdir(parents=True)
    os.replace(upload_path(folder.root, upload.id), target)
    assert uploads.upload_offset(folder, upload) == 0
    resumed = recovery.open_upload(store, folder, user, upload.id)  # once a 500 (FileNotFoundError)
    assert resumed.completed_at is not None
    assert blob_path(folder.root, upload.org_id, upload.sha256).read_bytes() == PHOTO


def test_an_upload_whose_file_is_gone_starts_again_at_zero(store: Store, folder: FileObjects, user: User) -> None:
    upload = start(store, folder, user, PHOTO)
    assert isinstance(upload, Upload)
    upload_path(folder.root, upload.id).unlink()
    opened = recovery.open_upload(store, folder, user, upload.id)
    assert uploads.upload_offset(folder, opened) == 0
    writer = chunk_writer(store, folder, opened, 0, announced=len(PHOTO), checksum=None)  # no FileNotFoundError
    writer.write(PHOTO)
    assert writer.finish() == len(PHOTO)
    assert recovery.open_upload(store, folder, user, upload.id).completed_at is not None


def test_orphan_files_go_and_orphan_blob_files_only_after_the_grace_period(
    store: Store, folder: FileObjects, user: User
) -> None:
    stray = folder.root / "uploads" / "no-such-upload"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"half")
    orphan = blob_path(folder.root, user.org_id, sha256(b"orphan"))
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"orphan")
    display = orphan.with_name(f"{orphan.name}.display.jpg")
    display.write_bytes(b"x")
    assert recovery.reconcile(store, folder, grace_s=3600).files_removed == 1
    assert not stray.exists()
    assert recovery.sweep_blob_files(store, folder, grace_s=3600) == 0
    assert orphan.exists() and display.exists()  # a finish in flight may have just placed them
    old = orphan.stat().st_mtime - 7200
    for path in (orphan, display):
        os.utime(path, (old, old))
    assert recovery.sweep_blob_files(store, folder, grace_s=3600) == 2
    assert not orphan.exists() and not display.exists()


def test_the_sweep_leaves_the_files_of_an_unfinished_upload_and_of_stored_blobs(
    store: Store, folder: FileObjects, user: User
) -> None:
    stored = crash_finishing(store, folder, user, "upload.finish.after_commit")  # a blob with its row
    recovery.reconcile(store, folder, grace_s=0)
    other = start(store, folder, user, PHOTO[:-1] + b"x")  # an upload whose files a finish just placed
    assert isinstance(other, Upload)
    placed = blob_path(folder.root, user.org_id, other.sha256)
    placed.parent.mkdir(parents=True, exist_ok=True)
    placed.write_bytes(b"placed, its row not yet committed")
    later = placed.stat().st_mtime + 7200
    assert recovery.sweep_blob_files(store, folder, grace_s=3600, now=later) == 0
    assert placed.exists()
    assert_stored(store, folder, user, stored)
