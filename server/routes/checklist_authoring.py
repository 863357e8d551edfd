"""Authoring checklists: template JSON checked as it is written, and the spreadsheet round trip.

``POST /validate`` checks template JSON (every error, located) and shows its diff from the
latest version; ``GET …/template.xlsx`` writes a version as a workbook; ``POST /import``
reads one back: a dry run answers the decoded template, every error located by sheet, row
and column, and the diff; otherwise it publishes the next version.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from msgspec import Struct

from schemas.catalog import Catalog
from schemas.json_schema import schema_url
from schemas.template import Template, encode_template
from schemas.template_diff import TemplateDiff, diff_templates
from schemas.template_messages import Located
from schemas.template_validate import check_publishable, decode_json, validate_doc
from schemas.workbook_read import UnreadableWorkbook, read_workbook
from schemas.workbook_write import XLSX_TYPE, write_workbook
from server.compression import UNCOMPRESSED
from server.dependencies import Caller
from server.nesting import check_nesting
from server.problems import problem
from server.workers import run
from sync.db.store import Store
from sync.engine.checklists import publish_version
from sync.org.sites import require_role

WORKBOOK_TYPES = (XLSX_TYPE, "application/octet-stream")


class Validation(Struct):
    """Whether the template would publish, every error at once, and its difference from the latest version."""

    ok: bool
    errors: list[Located]
    diff: TemplateDiff


class WorkbookCheck(Struct):
    """A dry run of an import: the decoded template (as far as it decodes), every error located, the diff."""

    ok: bool
    errors: list[Located]
    diff: TemplateDiff
    template: Any


class WorkbookPublished(Struct):
    """An import that published (``created``) or found the latest version already says the same."""

    checklist_id: str
    version: int
    schema_url: str
    created: bool
    diff: TemplateDiff


def validation(catalog: Catalog, doc: Any, errors: list[Located]) -> Validation:
    """Check a template (as builtins) against the catalog: its errors, and its diff from the latest version."""
    template, normal, found = validate_doc(doc) if not errors else (None, doc, [])
    errors = errors + found
    checklist_id = normal.get("checklist_id") if isinstance(normal, dict) else None
    latest = catalog.latest(checklist_id) if isinstance(checklist_id, str) else None
    if template is not None:
        errors += check_publishable(template, catalog.get(template.checklist_id, template.version), latest)
    base = msgspec.to_builtins(latest) if latest is not None else None
    return Validation(not errors, errors, diff_templates(base, normal))


@post("/validate", status_code=200)
async def validate_checklist(
    request: Request[Any, Any, Any], caller: NamedDependency[Caller], catalog: NamedDependency[Catalog]
) -> Validation:
    """Admin: check template JSON without publishing: every error located and said in zh-CN and English, the diff."""
    require_role(caller.user, "admin")
    body = await request.body()
    if not body.strip():
        raise problem("invalid-body", "send the template JSON to check as the body")
    check_nesting(body)
    doc, errors = decode_json(body)
    return validation(catalog, doc, errors)


@get("/{checklist_id:str}/versions/{version:int}/template.xlsx", sync_to_thread=True, opt=UNCOMPRESSED)
def export_checklist_workbook(
    checklist_id: FromPath[str],
    version: FromPath[int],
    caller: NamedDependency[Caller],
    catalog: NamedDependency[Catalog],
) -> Response[bytes]:
    """Admins and supervisors: the version as a workbook to edit (survey, choices, settings, sources)."""
    require_role(caller.user, "admin", "supervisor")
    template = catalog.get(checklist_id, version)
    if template is None:
        raise problem("not-found", f"checklist {checklist_id!r} has no version {version}")
    name = f"{checklist_id}-v{version}.xlsx"
    return Response(
        write_workbook(template),
        media_type=XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _next_version(catalog: Catalog, doc: dict[str, Any]) -> Template | None:
    """Number the workbook's template as the next version of its checklist; the latest, if any."""
    checklist_id = doc.get("checklist_id")
    latest = catalog.latest(checklist_id) if isinstance(checklist_id, str) else None
    if latest is not None:
        doc["version"] = latest.version + 1
    elif not isinstance(doc.get("version"), int) or doc["version"] < 1:
        doc["version"] = 1
    return latest


def _import(
    store: Store, catalog: Catalog, body: bytes, caller: Caller, dry_run: bool
) -> WorkbookCheck | WorkbookPublished:
    try:
        reading = read_workbook(body)
    except UnreadableWorkbook as exc:
        raise problem("invalid-workbook", str(exc)) from None
    latest = _next_version(catalog, reading.doc)
    template, normal, found = validate_doc(reading.doc, frozenset(reading.broken))
    errors = reading.errors + [reading.place(e) for e in found]
    diff = diff_templates(msgspec.to_builtins(latest) if latest is not None else None, normal)
    if dry_run or template is None or errors:
        if not dry_run:
            raise problem(
                "invalid-template",
                f"{len(errors)} error(s) in the workbook; nothing was published",
                errors=[msgspec.to_builtins(e) for e in errors],
            )
        return WorkbookCheck(not errors, errors, diff, normal)
    if latest is not None and encode_template(msgspec.structs.replace(template, version=latest.version)) == (
        encode_template(latest)
    ):
        return WorkbookPublished(
            latest.checklist_id, latest.version, schema_url(latest.checklist_id, latest.version), False, diff
        )
    published, created = publish_version(store, catalog, encode_template(template), caller.user, caller.actor)
    url = schema_url(published.checklist_id, published.version)
    return WorkbookPublished(published.checklist_id, published.version, url, created, diff)


@post("/import", status_code=200)
async def import_checklist_workbook(
    request: Request[Any, Any, Any],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    catalog: NamedDependency[Catalog],
    dry_run: FromQuery[bool] = False,
) -> Response[WorkbookCheck | WorkbookPublished]:
    """Admin: read a checklist workbook (.xlsx body); ``dry_run`` checks it, else the next version is published."""
    require_role(caller.user, "admin")
    sent = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if sent not in WORKBOOK_TYPES:
        raise problem("unsupported-media-type", f"send the workbook as Content-Type: {XLSX_TYPE} (got {sent[:100]!r})")
    result = await run(_import, store, catalog, await request.body(), caller, dry_run)
    if isinstance(result, WorkbookPublished) and result.created:
        return Response(result, status_code=201, headers={"Location": result.schema_url})
    return Response(result)


router = Router(
    path="/api/checklists", route_handlers=[validate_checklist, export_checklist_workbook, import_checklist_workbook]
)
