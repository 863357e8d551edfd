"""Job leases: work that several app servers on one database must do once, held by one of them at a time.

A lease is a row of ``job_lease`` (name, holder, expiry in epoch seconds), taken by one upsert
that succeeds only when the row is absent, expired, or already the taker's: the same statement
on SQLite (one writer at a time) and PostgreSQL (``ON CONFLICT … DO UPDATE … WHERE`` waits for a
concurrent taker's row lock and then re-checks the condition), so of two servers taking a lease
at once exactly one gets it. A lease runs out by itself, so a server killed while it holds one
holds up the job only until the expiry — or not at all when it ran on this machine: a holder names
its host, process id, a random part and where that pid means something (the kernel's boot and
pid namespace, on Linux), and a taker that shares the boot and namespace and finds that process
gone (or a zombie) takes the lease at once (:func:`gone`). A holder it cannot judge (another
machine, another container, an unknown form) is waited out.

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
from pathlib import Path

from sync.db.store import Store


def _pid_space() -> str:
    """Where a process id means one process: this boot's id and pid namespace (``""`` when unknown)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip().replace("-", "")[:12]
        return f"{boot}.{os.stat('/proc/self/ns/pid').st_ino}"
    except OSError:
        return ""


PID_SPACE = _pid_space()
# who this process is: host, process id, a random part (a pid may be reused) and its pid space
PROCESS = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}:{PID_SPACE}"


def holder_of(store: Store) -> str:
    """The lease holder a store speaks for: its process, and the store itself (tests open two in one process)."""
    return f"{PROCESS}:{id(store):x}"


_TAKE = (
    "INSERT INTO job_lease (name, holder, expires_at) VALUES (?, ?, ?)"
    " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
    " WHERE job_lease.expires_at <= ? OR job_lease.holder = excluded.holder"
    " RETURNING holder"
)


def gone(holder: str) -> bool:
    """Whether ``holder`` was a process of this machine's pid space that no longer runs (or is a zombie)."""
    parts = holder.split(":")
    if not PID_SPACE or len(parts) < 4 or parts[3] != PID_SPACE or not parts[1].isdigit():
        return False  # another machine or container, or not a process's name: cannot tell
    pid = int(parts[1])
    if pid == os.getpid():
        return not PROCESS.startswith(":".join(parts[:3]) + ":")  # this pid, another process: it ended
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no such process
    return state in ("Z", "X")  # killed, not yet reaped


def take(store: Store, name: str, now: float, ttl_s: float, holder: str | None = None) -> bool:
    """Take (or renew) the lease ``name`` until ``now + ttl_s``; ``False`` when another holder has it.

    A holder found :func:`gone` gives the lease up at once, unexpired.
    """
    holder = holder or holder_of(store)
    with store.transaction() as conn:
        if conn.execute(_TAKE, [name, holder, now + ttl_s, now]).fetchone() is not None:
            return True
        row = conn.execute("SELECT holder FROM job_lease WHERE name = ?", [name]).fetchone()
        if row is None or not gone(row[0]):
            return False
        taken = conn.execute(
            "UPDATE job_lease SET holder = ?, expires_at = ? WHERE name = ? AND holder = ? RETURNING holder",
            [holder, now + ttl_s, name, row[0]],
        )
        return taken.fetchone() is not None


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
