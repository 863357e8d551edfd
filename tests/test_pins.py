"""What the architecture must not change: the OpenAPI document and the migrated database schema.

Both are pinned byte for byte in ``tests/pins/``. A deliberate change to the API or the schema
rewrites the pin in the same commit (``XUNJIAN_REPIN=1 pytest tests/test_pins.py``), so a diff
of the pins shows every change of the wire or the schema.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from litestar.testing import TestClient

from server.app import create_app
from server.settings import Settings
from sync.db.store import Store

PINS = Path(__file__).parent / "pins"


def check_pin(name: str, text: str) -> None:
    path = PINS / name
    if os.environ.get("XUNJIAN_REPIN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; repin only if the change is meant"


def test_openapi_document_is_as_pinned() -> None:
    with TestClient(create_app(Settings(data_dir=None))) as client:
        document = client.get("/schema/openapi.json").json()
    check_pin("openapi.json", json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


def test_migrated_schema_is_as_pinned() -> None:
    conn = Store(":memory:").db.conn
    objects = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
    ).fetchall()
    migrations = conn.execute("SELECT migration_set, name FROM _sqlite_migrations ORDER BY id").fetchall()
    lines = [f"-- {kind} {name}\n{sql};\n" for kind, name, sql in objects]
    lines += [f"-- migration {group} {name}\n" for group, name in migrations]
    check_pin("schema.sql", "".join(lines))
