"""The cost of merging one edit into a stored inspection, by how many are stored (used by ``bench.sync``).

Each case is a store holding N supermarket inspections; an edit sets one answer of one of
them (one op, merged, one durable commit). The stores are edited in turn, in one process,
so a slow minute on this shared machine slows them alike.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schemas.catalog import Catalog, load_catalog
from schemas.template import PassFail, Template
from sync.clock import uuid7
from sync.db.store import Store, open_store
from sync.engine.document import Document, FieldState
from sync.engine.ops import PushBatch, SetAnswers, encoder
from sync.org.accounts import User
from sync.org.sites import create_district, create_organisation, create_site
from sync.push import apply_push


@dataclass
class MergeCase:
    """A store holding ``stored`` inspections, and what editing one of them takes."""

    store: Store
    user: User
    ids: list[str]
    item: str
    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    seconds: float = 0.0
    edits: int = 0


def merge_case(template: Template, answers: dict[str, Any], stored: int, folder: Path) -> MergeCase:
    """A store of ``stored`` inspections of ``template``, each holding ``answers``."""
    store = open_store(folder)
    org = create_organisation(store, "bench")
    district = create_district(store, org.id, "d")
    site = create_site(store, org.id, district_id=district.id, name="s", site_type="supermarket", address="a")
    user = User(str(uuid.uuid4()), org.id, "bench", "bench", "admin", True)
    doc = Document({p: FieldState(v, 1) for p, v in answers.items()})
    state = encoder.encode(doc).decode()
    ids = [str(uuid.uuid4()) for _ in range(stored)]
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO user (id, org_id, username, display_name, role, password_hash, active, created_at)"
            " VALUES (?, ?, 'bench', 'bench', 'admin', 'x', 1, '2026-01-01')",
            [user.id, org.id],
        )
        conn.executemany(
            "INSERT INTO inspection (id, org_id, site_id, checklist_id, version, inspector_id, status, created_at,"
            " updated_at, created_seq, updated_seq, open_conflicts, state_json)"
            " VALUES (?, ?, ?, 'supermarket_service', 1, ?, 'draft', '2026-01-01T00:00:00.000Z',"
            " '2026-01-01T00:00:00.000Z', ?, ?, 0, ?)",
            [(i, org.id, site.id, user.id, n + 1, n + 1, state) for n, i in enumerate(ids)],
        )
    item = next(i.id for s in template.sections for i in s.items if isinstance(i, PassFail))
    return MergeCase(store, user, ids, item)


def merge_edit(case: MergeCase, catalog: Catalog) -> None:
    """One edit of one answer of a stored inspection: one op, merged, one durable commit; timed."""
    n = case.edits
    op = SetAnswers(
        op_id=uuid7(),
        client_seq=n + 1,
        inspection_id=case.ids[(n * 7919) % len(case.ids)],
        hlc=n + 1,
        answers={case.item: "fail" if n % 2 else "pass"},
        base={case.item: 1},
    )
    started = time.perf_counter()
    result = apply_push(case.store, catalog, case.user, "bench", PushBatch(case.client_id, [op]))
    case.seconds += time.perf_counter() - started
    case.edits += 1
    assert result.results[0].outcome in ("applied", "conflict"), result.results[0]


def bench_merge(
    template: Template, answers: dict[str, Any], sizes: tuple[int, ...], tmp: Path, edits: int = 300
) -> list[float]:
    """Seconds per merged edit with each number of stored inspections, the stores edited in turn."""
    catalog = load_catalog()
    cases = [merge_case(template, answers, n, tmp / f"merge-{i}-{n}") for i, n in enumerate(sizes)]
    for n in range(edits):
        for case in cases if n % 2 == 0 else cases[::-1]:
            merge_edit(case, catalog)
    for case in cases:
        case.store.close()
    return [case.seconds / case.edits for case in cases]
