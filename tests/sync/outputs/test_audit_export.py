"""The audit CSV: every text cell that a spreadsheet would run as a formula is shown as text."""

from __future__ import annotations

import csv
import io

import pytest

from sync.db.store import Store
from sync.org import audit
from sync.org.accounts import User
from sync.org.audit import Actor
from sync.org.audit_query import AuditFilter
from sync.outputs.audit_export import COLUMNS, audit_rows
from sync.outputs.tables import csv_chunks

ADMIN = User("a1", "org1", "admin", "管理员", "admin", True)
# what a spreadsheet runs as a formula: the ASCII starts, tab and CR, after spaces too, and the
# full-width signs Excel and WPS take as formulas in Chinese locales
PREFIXES = ["=", "+", "-", "@", "\t", "\r", "  =", "＝", "＋", "－", "＠"]


def audit_csv(store: Store) -> list[dict[str, str]]:
    text = b"".join(csv_chunks(COLUMNS, audit_rows(store, ADMIN, AuditFilter()))).decode().removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_formula_prefix_is_neutralised_in_every_text_column(store: Store, prefix: str) -> None:
    text = f"{prefix}cmd|' /C calc'!A0"
    with store.transaction() as conn:
        audit.record(conn, Actor(text, text, text), "site.create", text, text, org_id="org1", after={"name": text})
    [row] = audit_csv(store)
    for column in ("actor_id", "device_id", "address", "object_type", "object_id"):
        assert row[column] == "'" + text
    assert row["after"] == '{"name":"' + text.replace("\t", "\\t").replace("\r", "\\r") + '"}'


def test_numbers_and_plain_text_stay_as_they_are(store: Store) -> None:
    with store.transaction() as conn:
        audit.record(conn, Actor("u1", "北区", "a=b"), "site.create", "site", "-3", org_id="org1", after={"n": -3})
    [row] = audit_csv(store)
    assert (row["actor_id"], row["device_id"], row["address"], row["after"]) == ("u1", "北区", "a=b", '{"n":-3}')
    assert row["object_id"] == "'-3"  # text that starts with a minus: a spreadsheet would compute it
