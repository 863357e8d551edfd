"""Fixtures of the evidence tests: the evidence folder, and two organisations."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher

from sync.db.store import Store
from tests.evidence import Org


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "evidence"


@pytest.fixture
def orgs(store: Store, hasher: PasswordHasher) -> tuple[Org, Org]:
    return Org(store, hasher, "a"), Org(store, hasher, "b")
