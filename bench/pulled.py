"""The pulled document's size against its answers: ``python -m bench.pulled``.

A full supermarket inspection (``bench.sync.answers_for``: 60 answers) is written by a phone
through the real app, once as one set op and once an answer per op (as taps make them), then
pulled. Printed: the answers' JSON, the pulled compact document and the supervisor's full view
(``GET /api/inspections/{id}``), in bytes as the app's ``JSON.stringify`` writes them, and each
as a ratio to the answers (issue 13's target for the pulled document: at most 1.5×).
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from litestar.testing import TestClient

from bench.device import Device
from bench.sync import answers_for, compact
from schemas.catalog import load_catalog
from server.app import create_app
from server.settings import Settings
from sync.org.demo import DEMO_PASSWORD

SHOP = "联华超市(解放路店)"


def measure(per_op: int) -> tuple[int, int, int]:
    """Bytes of the answers, the pulled document and the full view, answers set ``per_op`` at a time."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), argon2_time_cost=1, argon2_memory_kib=1024)
        with TestClient(create_app(replace(settings, demo=True))) as client:
            login = {"username": "inspector1", "password": DEMO_PASSWORD, "device_name": "bench"}
            phone = Device(client, client.post("/api/auth/login", json=login).json()["token"], name="bench")
            sites = {s["name"]: s["id"] for s in client.get("/api/sites", headers=phone.headers).json()}
            template = load_catalog().get("supermarket_service", 1)
            assert template is not None
            answers = answers_for(template, 3)
            inspection_id = phone.create(sites[SHOP], "supermarket_service")
            items = list(answers.items())
            for start in range(0, len(items), per_op):
                phone.set(inspection_id, dict(items[start : start + per_op]))
            phone.sync()
            assert phone.server[inspection_id]["answers"] == answers
            page = client.get("/api/sync/pull", params={"checkpoint": 0}, headers=phone.headers).json()
            pulled = next(doc for doc in page["documents"] if doc["id"] == inspection_id)
            full = client.get(f"/api/inspections/{inspection_id}", headers=phone.headers).json()
            return len(compact(answers)), len(compact(pulled)), len(compact(full))


def main() -> None:
    print("a full supermarket inspection (60 answers): bytes, and × its answers' JSON")
    for per_op, label in ((60, "one set op"), (1, "an answer per op")):
        answers, pulled, full = measure(per_op)
        print(
            f"  {label:<17} answers {answers:>5}   pulled {pulled:>5} ({pulled / answers:.2f}×)"
            f"   full view {full:>5} ({full / answers:.2f}×)"
        )


if __name__ == "__main__":
    main()
