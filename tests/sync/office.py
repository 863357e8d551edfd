"""An organisation in the store, for the review and feed tests without HTTP: two districts, three
sites, an admin, a supervisor and an inspector, and submitted inspections of ``sync_probe``."""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher

from schemas.catalog import TemplateIndex, index_template, parse_template
from sync.db.store import Store
from sync.engine.document import Document, EntryState, FieldState
from sync.engine.rows import InspectionRow, insert_row
from sync.org import sites
from sync.org.accounts import User, create_user
from sync.review.findings import record_findings
from sync.review.register import FindingFilter, FindingView, list_findings
from tests.templates import SYNC_TEMPLATE

H1, H2, H3 = "a1" * 32, "b2" * 32, "c3" * 32
E1 = "0b6f2c4e-9d1a-4c3b-8e7f-1a2b3c4d5e6f"
E2 = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
START = datetime.fromisoformat("2026-03-02T02:00:00+00:00")  # Monday 10:00 in China


def stamp(days: float = 0) -> str:
    return (START + timedelta(days=days)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def template_index() -> TemplateIndex:
    doc = copy.deepcopy(SYNC_TEMPLATE)
    stalls = next(i for i in doc["sections"][0]["items"] if i["id"] == "stalls")
    stalls["items"].append(
        {
            "kind": "photo",
            "id": "stall_photos",
            "label": {"zh": "摊位照片", "en": "Stall photos"},
            "clause": "市场管理办法",
            "min_count": 0,
            "required": False,
        }
    )
    return index_template(parse_template(json.dumps(doc).encode(), "sync_probe/1.json"))


def document(answers: dict[str, Any], stale: frozenset[str] = frozenset()) -> Document:
    doc = Document(fields={}, entries={})
    for key, value in answers.items():
        if key == "stalls":
            for entry, children in value.items():
                doc.entries[f"stalls/{entry}"] = EntryState(1)
                for child, child_value in children.items():
                    doc.fields[f"stalls/{entry}/{child}"] = FieldState(child_value, 1)
        else:
            doc.fields[key] = FieldState(value, 1, stale=key in stale)
    return doc


@dataclass
class Office:
    """An organisation with two sites in one district and one in another, and its people."""

    store: Store
    index: TemplateIndex
    users: dict[str, User]
    sites: dict[str, str]
    districts: dict[str, str]
    seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def inspect(
        self, site: str, answers: dict[str, Any], *, days: float = 0, stale: frozenset[str] = frozenset()
    ) -> InspectionRow:
        """A new inspection, submitted: its row and its findings."""
        created = next(self.seq)
        row = InspectionRow(
            id=f"00000000-0000-4000-8000-{created:012d}",
            org_id=self.users["admin"].org_id,
            site_id=self.sites[site],
            checklist_id="sync_probe",
            version=1,
            inspector_id=self.users["inspector"].id,
            status="submitted",
            created_at=stamp(days),
            updated_at=stamp(days),
            created_seq=created,
            updated_seq=created,
            open_conflicts=0,
            doc=document(answers, stale),
        )
        with self.store.transaction() as conn:
            insert_row(conn, row)
        return self.resubmit(row, answers, days=days, stale=stale)

    def resubmit(
        self, row: InspectionRow, answers: dict[str, Any], *, days: float = 0, stale: frozenset[str] = frozenset()
    ) -> InspectionRow:
        row.doc = document(answers, stale)
        with self.store.transaction() as conn:
            record_findings(conn, row, self.index, next(self.seq), stamp(days))
        return row

    def findings(self, row: InspectionRow | None = None, **filters: Any) -> list[FindingView]:
        found = list_findings(self.store, self.users["admin"], FindingFilter(**filters), today=date(2026, 3, 2))
        return [f for f in found if row is None or f.inspection_id == row.id]

    def one(self, row: InspectionRow, pointer: str) -> FindingView:
        return next(f for f in self.findings(row) if f.pointer == pointer)


def new_office(store: Store, hasher: PasswordHasher) -> Office:
    """Districts north (n1, n2) and south (s1); the supervisor has the north, the inspector every site."""
    org = sites.create_organisation(store, "市场监管所")
    north = sites.create_district(store, org.id, "北区")
    south = sites.create_district(store, org.id, "南区")
    made = {}
    for name, district in [("n1", north), ("n2", north), ("s1", south)]:
        made[name] = sites.create_site(
            store, org.id, district_id=district.id, name=name, site_type="market", address="路"
        ).id
    users = {
        role: create_user(
            store, hasher, org_id=org.id, username=role, password="Quiet-Kite-88", role=role, display_name=role
        )
        for role in ("admin", "supervisor", "inspector")
    }
    sites.assign_districts(store, org.id, users["supervisor"].id, [north.id])
    sites.assign_sites(store, org.id, users["inspector"].id, list(made.values()))
    return Office(store, template_index(), users, made, {"north": north.id, "south": south.id})


@contextmanager
def tracing(store: Store) -> Iterator[list[str]]:
    """Every SQL statement this thread runs on the store meanwhile: on its reader and on the writer."""
    statements: list[str] = []
    with store.transaction() as writer:
        pass
    connections = [store.db.conn, writer]
    for conn in connections:
        conn.set_trace_callback(statements.append)
    try:
        yield statements
    finally:
        for conn in connections:
            conn.set_trace_callback(None)
