"""Published checklist versions: the template files plus versions an admin published.

Versions published through the API are stored in the database and loaded at
start-up beside the files. A version is immutable once published. Several app servers on one
database: a version published through another server is read when first asked for
(:func:`published_lookup`, the catalog's ``missing``) and added by :func:`refresh_published` for listings.
"""

from __future__ import annotations

from collections.abc import Callable

from schemas.catalog import Catalog, TemplateError, VersionExists, load_catalog, parse_template
from schemas.template import Template, encode_template
from sync.clock import now_iso
from sync.db.store import Store
from sync.org import audit
from sync.org.accounts import User
from sync.org.audit import Actor


def load_published(store: Store, catalog: Catalog | None = None) -> Catalog:
    """The template files' catalog with every stored version added.

    A stored version that disagrees with a file of the same id and version
    stops start-up (:class:`VersionExists`).
    """
    catalog = load_catalog() if catalog is None else catalog
    rows = store.db.execute(
        "SELECT checklist_id, version, template_json FROM checklist_version ORDER BY checklist_id, version"
    ).fetchall()
    for checklist_id, version, data in rows:
        catalog.add(parse_template(data.encode(), f"database: checklist {checklist_id} version {version}"))
    return catalog


def published_lookup(store: Store) -> Callable[[str, int], Template | None]:
    """``Catalog.missing`` for a server: a version another app server published, read from the database."""

    def lookup(checklist_id: str, version: int) -> Template | None:
        row = store.db.execute(
            "SELECT template_json FROM checklist_version WHERE checklist_id = ? AND version = ?",
            [checklist_id, version],
        ).fetchone()
        if row is None:
            return None
        return parse_template(row[0].encode(), f"database: checklist {checklist_id} version {version}")

    return lookup


def refresh_published(store: Store, catalog: Catalog) -> int:
    """Add the versions other app servers published since (keys read first, templates only for new ones)."""
    keys = store.db.execute("SELECT checklist_id, version FROM checklist_version").fetchall()
    added = 0
    for checklist_id, version in keys:
        if (checklist_id, version) not in catalog.templates and catalog.get(checklist_id, version) is not None:
            added += 1
    return added


def publish_version(
    store: Store, catalog: Catalog, data: bytes, user: User, actor: Actor | None = None
) -> tuple[Template, bool]:
    """Publish template JSON as a new version; ``False`` if the identical version exists.

    Raises :class:`TemplateError` for a malformed template and
    :class:`VersionExists` for different content under a published version.
    """
    template = parse_template(data, "request body")
    held = catalog.get(template.checklist_id, template.version)
    if held is not None:
        if encode_template(held) == encode_template(template):
            return held, False
        raise VersionExists(
            f"checklist {template.checklist_id!r} version {template.version} is already published "
            "with different content; publish it as a new version"
        )
    latest = catalog.latest(template.checklist_id)
    if latest is not None and template.version < latest.version:
        raise TemplateError(
            f"request body: version {template.version} is below the latest published version "
            f"{latest.version} of {template.checklist_id!r}"
        )
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO checklist_version (checklist_id, version, template_json, published_by, published_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [template.checklist_id, template.version, encode_template(template).decode(), user.id, now_iso()],
        )
        audit.record(conn, actor, "checklist.publish", "checklist", template.checklist_id, org_id=user.org_id,
                     after={"version": template.version})  # fmt: skip
    catalog.add(template)
    return template, True
