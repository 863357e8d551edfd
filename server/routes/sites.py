"""Districts and sites: listed within the caller's scope, created by admins."""

from __future__ import annotations

from typing import Annotated

from litestar import Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from msgspec import Meta, Struct

from server.dependencies import Caller
from sync.db.store import Store
from sync.org import sites
from sync.org.sites import District, Site, SiteType, require_role

Name = Annotated[str, Meta(min_length=1, max_length=200)]


class NewDistrict(Struct, forbid_unknown_fields=True):
    name: Name


class NewSite(Struct, forbid_unknown_fields=True):
    district_id: str
    name: Name
    site_type: SiteType
    address: Annotated[str, Meta(min_length=1, max_length=500)]


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


@get("/sites", sync_to_thread=True)
def list_sites(caller: NamedDependency[Caller], store: NamedDependency[Store]) -> list[Site]:
    """Sites in the caller's scope: assigned sites, the district's sites, or all (admin)."""
    return sites.list_sites(store, caller.user)


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


router = Router(path="/api", route_handlers=[list_districts, create_district, list_sites, get_site, create_site])
