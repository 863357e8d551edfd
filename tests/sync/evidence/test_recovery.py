"""Finishing an upload is safe to crash at every step: a resume, or start-up reconciliation, completes it
with the right bytes, and files nothing needs are removed (orphan blob files only after the grace period)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from sync.db.store import Store
from sync.evidence import recovery, uploads
from sync.evidence.blobs import blob_path, get_blob
from sync.evidence.chunks import ChunkWriter
from sync.evidence.uploads import Upload, upload_path
from sync.faults import FaultInjected, armed
from sync.org.accounts import User, create_user
from sync.org.sites import create_organisation
from tests.evidence import PHOTO, sha256, start

STEPS = ("upload.finish.after_files", "upload.finish.before_commit", "upload.finish.after_commit")


@pytest.fixture
def user(store: Store, hasher: PasswordHasher) -> User:
    org = create_organisation(store, "org")
    return create_user(
        store, hasher, org_id=org.id, username="i1", password="Quiet-Kite-88", role="inspector", display_name="i"
    )


def whole_upload(store: Store, root: Path, user: User) -> Upload:
    upload = start(store, root, user, PHOTO)
    assert isinstance(upload, Upload)
    writer = ChunkWriter(root, upload, 0, announced=len(PHOTO), checksum=None)
    writer.write(PHOTO)
    assert writer.finish() == len(PHOTO)
    return upload


def crash_finishing(store: Store, root: Path, user: User, step: str) -> Upload:
    upload = whole_upload(store, root, user)
    with armed(step), pytest.raises(FaultInjected):
        uploads.finish_upload(store, root, upload)
    return upload


def assert_stored(store: Store, root: Path, user: User, upload: Upload) -> None:
    assert uploads.get_upload(store, root, user, upload.id).completed_at is not None
    assert get_blob(store, upload.org_id, upload.sha256) is not None
    assert blob_path(root, upload.org_id, upload.sha256).read_bytes() == PHOTO
    for variant in ("display", "thumb"):
        assert blob_path(root, upload.org_id, upload.sha256, variant).stat().st_size > 0
    assert not upload_path(root, upload.id).exists()
    assert not list(blob_path(root, upload.org_id, upload.sha256).parent.glob("*.partial"))


@pytest.mark.parametrize("step", STEPS)
def test_a_resume_after_a_crash_at_any_step_of_finishing_completes(
    store: Store, root: Path, user: User, step: str
) -> None:
    upload = crash_finishing(store, root, user, step)
    resumed = recovery.open_upload(store, root, user, upload.id)  # the client's HEAD (or PATCH)
    assert resumed.completed_at is not None
    assert uploads.upload_offset(root, resumed) == len(PHOTO)
    recovery.reconcile(store, root, grace_s=3600)  # the leftover upload file of a crash after the commit
    assert_stored(store, root, user, upload)


@pytest.mark.parametrize("step", STEPS)
def test_start_up_reconciliation_completes_a_crash_at_any_step(store: Store, root: Path, user: User, step: str) -> None:
    upload = crash_finishing(store, root, user, step)
    done = recovery.reconcile(store, root, grace_s=3600)
    assert done.finished + done.completed + done.files_removed >= 1
    assert_stored(store, root, user, upload)
    assert recovery.reconcile(store, root, grace_s=3600) == recovery.Reconciled()  # nothing left to do


def test_the_stuck_state_of_a_move_before_the_commit_is_adopted(store: Store, root: Path, user: User) -> None:
    """Servers before this one moved the file into blobs/ before the commit: no row, no upload file."""
    upload = whole_upload(store, root, user)
    target = blob_path(root, upload.org_id, upload.sha256)
    target.parent.mkdir(parents=True)
    os.replace(upload_path(root, upload.id), target)
    assert uploads.upload_offset(root, upload) == 0
    resumed = recovery.open_upload(store, root, user, upload.id)  # once a 500 (FileNotFoundError)
    assert resumed.completed_at is not None
    assert blob_path(root, upload.org_id, upload.sha256).read_bytes() == PHOTO


def test_an_upload_whose_file_is_gone_starts_again_at_zero(store: Store, root: Path, user: User) -> None:
    upload = start(store, root, user, PHOTO)
    assert isinstance(upload, Upload)
    upload_path(root, upload.id).unlink()
    opened = recovery.open_upload(store, root, user, upload.id)
    assert uploads.upload_offset(root, opened) == 0
    writer = ChunkWriter(root, opened, 0, announced=len(PHOTO), checksum=None)  # no FileNotFoundError
    writer.write(PHOTO)
    assert writer.finish() == len(PHOTO)
    assert recovery.open_upload(store, root, user, upload.id).completed_at is not None


def test_orphan_files_go_and_orphan_blob_files_only_after_the_grace_period(
    store: Store, root: Path, user: User
) -> None:
    stray = root / "uploads" / "no-such-upload"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"half")
    orphan = blob_path(root, user.org_id, sha256(b"orphan"))
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"orphan")
    display = orphan.with_name(f"{orphan.name}.display.jpg")
    display.write_bytes(b"x")
    assert recovery.reconcile(store, root, grace_s=3600).files_removed == 1
    assert not stray.exists()
    assert recovery.sweep_blob_files(store, root, grace_s=3600) == 0
    assert orphan.exists() and display.exists()  # a finish in flight may have just placed them
    old = orphan.stat().st_mtime - 7200
    for path in (orphan, display):
        os.utime(path, (old, old))
    assert recovery.sweep_blob_files(store, root, grace_s=3600) == 2
    assert not orphan.exists() and not display.exists()


def test_the_sweep_leaves_the_files_of_an_unfinished_upload_and_of_stored_blobs(
    store: Store, root: Path, user: User
) -> None:
    stored = crash_finishing(store, root, user, "upload.finish.after_commit")  # a blob with its row
    recovery.reconcile(store, root, grace_s=0)
    other = start(store, root, user, PHOTO[:-1] + b"x")  # an upload whose files a finish just placed
    assert isinstance(other, Upload)
    placed = blob_path(root, user.org_id, other.sha256)
    placed.parent.mkdir(parents=True, exist_ok=True)
    placed.write_bytes(b"placed, its row not yet committed")
    later = placed.stat().st_mtime + 7200
    assert recovery.sweep_blob_files(store, root, grace_s=3600, now=later) == 0
    assert placed.exists()
    assert_stored(store, root, user, stored)
