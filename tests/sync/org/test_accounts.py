"""Accounts: argon2 passwords, device tokens, and the back-off after failed logins."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from sync.db.store import Store
from sync.errors import AlreadyExists, AuthenticationFailed, InvalidInput, LoginThrottled
from sync.org import accounts
from sync.org.accounts import LoginPolicy, create_user
from sync.org.sites import create_organisation

POLICY = LoginPolicy(free_failures=3, window_s=600, base_delay_s=2, max_delay_s=60)


@pytest.fixture
def org_id(store: Store) -> str:
    return create_organisation(store, "测试所").id


def make_user(store: Store, hasher: PasswordHasher, org_id: str, name: str = "inspector") -> accounts.User:
    return create_user(
        store, hasher, org_id=org_id, username=name, password="correct-horse", role="inspector", display_name=name
    )


def test_password_is_stored_as_an_argon2_hash(store: Store, hasher: PasswordHasher, org_id: str) -> None:
    make_user(store, hasher, org_id)
    stored = store.db.execute("SELECT password_hash FROM user").fetchone()[0]
    assert stored.startswith("$argon2id$")
    assert "correct-horse" not in stored


def test_token_is_stored_only_as_a_hash(store: Store, hasher: PasswordHasher, org_id: str) -> None:
    make_user(store, hasher, org_id)
    token, _, _ = accounts.login(store, hasher, POLICY, username="inspector", password="correct-horse", device_name="p")
    stored = store.db.execute("SELECT token_hash FROM device").fetchone()[0]
    assert token not in stored
    assert stored == accounts.hash_token(token)


def test_duplicate_usernames_and_short_passwords_are_refused(store: Store, hasher: PasswordHasher, org_id: str) -> None:
    make_user(store, hasher, org_id)
    with pytest.raises(AlreadyExists):
        make_user(store, hasher, org_id)
    with pytest.raises(InvalidInput):
        create_user(store, hasher, org_id=org_id, username="x", password="short", role="admin", display_name="x")


def test_failed_logins_back_off_exponentially_and_success_resets(
    store: Store, hasher: PasswordHasher, org_id: str
) -> None:
    make_user(store, hasher, org_id)

    def attempt(password: str, at: float) -> str:
        try:
            accounts.login(store, hasher, POLICY, username="inspector", password=password, device_name="p", now=at)
        except LoginThrottled as exc:
            return f"wait {exc.retry_after}"
        except AuthenticationFailed:
            return "wrong"
        return "ok"

    assert [attempt("bad", 1000 + i) for i in range(3)] == ["wrong", "wrong", "wrong"]
    assert attempt("correct-horse", 1002.5) == "wait 2"  # 2 s after the third failure
    assert attempt("bad", 1004) == "wrong"  # waited: the attempt is judged, and fails
    assert attempt("correct-horse", 1005) == "wait 3"  # now 4 s after 1004
    assert attempt("correct-horse", 1008) == "ok"
    assert attempt("bad", 1009) == "wrong"  # the success cleared the failures
    assert attempt("correct-horse", 1009.5) == "ok"


def test_back_off_is_capped_and_failures_age_out(store: Store, hasher: PasswordHasher, org_id: str) -> None:
    make_user(store, hasher, org_id)
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO login_failure (username, at) VALUES (?, ?)", [("inspector", 5000 + i) for i in range(20)]
        )
    with pytest.raises(LoginThrottled) as caught:
        accounts.login(store, hasher, POLICY, username="inspector", password="x", device_name="p", now=5020)
    assert caught.value.retry_after == 60 - 1
    token, _, _ = accounts.login(
        store, hasher, POLICY, username="inspector", password="correct-horse", device_name="p", now=5020 + 601
    )
    assert token


def test_revoked_and_deactivated_tokens_fail(store: Store, hasher: PasswordHasher, org_id: str) -> None:
    user = make_user(store, hasher, org_id)
    first, _, device = accounts.login(
        store, hasher, POLICY, username="inspector", password="correct-horse", device_name="a"
    )
    second, _, _ = accounts.login(
        store, hasher, POLICY, username="inspector", password="correct-horse", device_name="b"
    )
    assert accounts.authenticate(store, first)[0].id == user.id
    accounts.revoke_device(store, user, device.id)
    accounts.revoke_device(store, user, device.id)  # idempotent
    with pytest.raises(AuthenticationFailed):
        accounts.authenticate(store, first)
    assert accounts.authenticate(store, second)[1] != device.id
    accounts.set_active(store, user, False)
    with pytest.raises(AuthenticationFailed):
        accounts.authenticate(store, second)
