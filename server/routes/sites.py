"""Districts and sites: listed within the caller's scope, created by admins."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from msgspec import Meta, Struct

from server.compression import UNCOMPRESSED
from server.dependencies import Caller
from server.rendering import render_in_pool
from server.settings import Settings
from server.workers import Workers
from sync.db.store import Store
from sync.errors import NotFound
from sync.org import sites
from sync.org.initials import pinyin_initials
from sync.org.sites import District, Site, SiteType, require_role
from sync.outputs.labels import render_site_labels

Name = Annotated[str, Meta(min_length=1, max_length=200)]


class NewDistrict(Struct, forbid_unknown_fields=True):
    name: Name


class NewSite(Struct, forbid_unknown_fields=True):
    district_id: str
    name: Name
    site_type: SiteType
    address: Annotated[str, Meta(min_length=1, max_length=500)]


class ListedSite(Struct, frozen=True):
    """A site as listed, with the pinyin initials of its name and address (the phone's search)."""

    id: str
    district_id: str
    name: str
    site_type: SiteType
    address: str
    initials: str
    address_initials: str


@get("/districts", sync_to_thread=True)
def list_districts(caller: NamedDependency[Caller], store: NamedDependency[Store]) -> list[District]:
    """Districts in the caller's scope."""
    return sites.list_districts(store, caller.user)


@post("/districts", sync_to_thread=True)
def create_district(
    data: JSONBody[NewDistrict], caller: NamedDependency[Caller], store: NamedDependency[Store]
) -> District:
    """Admin: create a district."""
    require_role(caller.user, "admin")
    return sites.create_district(store, caller.user.org_id, data.name, caller.actor)


@get("/sites", sync_to_thread=True, after_request=render_in_pool)
def list_sites(caller: NamedDependency[Caller], store: NamedDependency[Store]) -> list[ListedSite]:
    """Sites in the caller's scope: assigned sites, the district's sites, or all (admin); with pinyin initials."""
    return [
        ListedSite(
            s.id, s.district_id, s.name, s.site_type, s.address, pinyin_initials(s.name), pinyin_initials(s.address)
        )
        for s in sites.list_sites(store, caller.user)
    ]


@get("/sites/labels.pdf", media_type="application/pdf", opt=UNCOMPRESSED)
async def site_labels(
    request: Request[Any, Any, Any],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    settings: NamedDependency[Settings],
    workers: NamedDependency[Workers],
    district_id: Annotated[str | None, QueryParameter(max_length=64)] = None,
) -> Response[bytes]:
    """Admin: a PDF sheet of QR labels for the sites (of one district when given), each linking to the app."""
    require_role(caller.user, "admin")
    chosen = [s for s in sites.list_sites(store, caller.user) if district_id is None or s.district_id == district_id]
    if not chosen:
        raise NotFound(f"no sites in district {district_id!r}")
    app_url = f"{str(request.base_url).rstrip('/')}/app/"
    body = await workers.long_job(render_site_labels, chosen, app_url, settings.cjk_font)
    headers = {"Content-Disposition": 'inline; filename="site-labels.pdf"', "Cache-Control": "no-store"}
    return Response(body, media_type="application/pdf", headers=headers)


@get("/sites/{site_id:str}", sync_to_thread=True)
def get_site(site_id: FromPath[str], caller: NamedDependency[Caller], store: NamedDependency[Store]) -> Site:
    """One site in the caller's scope."""
    return sites.get_site(store, caller.user, site_id)


@post("/sites", sync_to_thread=True)
def create_site(data: JSONBody[NewSite], caller: NamedDependency[Caller], store: NamedDependency[Store]) -> Site:
    """Admin: create a site (market, supermarket or service hall) in a district."""
    require_role(caller.user, "admin")
    return sites.create_site(
        store,
        caller.user.org_id,
        district_id=data.district_id,
        name=data.name,
        site_type=data.site_type,
        address=data.address,
        actor=caller.actor,
    )


router = Router(
    path="/api", route_handlers=[list_districts, create_district, list_sites, site_labels, get_site, create_site]
)
