"""Fixtures of the sync tests."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from sync.db.store import Store
from tests.sync.office import Office, new_office


@pytest.fixture
def office(store: Store, hasher: PasswordHasher) -> Office:
    """An organisation in ``store``: see :func:`tests.sync.office.new_office`."""
    return new_office(store, hasher)
