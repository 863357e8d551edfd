"""The HTTP routes, one module per resource; :data:`ROUTES` lists them for :func:`server.app.create_app`.

The app's own files (``/`` and ``/app/``) depend on the settings (where the build is), so
:func:`server.routes.app_files.app_routes` gives them apart.
"""

from __future__ import annotations

from litestar import Router

from server.routes import (
    audit,
    auth,
    blobs,
    checklist_authoring,
    checklists,
    conflicts,
    directory,
    events,
    exports,
    findings,
    health,
    inspections,
    reports,
    schedules,
    sites,
    sync,
    uploads,
    users,
)

ROUTES: list[Router] = [
    health.router,
    auth.router,
    checklists.router,
    checklist_authoring.router,
    sites.router,
    users.router,
    directory.router,
    sync.router,
    inspections.router,
    conflicts.router,
    blobs.router,
    uploads.router,
    findings.router,
    schedules.router,
    reports.router,
    exports.router,
    events.router,
    audit.router,
]
