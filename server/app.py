"""The app factory: ``create_app(settings)`` wires routers, dependencies and problems."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from functools import partial
from pathlib import Path
from weakref import WeakValueDictionary

from argon2 import PasswordHasher
from litestar import Litestar, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from msgspec import Struct

from schemas.catalog import load_catalog
from server import auth, blobs, checklists, conflicts, findings, inspections, pwa, schedules, sites, uploads, users
from server import directory as directory_routes
from server import events as event_routes
from server import exports as export_routes
from server import reports as report_routes
from server import sync as sync_routes
from server.problems import fallback_handlers, problem_plugin
from server.settings import Settings
from sync.db.store import open_store
from sync.engine.checklists import load_published
from sync.org.demo import load_demo
from sync.pull import iso_before, purge_tombstones
from sync.review.findings import FindingRules, save_finding_rules


class Health(Struct):
    status: str
    checklists: int


@get("/api/health")
async def health(state: State) -> Health:
    """Liveness, and how many checklist versions are published."""
    return Health("ok", len(state.catalog.templates))


def _remove_throwaway(settings: Settings, evidence_dir: Path) -> None:
    if settings.data_dir is None:
        shutil.rmtree(evidence_dir, ignore_errors=True)


def create_app(settings: Settings) -> Litestar:
    """Build the app: open the store, load and check every checklist, seed demo data if asked.

    A malformed template raises :class:`schemas.catalog.TemplateError` here, so the
    server does not start with it.
    """
    store = open_store(settings.data_dir)
    catalog = load_published(store, load_catalog(settings.templates_dir))
    purge_tombstones(store, iso_before(settings.tombstone_window_s))
    save_finding_rules(store, FindingRules(settings.repeat_window_days))
    hasher = PasswordHasher(time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib)
    # evidence files beside the database; an in-memory database (tests) gets a throwaway folder
    evidence_dir = settings.data_dir or Path(tempfile.gettempdir()) / f"xunjian-evidence-{uuid.uuid4().hex}"
    state = State(
        {
            "store": store,
            "catalog": catalog,
            "hasher": hasher,
            "login_policy": settings.login,
            "schema_cache": {},
            "settings": settings,
            "evidence_dir": evidence_dir,
            "upload_locks": WeakValueDictionary(),
        }
    )
    if settings.demo:
        state.demo_accounts = load_demo(store, hasher)
    return Litestar(
        route_handlers=[
            health,
            auth.router,
            checklists.router,
            sites.router,
            users.router,
            directory_routes.get_directory,
            sync_routes.router,
            inspections.router,
            conflicts.router,
            blobs.router,
            uploads.router,
            findings.router,
            schedules.router,
            report_routes.router,
            export_routes.router,
            event_routes.list_events,
            event_routes.webhook_router,
            *pwa.app_routes(settings.pwa_dist),
        ],
        dependencies={
            "store": Provide(auth.provide_store, sync_to_thread=False),
            "caller": auth.CALLER,
            "catalog": Provide(checklists.provide_catalog, sync_to_thread=False),
        },
        state=state,
        plugins=[problem_plugin()],
        exception_handlers=fallback_handlers(),
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(title="Xunjian 巡检 API", version="0.1.0", path="/schema"),
        on_startup=[event_routes.start_delivery],
        on_shutdown=[event_routes.stop_delivery, store.close, partial(_remove_throwaway, settings, evidence_dir)],
    )
