"""Fixtures of the evidence tests: the evidence store (a folder, then an S3 bucket over HTTP), and two organisations."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher

from sync.db.store import Store
from sync.evidence.objects import BlobStore, FileObjects
from sync.evidence.store_url import open_blob_store
from tests.evidence import Org
from tests.s3 import new_bucket


@pytest.fixture(params=["file", "s3"])
def objects(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    """Every evidence test runs on a local folder and on a bucket of a real S3-protocol server."""
    if request.param == "file":
        return FileObjects(tmp_path / "evidence")
    return open_blob_store(new_bucket(request.getfixturevalue("s3_endpoint")), tmp_path / "unused")


@pytest.fixture
def folder(tmp_path: Path) -> FileObjects:
    """A local store, for what only a folder has (hard links, partial files, modification times)."""
    return FileObjects(tmp_path / "evidence")


@pytest.fixture
def orgs(store: Store, hasher: PasswordHasher) -> tuple[Org, Org]:
    return Org(store, hasher, "a"), Org(store, hasher, "b")
