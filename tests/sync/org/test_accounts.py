"""Accounts: argon2 passwords, device tokens, and the back-off after failed logins."""

from __future__ import annotations

from typing import Literal

import argon2
import pytest
from argon2 import PasswordHasher

from sync.clock import iso_from_epoch, ms_from_iso
from sync.db.store import Store
from sync.errors import AlreadyExists, AuthenticationFailed, InvalidInput, LoginThrottled, WeakPassword
from sync.org import accounts, passwords
from sync.org.accounts import LoginPolicy, create_user
from sync.org.demo import DEMO_PASSWORD
from sync.org.sites import create_organisation
from tests.sync.office import tracing

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


class CountingHasher(PasswordHasher):
    """A real argon2 hasher that counts its verifications and keeps the parameters of each hash it checked."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024)
        self.checked: list[argon2.Parameters] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.checked.append(argon2.extract_parameters(hash if isinstance(hash, str) else hash.decode()))
        return super().verify(hash, password)


def test_an_unknown_or_inactive_user_costs_the_same_argon2_work_as_a_wrong_password(store: Store, org_id: str) -> None:
    hasher = CountingHasher()
    user = make_user(store, hasher, org_id)
    accounts.set_active(store, make_user(store, hasher, org_id, "retired"), False)
    stored_hash = store.db.execute("SELECT password_hash FROM user WHERE id = ?", [user.id]).fetchone()[0]
    stored = argon2.extract_parameters(stored_hash)
    for username in ("inspector", "nobody", "retired"):
        hasher.checked.clear()
        with pytest.raises(AuthenticationFailed, match="wrong username or password"):
            accounts.login(store, hasher, POLICY, username=username, password="wrong-guess", device_name="p")
        assert hasher.checked == [stored], username  # one verification, of a hash with the same cost


def test_back_off_is_per_account_and_address_and_per_address_across_accounts(
    store: Store, hasher: PasswordHasher, org_id: str
) -> None:
    make_user(store, hasher, org_id)
    policy = LoginPolicy(free_failures=5, window_s=600, base_delay_s=2, max_delay_s=60, address_free_failures=20)

    def attempt(username: str, password: str, client: str, at: float) -> str:
        try:
            accounts.login(
                store, hasher, policy, username=username, password=password, device_name="p", client=client, now=at
            )
        except LoginThrottled:
            return "429"
        except AuthenticationFailed:
            return "401"
        return "200"

    from_a = [attempt("inspector", "guess", "10.0.0.1", 1000 + i * 0.01) for i in range(20)]
    assert from_a == ["401"] * 5 + ["429"] * 15  # A is slowed for this account
    assert attempt("inspector", "correct-horse", "10.0.0.1", 1001) == "429"
    assert attempt("inspector", "correct-horse", "10.0.0.2", 1001) == "200"  # the rightful user, elsewhere
    spray = [attempt(f"user{n}", "Winter2026!", "10.0.0.3", 1000 + n * 0.01) for n in range(30)]
    assert spray == ["401"] * 20 + ["429"] * 10  # one address across accounts
    assert attempt("inspector", "correct-horse", "10.0.0.3", 1001) == "429"
    assert attempt("inspector", "correct-horse", "10.0.0.3", 1000 + 600.5) == "200"  # aged out of the window


def test_tokens_expire_when_idle_and_absolutely_and_last_use_is_written_sparingly(
    store: Store, hasher: PasswordHasher, org_id: str
) -> None:
    make_user(store, hasher, org_id)
    policy = accounts.TokenPolicy(idle_days=10, max_days=30, touch_s=300)
    token, _, device = accounts.login(
        store, hasher, POLICY, username="inspector", password="correct-horse", device_name="p"
    )
    issued = ms_from_iso(device.created_at) / 1000
    day = 86400.0

    def used_at() -> str:
        value: str = store.db.execute("SELECT last_seen_at FROM device WHERE id = ?", [device.id]).fetchone()[0]
        return value

    accounts.authenticate(store, token, policy, now=issued + 100)
    assert used_at() == device.last_seen_at  # within touch_s: no write
    accounts.authenticate(store, token, policy, now=issued + 400)
    assert used_at() == iso_from_epoch(issued + 400)
    for n in range(1, 4):  # used every 9 days: never idle for 10
        accounts.authenticate(store, token, policy, now=issued + n * 9 * day)
    with pytest.raises(AuthenticationFailed, match="older than 30 days"):
        accounts.authenticate(store, token, policy, now=issued + 30 * day + 1)
    second, _, other = accounts.login(
        store, hasher, POLICY, username="inspector", password="correct-horse", device_name="q"
    )
    start = ms_from_iso(other.created_at) / 1000
    with pytest.raises(AuthenticationFailed, match="unused for 10 days"):
        accounts.authenticate(store, second, policy, now=start + 10 * day + 1)


def test_revoke_all_devices_ends_every_token_of_the_user(store: Store, hasher: PasswordHasher, org_id: str) -> None:
    user = make_user(store, hasher, org_id)
    other = create_user(
        store, hasher, org_id=org_id, username="other", password="Quiet-Kite-88", role="inspector", display_name="o"
    )
    tokens = [
        accounts.login(store, hasher, POLICY, username="inspector", password="correct-horse", device_name=n)[0]
        for n in ("a", "b")
    ]
    kept = accounts.login(store, hasher, POLICY, username="other", password="Quiet-Kite-88", device_name="c")[0]
    assert accounts.revoke_all_devices(store, user) == 2
    assert accounts.revoke_all_devices(store, user) == 0
    for token in tokens:
        with pytest.raises(AuthenticationFailed):
            accounts.authenticate(store, token)
    assert accounts.authenticate(store, kept)[0].id == other.id


@pytest.mark.parametrize(
    ("username", "password", "rule"),
    [
        ("inspector", "Short-9", "length"),
        ("inspector", "123456789", "length"),
        ("wang.li", "my-WANG.LI-2026", "username"),
        ("inspector", "xx-Inspector-xx", "username"),
        ("inspector", "1234567890", "common"),
        ("inspector", "qwertyuiop", "common"),
        ("inspector", "Password123", "common"),
        ("inspector", "iloveyou12", "common"),
    ],
)
def test_new_passwords_follow_the_policy_and_say_which_rule_failed(
    store: Store, hasher: PasswordHasher, org_id: str, username: str, password: str, rule: str
) -> None:
    with pytest.raises(WeakPassword) as caught:
        create_user(
            store, hasher, org_id=org_id, username=username, password=password, role="inspector", display_name="x"
        )
    assert caught.value.rule == rule
    assert " / " in str(caught.value)  # Chinese, then English
    assert store.db.execute("SELECT count(*) FROM user").fetchone()[0] == 0


def test_the_common_list_is_the_vendored_one_and_demo_accounts_alone_are_excepted(
    store: Store, hasher: PasswordHasher, org_id: str
) -> None:
    assert len(passwords.COMMON) > 19_000
    assert {"password", "123456", "qwerty123"} <= passwords.COMMON
    with pytest.raises(WeakPassword):
        create_user(
            store, hasher, org_id=org_id, username="admin", password=DEMO_PASSWORD, role="admin", display_name="a"
        )
    demo = create_user(
        store,
        hasher,
        org_id=org_id,
        username="admin",
        password=DEMO_PASSWORD,
        role="admin",
        display_name="a",
        demo_account=True,
    )
    assert demo.username == "admin"


def test_the_device_list_is_the_tokens_that_still_work(store: Store, hasher: PasswordHasher, org_id: str) -> None:
    user = make_user(store, hasher, org_id)
    policy = accounts.TokenPolicy(idle_days=10, max_days=30, touch_s=300)
    logins = {
        name: accounts.login(store, hasher, POLICY, username="inspector", password="correct-horse", device_name=name)
        for name in ("kept", "revoked", "old", "idle", "fresh")
    }
    day = 86400.0
    now = ms_from_iso(logins["fresh"][2].created_at) / 1000 + 60
    accounts.revoke_device(store, user, logins["revoked"][2].id)
    with store.transaction() as conn:  # issued 31 days ago, used yesterday; issued 20 days ago, unused for 11
        conn.execute(
            "UPDATE device SET created_at = ?, last_seen_at = ? WHERE id = ?",
            [iso_from_epoch(now - 31 * day), iso_from_epoch(now - day), logins["old"][2].id],
        )
        conn.execute(
            "UPDATE device SET created_at = ?, last_seen_at = ? WHERE id = ?",
            [iso_from_epoch(now - 20 * day), iso_from_epoch(now - 11 * day), logins["idle"][2].id],
        )
    listed = [d.name for d in accounts.list_devices(store, user, policy, now=now)]
    assert listed == ["kept", "fresh"]
    working = []
    for name, (token, _, _) in logins.items():
        try:
            accounts.authenticate(store, token, policy, now=now)
        except AuthenticationFailed:
            continue
        working.append(name)
    assert working == listed


@pytest.mark.sqlite_only(reason="SQLite's query plans (EXPLAIN QUERY PLAN)")
def test_the_device_list_reads_the_live_tokens_from_their_index(
    store: Store, hasher: PasswordHasher, org_id: str
) -> None:
    user = make_user(store, hasher, org_id)
    accounts.login(store, hasher, POLICY, username="inspector", password="correct-horse", device_name="p")
    with tracing(store) as statements:
        accounts.list_devices(store, user)
    listing = next(s for s in statements if "FROM device" in s)
    plan = [row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + listing)]
    assert any("USING INDEX device_live (user_id=? AND created_at>?)" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan
