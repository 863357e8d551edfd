"""The audit trail's retention: rows older than ``XUNJIAN_AUDIT_RETENTION_DAYS`` are purged, at start-up and daily.

:func:`start_retention` (on start-up) purges once before the app serves, then leaves a task
that purges every :data:`PURGE_EVERY_S` seconds; :func:`stop_retention` (on shut-down, before
the store closes) ends it. The purge is :func:`sync.org.audit.purge`, in a worker thread. With several
app servers on one database each daily purge is done by one of them (a claim per period,
:func:`sync.db.leases.claim_period`); the start-up purge, idempotent, by each.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime, timedelta

from litestar import Litestar

from server.settings import Settings
from sync.clock import iso
from sync.db import leases
from sync.db.store import Store
from sync.org import audit

PURGE_EVERY_S = 24 * 3600.0
PURGE_LEASE = "audit-retention"

log = logging.getLogger("xunjian.audit")


def purge_old(store: Store, settings: Settings) -> int:
    """Purge the audit rows older than the retention; returns how many went."""
    cutoff = iso(datetime.now(UTC) - timedelta(days=settings.audit_retention_days))
    purged = audit.purge(store, cutoff)
    if purged:
        log.info("audit trail: purged %d rows recorded before %s", purged, cutoff)
    return purged


def _purge_once_per_period(store: Store, settings: Settings) -> int:
    """The daily purge, by one of the app servers on the database (the first to claim the day)."""
    if not leases.claim_period(store, PURGE_LEASE, time.time(), PURGE_EVERY_S - 60):
        return 0
    return purge_old(store, settings)


async def _purge_forever(store: Store, settings: Settings, stop: asyncio.Event) -> None:
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), PURGE_EVERY_S)
        if stop.is_set():
            return
        try:
            await asyncio.to_thread(_purge_once_per_period, store, settings)
        except Exception:  # a failed purge is logged; the next one tries again
            log.exception("audit retention purge failed")


async def start_retention(app: Litestar) -> None:
    """on_startup: purge once now, then every :data:`PURGE_EVERY_S` seconds beside the app."""
    store: Store = app.state.store
    settings: Settings = app.state.settings
    await asyncio.to_thread(purge_old, store, settings)
    stop = asyncio.Event()
    app.state.retention_stop = stop
    app.state.retention_task = asyncio.create_task(_purge_forever(store, settings, stop))


async def stop_retention(app: Litestar) -> None:
    """on_shutdown, before the store closes: end the purge task (a purge under way finishes first)."""
    task: asyncio.Task[None] | None = app.state.get("retention_task")
    if task is None:
        return
    app.state.retention_stop.set()
    await task
