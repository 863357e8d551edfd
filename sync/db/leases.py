"""Job leases: work that several app servers on one database must do once, held by one of them at a time.

A lease is a row of ``job_lease`` (name, holder, expiry in epoch seconds), taken by one upsert
that succeeds only when the row is absent, expired, or already the taker's: the same statement
on SQLite (one writer at a time) and PostgreSQL (``ON CONFLICT … DO UPDATE … WHERE`` waits for a
concurrent taker's row lock and then re-checks the condition), so of two servers taking a lease
at once exactly one gets it. A lease runs out by itself, so a server killed while it holds one
holds up the job only until the expiry.

Two uses:

- :func:`take` / :func:`release` around work that must not run twice at once (one webhook's
  deliveries, in order), renewed with :func:`take` while the work goes on;
- :func:`claim_period`: a periodic job (the audit purge, the blob sweep) done once per period across
  servers: the lease is taken for the period and not released.
"""

from __future__ import annotations

import os
import socket
import uuid

from sync.db.store import Store

# who this process is: host, process id and a random part (a pid may be reused)
PROCESS = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def holder_of(store: Store) -> str:
    """The lease holder a store speaks for: its process, and the store itself (tests open two in one process)."""
    return f"{PROCESS}:{id(store):x}"


_TAKE = (
    "INSERT INTO job_lease (name, holder, expires_at) VALUES (?, ?, ?)"
    " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
    " WHERE job_lease.expires_at <= ? OR job_lease.holder = excluded.holder"
    " RETURNING holder"
)


def take(store: Store, name: str, now: float, ttl_s: float, holder: str | None = None) -> bool:
    """Take (or renew) the lease ``name`` until ``now + ttl_s``; ``False`` when another holder has it."""
    with store.transaction() as conn:
        return conn.execute(_TAKE, [name, holder or holder_of(store), now + ttl_s, now]).fetchone() is not None


def release(store: Store, name: str, holder: str | None = None) -> None:
    """Give the lease ``name`` back, if this holder still has it."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM job_lease WHERE name = ? AND holder = ?", [name, holder or holder_of(store)])


def claim_period(store: Store, name: str, now: float, period_s: float, holder: str | None = None) -> bool:
    """Claim the periodic job ``name`` for the period starting ``now``: ``True`` for one server per period.

    Unlike :func:`take`, a holder does not renew its own claim early: the next claim succeeds once
    the period has passed, for whichever server asks first.
    """
    with store.transaction() as conn:
        row = conn.execute(
            "INSERT INTO job_lease (name, holder, expires_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
            " WHERE job_lease.expires_at <= ? RETURNING holder",
            [name, holder or holder_of(store), now + period_s, now],
        ).fetchone()
        return row is not None
