"""Job leases (several app servers on one database): one holder at a time, expiry, periodic claims."""

from __future__ import annotations

from pathlib import Path

from sync.db import leases
from sync.db.open import open_store
from sync.db.store import Store

T0 = 1_800_000_000.0


def test_a_lease_has_one_holder_until_it_runs_out_or_is_released(store: Store) -> None:
    assert leases.take(store, "job", T0, 60, holder="a")
    assert not leases.take(store, "job", T0 + 1, 60, holder="b")
    assert leases.take(store, "job", T0 + 30, 60, holder="a")  # renewed: now until T0 + 90
    assert not leases.take(store, "job", T0 + 80, 60, holder="b")
    assert leases.take(store, "job", T0 + 90, 60, holder="b")  # ran out: a dead holder holds nothing up
    assert not leases.take(store, "job", T0 + 91, 60, holder="a")
    leases.release(store, "job", holder="a")  # not a's any more: stays b's
    assert not leases.take(store, "job", T0 + 92, 60, holder="a")
    leases.release(store, "job", holder="b")
    assert leases.take(store, "job", T0 + 93, 60, holder="a")
    assert leases.take(store, "other", T0 + 93, 60, holder="b")  # leases are per name


def test_a_periodic_job_is_claimed_once_per_period_across_servers(store: Store) -> None:
    assert leases.claim_period(store, "purge", T0, 3600, holder="a")
    assert not leases.claim_period(store, "purge", T0 + 10, 3600, holder="b")
    assert not leases.claim_period(store, "purge", T0 + 20, 3600, holder="a")  # not again by its holder either
    assert leases.claim_period(store, "purge", T0 + 3600, 3600, holder="b")


def test_two_stores_on_one_database_see_each_others_leases(store: Store, tmp_path: Path, database_url: str) -> None:
    other = open_store(database_url, tmp_path / "store")  # a second app server on the same database
    try:
        assert leases.take(store, "job", T0, 60, holder="a")
        assert not leases.take(other, "job", T0 + 1, 60, holder="b")
        leases.release(store, "job", holder="a")
        assert leases.take(other, "job", T0 + 2, 60, holder="b")
    finally:
        other.close()
