"""Authoring checklists: check template JSON as it is written (every error, located) and its diff."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Router, post
from litestar.di import NamedDependency
from msgspec import Struct

from schemas.catalog import Catalog
from schemas.template_diff import TemplateDiff, diff_templates
from schemas.template_messages import Located
from schemas.template_validate import check_publishable, decode_json, validate_doc
from server.dependencies import Caller
from server.nesting import check_nesting
from sync.org.sites import require_role


class Validation(Struct):
    """Whether the template would publish, every error at once, and its difference from the latest version."""

    ok: bool
    errors: list[Located]
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
    check_nesting(body)
    doc, errors = decode_json(body)
    return validation(catalog, doc, errors)


router = Router(path="/api/checklists", route_handlers=[validate_checklist])
