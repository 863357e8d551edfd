"""Checklists: the catalog, each version's JSON Schema (immutable, ETag), publishing, checks."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, Router, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, HeaderParameter, JSONBody
from msgspec import Struct

from schemas.answers import check_answers, failed_items
from schemas.catalog import Catalog
from schemas.json_schema import schema_url, to_json_schema
from schemas.template import Label, Template
from schemas.vocabulary import BODY as VOCABULARY_BODY
from schemas.vocabulary import ETAG as VOCABULARY_ETAG
from server.dependencies import Caller
from server.nesting import check_nesting
from server.problems import problem
from server.workers import run
from sync.db.store import Store
from sync.engine.checklists import publish_version, refresh_published
from sync.org.sites import require_role

IMMUTABLE = "public, max-age=31536000, immutable"


class ChecklistSummary(Struct):
    id: str
    title: Label
    versions: list[int]
    latest_version: int
    latest_schema_url: str
    site_types: list[str]


class Published(Struct):
    checklist_id: str
    version: int
    schema_url: str
    created: bool


class AnswerCheck(Struct, forbid_unknown_fields=True):
    answers: dict[str, Any]
    complete: bool = False


class CheckResult(Struct):
    valid: bool
    failed_items: list[str]


class RenderedSchema(Struct, frozen=True):
    body: bytes
    etag: str


def rendered_schema(state: State, template: Template) -> RenderedSchema:
    """The encoded schema and its strong ETag, rendered once per version."""
    cache: dict[tuple[str, int], RenderedSchema] = state.schema_cache
    key = (template.checklist_id, template.version)
    if key not in cache:
        body = msgspec.json.encode(to_json_schema(template))
        cache[key] = RenderedSchema(body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
    return cache[key]


def _template(catalog: Catalog, checklist_id: str, version: int) -> Template:
    template = catalog.get(checklist_id, version)
    if template is None:
        known = catalog.versions(checklist_id)
        detail = (
            f"checklist {checklist_id!r} has no version {version}; published versions: {known}"
            if known
            else f"no checklist {checklist_id!r}"
        )
        raise problem("not-found", detail)
    return template


def _summary(catalog: Catalog, checklist_id: str) -> ChecklistSummary:
    latest = catalog.latest(checklist_id)
    assert latest is not None
    return ChecklistSummary(
        checklist_id,
        latest.title,
        catalog.versions(checklist_id),
        latest.version,
        schema_url(checklist_id, latest.version),
        list(latest.site_types),
    )


@get("/")
async def list_checklists(
    caller: NamedDependency[Caller], store: NamedDependency[Store], catalog: NamedDependency[Catalog]
) -> list[ChecklistSummary]:
    """Every checklist with its titles (zh-CN, English), versions and latest version."""
    await run(refresh_published, store, catalog)  # with versions published through other app servers
    return [_summary(catalog, checklist_id) for checklist_id in catalog.checklist_ids()]


@get("/{checklist_id:str}/versions/{version:int}/schema", media_type="application/schema+json", sync_to_thread=True)
def get_checklist_schema(
    checklist_id: FromPath[str],
    version: FromPath[int],
    caller: NamedDependency[Caller],
    catalog: NamedDependency[Catalog],
    state: State,
    if_none_match: Annotated[str | None, HeaderParameter(name="If-None-Match")] = None,
) -> Response[bytes]:
    """One version's JSON Schema 2020-12: strong ETag, immutable, 304 on If-None-Match."""
    rendered = rendered_schema(state, _template(catalog, checklist_id, version))
    headers = {"ETag": rendered.etag, "Cache-Control": IMMUTABLE}
    if if_none_match is not None and rendered.etag in {t.strip() for t in if_none_match.split(",")} | {"*"}:
        return Response(b"", status_code=304, headers=headers)
    return Response(rendered.body, headers=headers, media_type="application/schema+json")


@get("/vocabulary", media_type="application/schema+json")
async def get_vocabulary(
    if_none_match: Annotated[str | None, HeaderParameter(name="If-None-Match")] = None,
) -> Response[bytes]:
    """Anyone: the meta-schema declaring every x- keyword of the checklist schemas (ETag, 304)."""
    headers = {"ETag": VOCABULARY_ETAG, "Cache-Control": "public, max-age=3600"}
    if if_none_match is not None and VOCABULARY_ETAG in {t.strip() for t in if_none_match.split(",")} | {"*"}:
        return Response(b"", status_code=304, headers=headers)
    return Response(VOCABULARY_BODY, headers=headers, media_type="application/schema+json")


@post("/", status_code=201)
async def publish_checklist(
    request: Request[Any, Any, Any],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    catalog: NamedDependency[Catalog],
) -> Response[Published]:
    """Admin: publish a new checklist version (template JSON). Identical re-publish → 200."""
    require_role(caller.user, "admin")
    body = await request.body()
    check_nesting(body)
    template, created = await run(publish_version, store, catalog, body, caller.user, caller.actor)
    url = schema_url(template.checklist_id, template.version)
    return Response(
        Published(template.checklist_id, template.version, url, created),
        status_code=201 if created else 200,
        headers={"Location": url},
    )


@post("/{checklist_id:str}/versions/{version:int}/check", status_code=200, sync_to_thread=True)
def check_checklist_answers(
    checklist_id: FromPath[str],
    version: FromPath[int],
    data: JSONBody[AnswerCheck],
    caller: NamedDependency[Caller],
    catalog: NamedDependency[Catalog],
) -> CheckResult:
    """Check answers against this exact version: every error at once, each with a JSON Pointer."""
    template = _template(catalog, checklist_id, version)
    errors = check_answers(template, data.answers, complete=data.complete, prefix="/answers")
    if errors:
        raise problem(
            "invalid-answers",
            f"{len(errors)} answer(s) do not fit {checklist_id} version {version}",
            errors=[msgspec.to_builtins(e) for e in errors],
        )
    return CheckResult(True, failed_items(template, data.answers))


router = Router(
    path="/api/checklists",
    route_handlers=[list_checklists, get_checklist_schema, get_vocabulary, publish_checklist, check_checklist_answers],
)
