"""``/api/health``: is the server up, and how many checklist versions it serves."""

from __future__ import annotations

from litestar import Router, get
from litestar.di import NamedDependency
from msgspec import Struct

from schemas.catalog import Catalog


class Health(Struct):
    status: str
    checklists: int


@get("/health")
async def health(catalog: NamedDependency[Catalog]) -> Health:
    """Liveness, and how many checklist versions are published."""
    return Health("ok", len(catalog.templates))


router = Router(path="/api", route_handlers=[health])
