"""An export that fails after it started ends as a broken transfer, never as a clean short file (issue 14, item 2).

Over real HTTP (uvicorn in a thread): the client must see the failure. Before the fix an export
whose parameters broke it (``from=0001-01-01``) answered ``200`` with an empty body through the
test client, or a plain-text 500 once the status line had been held back by compression.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.device import Device
from bench.live import LiveServer, serve, server_settings
from tests.clients import PROBLEM, PROBLEM_PREFIX, Client, World
from tests.templates import SYNC_TEMPLATE

CLONES = 450  # past the CSV's first flush (200 rows) and the export's first page (200 inspections)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    with serve(server_settings(tmp_path)) as server:
        yield server


def inspections(live: LiveServer, *, broken: int | None) -> httpx.Client:
    """An inspection pushed over HTTP and cloned in the store; clone number ``broken``'s document unreadable."""
    admin = live.client("admin")
    assert admin.post("/api/checklists", json=SYNC_TEMPLATE).status_code == 201
    http = live.client("inspector1")
    phone = Device(http, http.headers["Authorization"].partition(" ")[2], "phone")
    inspection_id = phone.create(http.get("/api/sites").json()[0]["id"], "sync_probe")
    phone.set(inspection_id, {"licence": "fail", "frozen_temp": -10, "notes": "冷柜偏高"})
    phone.sync()
    with live.lane.app.state.store.transaction() as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(inspection)")]
        copied = ", ".join("?" if c in ("id", "created_at") else c for c in columns)
        for n in range(CLONES):
            db.execute(
                f"INSERT INTO inspection ({', '.join(columns)}) SELECT {copied} FROM inspection WHERE id = ?",
                [
                    *[
                        f"clone-{n:04d}" if c == "id" else f"2099-01-01T00:00:{n:06d}Z"
                        for c in columns
                        if c in ("id", "created_at")
                    ],
                    inspection_id,
                ],
            )
        if broken is not None:
            db.execute("UPDATE inspection SET state_json = 'not a document' WHERE id = ?", [f"clone-{broken:04d}"])
    return admin


@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_an_export_that_fails_midway_is_a_broken_transfer(live: LiveServer, encoding: str) -> None:
    admin = inspections(live, broken=CLONES - 1)
    headers = {"Accept-Encoding": encoding}
    with admin.stream("GET", "/api/exports/inspections.csv", headers=headers) as response:
        assert response.status_code == 200  # the status line went out before the fault
        with pytest.raises(httpx.RemoteProtocolError):
            response.read()


def test_the_same_export_whole_ends_cleanly(live: LiveServer) -> None:
    admin = inspections(live, broken=None)
    response = admin.get("/api/exports/inspections.csv")
    assert response.status_code == 200
    assert len(response.text.splitlines()) == 1 + 1 + CLONES


def test_a_fault_before_the_first_byte_is_a_problem_response(live: LiveServer) -> None:
    admin = inspections(live, broken=3)  # in the file's first piece, made before the status line
    for path in ("inspections.csv", "inspections.xlsx"):
        response = admin.get(f"/api/exports/{path}")
        assert response.status_code == 500
        assert response.headers["content-type"].startswith(PROBLEM)
        assert response.json()["type"] == PROBLEM_PREFIX + "internal-error"


QUERIES = [
    ("from=0001-01-01&to=9999-12-31", "from"),
    ("from=2026-01-01&to=9999-12-31", "to"),
    ("from=2026-02-30", "from"),
    ("to=20260101", "to"),
    ("month=9999-12", "month"),
    ("month=0000-01", "month"),
    ("month=2026-13", "month"),
]


def test_parameters_that_cannot_be_served_are_refused_before_the_first_byte(client: Client, world: World) -> None:
    for path in ["inspections.csv", "answers.csv", "inspections.xlsx", "answers.xlsx"]:
        for query, parameter in QUERIES:
            response = client.get(f"/api/exports/{path}?{query}", headers=world.headers["admin"])
            assert response.status_code == 422, (path, query, response.text)
            assert response.headers["content-type"].startswith(PROBLEM)
            body = response.json()
            assert body["type"] == PROBLEM_PREFIX + "invalid-input"
            assert [e["pointer"] for e in body["errors"]] == [f"/{parameter}"]
