"""Start-up and shut-down: what the app opens before it serves, runs beside it, and closes after.

:func:`open_runtime` does all the start-up I/O: it opens the store, loads every checklist
template and publishes it, purges old tombstones, saves the finding rules, seeds the demo data
if asked, stores the facts of inspections that have none (``sync.engine.facts.backfill``), builds the
report rollups and flags possible duplicates once (``sync.engine.rollups``,
``sync.engine.duplicate_flags``), opens the evidence store (``XUNJIAN_BLOB_STORE``: the data folder or a
bucket, :mod:`sync.evidence.objects`) and reconciles the uploads a crash or a
stop left half done (``sync.evidence.recovery.reconcile``). :func:`server.app.create_app` calls it while it builds
the app, not from a Litestar lifespan, on purpose:

- ``python -m server`` refuses a malformed template (:class:`schemas.catalog.TemplateError`)
  with a clear message and exit code 2 before uvicorn starts, and prints the demo accounts;
- tests read ``app.state`` straight after ``create_app``, without starting the app (a
  restart test reads the catalog this way).

A lifespan would do the I/O only when the app starts, and again at every start.

While the app serves, the webhook delivery task runs beside it: :func:`start_delivery` on
start-up, :func:`stop_delivery` on shut-down before :meth:`Runtime.close` closes the store; so
does, once, the sweep of blob files without a row (:func:`start_sweep`, :func:`stop_sweep`).

Several app servers on one database: each webhook's deliveries are claimed per pass
(:mod:`sync.feed.webhooks`), the overdue look is numbered under the sequence lock, and the sweep is
done by one server at a time (a lease, :mod:`sync.db.leases`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from weakref import WeakValueDictionary

import msgspec
from argon2 import PasswordHasher
from litestar import Litestar
from litestar.datastructures import State

from schemas.catalog import Catalog, load_catalog
from server.settings import Settings
from sync.db import leases
from sync.db.open import open_store
from sync.db.store import Store
from sync.engine import duplicate_flags
from sync.engine.checklists import load_published, published_lookup
from sync.engine.facts import backfill as backfill_facts
from sync.engine.rollups import backfill as backfill_rollups
from sync.evidence.objects import BlobStore
from sync.evidence.recovery import Reconciled, reconcile, sweep_blob_files
from sync.evidence.store_url import open_blob_store
from sync.feed import events, webhooks
from sync.feed.pinned_post import pinned_post
from sync.feed.webhooks import DeliveryPolicy
from sync.org.demo import load_demo
from sync.pull import iso_before, purge_tombstones
from sync.review.findings import FindingRules, save_finding_rules
from sync.review.workdays import today_in_china

log = logging.getLogger("xunjian.webhooks")

SWEEP_LEASE = "blob-sweep"  # several app servers starting at once: one sweeps (sync.db.leases)
SWEEP_LEASE_S = 3600.0


@dataclass(frozen=True)
class Runtime:
    """What the app holds while it runs; ``demo_accounts`` is ``None`` unless in demo mode."""

    settings: Settings
    store: Store
    catalog: Catalog
    hasher: PasswordHasher
    evidence_dir: Path
    blob_store: BlobStore
    demo_accounts: list[str] | None

    def state(self) -> State:
        """The app's state: the runtime, and the per-app caches of schemas and upload locks."""
        values: dict[str, Any] = {
            "store": self.store,
            "catalog": self.catalog,
            "hasher": self.hasher,
            "settings": self.settings,
            "evidence_dir": self.evidence_dir,
            "blob_store": self.blob_store,
            "schema_cache": {},
            "upload_locks": WeakValueDictionary(),
        }
        if self.demo_accounts is not None:
            values["demo_accounts"] = self.demo_accounts
        return State(values)

    def close(self) -> None:
        """on_shutdown: close the store; a throwaway evidence folder (in-memory database) goes too."""
        self.store.close()
        if self.settings.data_dir is None:
            shutil.rmtree(self.evidence_dir, ignore_errors=True)


def open_runtime(settings: Settings) -> Runtime:
    """Open the store, load and check every checklist, seed demo data if asked.

    A malformed template raises :class:`schemas.catalog.TemplateError` (the store is closed
    again), so the server does not start with it.
    """
    store = open_store(settings.database_url, settings.data_dir)
    try:
        catalog = load_published(store, load_catalog(settings.templates_dir))
        catalog = replace(catalog, missing=published_lookup(store))  # published through another app server
        purge_tombstones(store, iso_before(settings.tombstone_window_s))
        save_finding_rules(store, FindingRules(settings.repeat_window_days))
        hasher = PasswordHasher(time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib)
        demo_accounts = load_demo(store, hasher) if settings.demo else None
        backfill_facts(store, catalog)
        backfill_rollups(store)
        duplicate_flags.backfill(store)
    except BaseException:
        store.close()
        raise
    # evidence files beside the database; an in-memory database (tests) gets a throwaway folder
    evidence_dir = settings.data_dir or Path(tempfile.gettempdir()) / f"xunjian-evidence-{uuid.uuid4().hex}"
    evidence_dir.mkdir(parents=True, exist_ok=True)  # on PostgreSQL nothing else makes it
    try:  # finish what a crash or a stop left half done (sync.evidence.recovery)
        blob_store = open_blob_store(settings.blob_store, evidence_dir)
        reconciled = reconcile(store, blob_store, grace_s=settings.blob_grace_s)
    except BaseException:
        store.close()
        raise
    if reconciled != Reconciled():
        logging.getLogger("xunjian.recovery").warning("start-up reconciliation: %s", msgspec.to_builtins(reconciled))
    return Runtime(settings, store, catalog, hasher, evidence_dir, blob_store, demo_accounts)


async def _deliver_forever(store: Store, settings: Settings, stop: threading.Event, wake: asyncio.Event) -> None:
    """Loop over :func:`sync.feed.webhooks.deliver_due` in a worker thread until stopped."""
    policy = DeliveryPolicy(settings.webhook_backoff_s, settings.webhook_max_attempts)
    http_post = pinned_post(settings.webhook_timeout_s, settings.webhook_networks)
    while not stop.is_set():
        try:
            await asyncio.to_thread(events.record_overdue, store, today_in_china())
            await asyncio.to_thread(webhooks.deliver_due, store, http_post, time.time(), policy=policy, stop=stop)
        except Exception:  # a broken pass is logged; the next one tries again
            log.exception("webhook delivery pass failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), settings.webhook_poll_s)


async def start_sweep(app: Litestar) -> None:
    """on_startup: remove blob files without a row past the grace period, in a thread beside the server."""
    stop = threading.Event()
    args = (app.state.store, app.state.blob_store)
    kwargs = {"grace_s": app.state.settings.blob_grace_s, "stop": stop}
    thread = threading.Thread(target=_sweep, args=args, kwargs=kwargs, name="blob-sweep", daemon=True)
    app.state.blob_sweep = (stop, thread)
    thread.start()


def _sweep(store: Store, objects: BlobStore, **options: Any) -> None:
    """Sweep once, unless another app server on the same database is sweeping now (its lease)."""
    try:
        if not leases.take(store, SWEEP_LEASE, time.time(), max(SWEEP_LEASE_S, options["grace_s"])):
            return
        try:
            removed = sweep_blob_files(store, objects, **options)
        finally:
            leases.release(store, SWEEP_LEASE)
    except Exception:  # the next start sweeps again
        logging.getLogger("xunjian.recovery").exception("sweeping blob files without a row failed")
        return
    if removed:
        logging.getLogger("xunjian.recovery").warning("removed %d blob files without a row", removed)


async def stop_sweep(app: Litestar) -> None:
    """on_shutdown, before the store closes: stop the sweep after the folder it is in."""
    sweep: tuple[threading.Event, threading.Thread] | None = app.state.get("blob_sweep")
    if sweep is None:
        return
    stop, thread = sweep
    stop.set()
    await asyncio.to_thread(thread.join)


async def start_delivery(app: Litestar) -> None:
    """on_startup: start the webhook delivery task (unless ``webhook_poll_s`` is 0)."""
    settings: Settings = app.state.settings
    if settings.webhook_poll_s <= 0:
        return
    stop, wake = threading.Event(), asyncio.Event()
    app.state.webhook_stop = (stop, wake)
    app.state.webhook_task = asyncio.create_task(_deliver_forever(app.state.store, settings, stop, wake))


async def stop_delivery(app: Litestar) -> None:
    """on_shutdown, before the store closes: let the current pass end (at most one POST), then stop."""
    task: asyncio.Task[None] | None = app.state.get("webhook_task")
    if task is None:
        return
    stop, wake = app.state.webhook_stop
    stop.set()
    wake.set()
    try:
        await asyncio.wait_for(asyncio.shield(task), app.state.settings.webhook_timeout_s + 5)
    except (TimeoutError, asyncio.CancelledError):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
