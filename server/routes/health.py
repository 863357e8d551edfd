"""``/api/health``: is the server up, how many checklist versions it serves, and how much room its data folder has."""

from __future__ import annotations

import shutil
from pathlib import Path

from litestar import Router, get
from litestar.di import NamedDependency
from msgspec import Struct

from schemas.catalog import Catalog
from server.settings import Settings


class Health(Struct):
    """``status`` is ``ok`` while the server answers; ``disk_low`` (and a warning) when free space is low."""

    status: str
    checklists: int
    disk_free_bytes: int
    disk_warn_bytes: int
    disk_low: bool
    warnings: list[str]


@get("/health", sync_to_thread=True)
def health(
    catalog: NamedDependency[Catalog], settings: NamedDependency[Settings], evidence_dir: NamedDependency[Path]
) -> Health:
    """Liveness, how many checklist versions are published, and the data folder's free space (warned when low)."""
    free = shutil.disk_usage(next(p for p in (evidence_dir, *evidence_dir.parents) if p.exists())).free
    warn = int(settings.disk_warn_mb * 1024 * 1024)
    warnings = []
    if free < warn:
        warnings.append(
            f"数据目录剩余空间不足 / the data folder has {free // (1024 * 1024)} MB free,"
            f" below XUNJIAN_DISK_WARN_MB ({settings.disk_warn_mb:g} MB); writes answer 507 when it is full"
        )
    return Health("ok", len(catalog.templates), free, warn, bool(warnings), warnings)


router = Router(path="/api", route_handlers=[health])
