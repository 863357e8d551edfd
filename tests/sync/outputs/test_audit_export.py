"""The audit CSV's rows: every text cell that a spreadsheet would run as a formula is shown as text."""

from __future__ import annotations

import pytest

from sync.db.store import Store
from sync.org import audit
from sync.org.accounts import User
from sync.org.audit import Actor
from sync.org.audit_query import AuditFilter
from sync.outputs.audit_export import COLUMNS, FORMULA_STARTS, audit_rows, neutral

ADMIN = User("a1", "org1", "admin", "管理员", "admin", True)


@pytest.mark.parametrize("prefix", FORMULA_STARTS)
def test_every_formula_prefix_is_neutralised_in_every_text_column(store: Store, prefix: str) -> None:
    text = f"{prefix}cmd|' /C calc'!A0"
    with store.transaction() as conn:
        audit.record(conn, Actor(text, text, text), "site.create", text, text, org_id="org1", after={"name": text})
    [row] = list(audit_rows(store, ADMIN, AuditFilter()))
    cells = dict(zip(COLUMNS, row, strict=True))
    for column in ("actor_id", "device_id", "address", "object_type", "object_id"):
        assert cells[column] == "'" + text
    assert cells["after"] == '{"name":"' + text.replace("\t", "\\t").replace("\r", "\\r") + '"}'


def test_numbers_and_plain_text_stay_as_they_are() -> None:
    assert [neutral(v) for v in (-3, 2.5, None, "北区", "a=b", "")] == [-3, 2.5, None, "北区", "a=b", ""]
