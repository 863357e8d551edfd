"""Hypothesis state machine: devices and a supervisor doing random things against the real app.

Three devices (two of one inspector, one of a colleague assigned to the same
site) edit the same inspection offline, push with lost responses, reordered
and duplicated batches and skewed clocks, pull in pages of any size; a
supervisor resolves conflicts. After every step and at the end:

- replaying an earlier push changes nothing and returns the stored outcomes;
- no acknowledged value silently disappears: it is the current value, a kept
  conflict candidate, or superseded by a write that saw it (or a resolution);
- after syncing, every device holds exactly the server's state, and pulling
  from 0 in small pages equals the incremental pulls;
- photos converge as an add-wins set whatever the arrival order;
- a move to the checklist's next version (``upgrade``, from any device, before or after edits made
  on the old one arrive) keeps every answer: carried, or listed as uncarried in the document with
  its value; the answers held always fit the inspection's version;
- with the device window in place (the spare may age out of it): a device never drops an
  inspection it holds unsent ops for, and after syncing holds exactly what a fresh device of
  its user pulls from 0 (its inspector's own drafts kept, a colleague's aged one evicted).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from litestar.testing import TestClient

from bench.device import Device, LostResponse, held_of, set_changes, without_keep
from schemas.answers import check_answers
from schemas.catalog import parse_template
from server.app import create_app
from server.settings import Settings
from tests.clients import bearer, login
from tests.templates import SYNC_TEMPLATE

SHOP = "联华超市(解放路店)"
PATHS = ["licence", "frozen_temp"]
VALUES: dict[str, list[Any]] = {"licence": ["pass", "fail", "na"], "frozen_temp": [-25, -18, -10.5, 3]}
PHOTOS = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(4)]
# the next version: frozen readings below -20 ℃ are no longer plausible, so -25 cannot be carried
NEXT = {**SYNC_TEMPLATE, "version": 2}
NEXT["sections"] = [
    {**s, "items": [{**i, "bounds": {"min": -20, "max": 40}} if i["id"] == "frozen_temp" else i for i in s["items"]]}
    for s in SYNC_TEMPLATE["sections"]
]
TEMPLATES = {t["version"]: parse_template(json.dumps(t).encode(), "sync_probe") for t in (SYNC_TEMPLATE, NEXT)}


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = TemporaryDirectory()
        settings_ = Settings(
            data_dir=Path(self.tmp.name), argon2_time_cost=1, argon2_memory_kib=1024, device_window_days=30
        )
        self.app = create_app(replace(settings_, demo=True))
        self.client = TestClient(self.app)
        self.client.__enter__()
        admin = bearer(login(self.client, "admin"))
        self.supervisor = bearer(login(self.client, "supervisor1"))
        for template in (SYNC_TEMPLATE, NEXT):
            assert self.client.post("/api/checklists", json=template, headers=admin).status_code == 201
        sites = {s["name"]: s["id"] for s in self.client.get("/api/sites", headers=admin).json()}
        users = {u["user"]["username"]: u["user"]["id"] for u in self.client.get("/api/users", headers=admin).json()}
        self.client.put(f"/api/users/{users['inspector2']}/sites", json={"site_ids": [sites[SHOP]]}, headers=admin)
        self.devices = [
            Device(self.client, login(self.client, "inspector1", device="a"), "a"),
            Device(self.client, login(self.client, "inspector1", device="b"), "b"),
            # an older app build: its set ops in the earlier list form
            Device(self.client, login(self.client, "inspector2", device="c"), "c", list_form=True),
        ]
        first = self.devices[0]
        self.inspection = first.create(sites[SHOP], "sync_probe")
        self.spare = first.create(sites[SHOP], "sync_probe")
        first.sync()
        for device in self.devices[1:]:
            device.pull()
        self.sent: list[tuple[Device, list[dict[str, Any]], list[dict[str, Any]]]] = []
        self.ledger: list[dict[str, Any]] = []

    # ---------------- helpers ----------------

    def server_doc(self, inspection_id: str | None = None) -> dict[str, Any]:
        inspection_id = inspection_id or self.inspection
        response = self.client.get(f"/api/inspections/{inspection_id}", headers=self.supervisor)
        assert response.status_code == 200
        doc: dict[str, Any] = response.json()
        return doc

    def record(self, device: Device, batch: list[dict[str, Any]], results: list[dict[str, Any]]) -> None:
        self.sent.append((device, batch, results))
        by_id = {op["op_id"]: op for op in batch}
        for result in results:
            op = by_id[result["op_id"]]
            if op["kind"] != "set" or result["outcome"] not in ("applied", "merged", "conflict"):
                continue
            listed = {f["path"]: f for f in result.get("fields", [])}
            for path, value, base_fv in set_changes(op):
                field = listed.get(path, {"fv": result["seq"], "outcome": "applied"})
                self.ledger.append(
                    {
                        "inspection_id": op["inspection_id"],
                        "path": path,
                        "value": value,
                        "base_fv": base_fv,
                        "client": device.client_id,
                        "op_id": op["op_id"],
                        "seq": result["seq"],
                        "fv": field["fv"],
                        "outcome": field["outcome"],
                    }
                )

    def push(self, device: Device, limit: int = 50) -> None:
        batch = device.pending()[:limit]
        results = device.push(limit)
        if batch:
            self.record(device, batch, results)

    # ---------------- rules ----------------

    @rule(d=st.integers(0, 2), path=st.sampled_from(PATHS), data=st.data())
    def edit(self, d: int, path: str, data: st.DataObject) -> None:
        self.devices[d].set(self.inspection, {path: data.draw(st.sampled_from(VALUES[path]))})

    @rule(d=st.integers(0, 2), path=st.sampled_from(PATHS), data=st.data())
    def edit_the_spare(self, d: int, path: str, data: st.DataObject) -> None:
        self.devices[d].set(self.spare, {path: data.draw(st.sampled_from(VALUES[path]))})

    @rule(d=st.integers(0, 2))
    def move_to_the_next_version(self, d: int) -> None:
        """Its inspector's phones may move it (the colleague's move is refused: not theirs)."""
        self.devices[d].enqueue("upgrade", self.inspection, version=2)

    @rule()
    def delete_the_spare(self) -> None:
        self.devices[0].delete(self.spare)

    @rule(d=st.integers(0, 2), photo=st.sampled_from(PHOTOS))
    def attach(self, d: int, photo: str) -> None:
        self.devices[d].attach(self.inspection, "photos", photo)

    @rule(d=st.integers(0, 2), photo=st.sampled_from(PHOTOS))
    def detach(self, d: int, photo: str) -> None:
        self.devices[d].detach(self.inspection, "photos", photo)

    @rule(d=st.integers(0, 2), limit=st.integers(1, 5))
    def push_some(self, d: int, limit: int) -> None:
        self.push(self.devices[d], limit)

    @rule(d=st.integers(0, 2))
    def push_with_lost_response(self, d: int) -> None:
        device = self.devices[d]
        batch = device.pending()
        if not batch:
            return
        with contextlib.suppress(LostResponse):
            device.push(lose_response=True)

    @rule(d=st.integers(0, 2))
    def push_reordered(self, d: int) -> None:
        device = self.devices[d]
        batch = device.pending()
        if len(batch) < 2:
            return
        late = batch[len(batch) // 2 :]
        response = self.client.post(
            "/api/sync/push", json={"client_id": device.client_id, "ops": late}, headers=device.headers
        )
        outcomes = {r["outcome"] for r in response.json()["results"]}
        assert outcomes <= {"gap", "applied", "merged", "conflict", "rejected"}
        self.push(device)

    @precondition(lambda self: bool(self.sent))
    @rule(data=st.data())
    def replay_an_earlier_push(self, data: st.DataObject) -> None:
        device, batch, results = data.draw(st.sampled_from(self.sent))
        before = (self.server_doc(), self.server_doc(self.spare))
        response = self.client.post(
            "/api/sync/push", json={"client_id": device.client_id, "ops": batch}, headers=device.headers
        )
        assert response.json()["results"] == results
        assert (self.server_doc(), self.server_doc(self.spare)) == before

    @rule(d=st.integers(0, 2), limit=st.integers(1, 3))
    def pull(self, d: int, limit: int) -> None:
        device = self.devices[d]
        held = set(device.server)
        device.pull(limit)
        outbox = {op["inspection_id"] for op in device.outbox}  # what the pull did not confirm
        assert outbox & held <= set(device.server), "an inspection with ops in the outbox was evicted"

    @rule(days=st.sampled_from([31, 400]))
    def age_the_spare(self, days: int) -> None:
        """Time passes for the spare: created ``days`` ago (on the server and in every copy), it leaves the window."""
        created = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        with self.app.state.store.transaction() as conn:
            conn.execute("UPDATE inspection SET created_at = ? WHERE id = ?", [created, self.spare])
        for device in self.devices:
            if self.spare in device.server:
                device.server[self.spare]["created_at"] = created

    @rule(d=st.integers(0, 2), offset_h=st.integers(-48, 48))
    def skew_clock(self, d: int, offset_h: int) -> None:
        self.devices[d].clock_offset_ms = offset_h * 3600 * 1000

    @rule(data=st.data())
    def supervisor_resolves(self, data: st.DataObject) -> None:
        queue = self.client.get("/api/conflicts", headers=self.supervisor).json()
        if not queue:
            return
        conflict = data.draw(st.sampled_from(queue))
        candidate = data.draw(st.sampled_from(conflict["candidates"]))
        response = self.client.post(
            f"/api/conflicts/{conflict['id']}/resolve",
            json={"candidate_id": candidate["id"], "note": "复核"},
            headers=self.supervisor,
        )
        assert response.status_code == 200, response.text

    def expected_photos(self) -> set[str]:
        """The add-wins set: a photo is there if one of its acknowledged attaches no detach had seen."""
        done: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {}
        for device, batch, results in self.sent:
            by_id = {op["op_id"]: op for op in batch}
            for result in results:
                if result["outcome"] in ("applied", "merged"):
                    done[result["op_id"]] = (device.client_id, by_id[result["op_id"]], result)
        attaches = [(c, op, r) for c, op, r in done.values() if op["kind"] == "attach"]
        detaches = [(c, op, r) for c, op, r in done.values() if op["kind"] == "detach"]

        def seen(attach: tuple[str, dict[str, Any], dict[str, Any]]) -> bool:
            client, op, result = attach
            return any(
                d_op["sha256"] == op["sha256"]
                and d_result["seq"] > result["seq"]
                and (d_op["base_fv"] >= result["seq"] or d_client == client)
                for d_client, d_op, d_result in detaches
            )

        return {op["sha256"] for client, op, result in attaches if not seen((client, op, result))}

    def committed_writes(self, inspection_id: str, path: str) -> list[dict[str, Any]]:
        """Every write of ``path`` the server applied, from its audit log (answered or not)."""
        audit = self.client.get(f"/api/inspections/{inspection_id}/audit", headers=self.supervisor).json()
        writes = []
        for entry in audit:
            if entry["kind"] != "set" or entry["outcome"] not in ("applied", "merged", "conflict"):
                continue
            listed = {f["path"]: f for f in entry["result"].get("fields", [])}
            for written, _value, base_fv in set_changes(entry["op"]):
                field = listed.get(written, {"outcome": "applied"})
                if written == path and field["outcome"] != "conflict":
                    writes.append({"seq": entry["seq"], "base_fv": base_fv, "client": entry["client_id"]})
        return writes

    # ---------------- invariants ----------------

    @invariant()
    def no_acknowledged_value_disappears(self) -> None:
        docs = {i: self.server_doc(i) for i in (self.inspection, self.spare)}
        for write in self.ledger:
            doc = docs[write["inspection_id"]]
            path, value = write["path"], write["value"]
            current = doc["fields"].get(path)
            if current is not None and current["value"] == value:
                continue
            candidates = [c["value"] for c in doc["conflicts"] if c["path"] == path for c in c["candidates"]]
            if value in candidates:
                continue
            if any(u["path"] == path and u["value"] == value for u in doc["uncarried"]):
                continue  # set aside by a move to the next version, with its value
            seen_at = write["fv"] if write["outcome"] != "conflict" else write["seq"]
            superseded = any(
                later["seq"] > write["seq"] and (later["base_fv"] >= seen_at or later["client"] == write["client"])
                for later in self.committed_writes(write["inspection_id"], path)
            )
            resolved_later = any(c["path"] == path and c["status"] == "resolved" for c in doc["conflicts"])
            assert superseded or resolved_later, f"acknowledged {write} vanished from {doc['fields'].get(path)}"

    @invariant()
    def answers_fit_their_version_and_nothing_uncarried_is_lost(self) -> None:
        doc = self.server_doc()
        assert check_answers(TEMPLATES[doc["version"]], doc["answers"], complete=False) == []
        if doc["version"] == 1:
            assert doc["uncarried"] == []
        for kept in doc["uncarried"]:
            assert kept["version"] == 1 and kept["path"] == "frozen_temp" and kept["reason"] == "invalid"
            assert kept["value"] < -20

    def teardown(self) -> None:
        try:
            for _ in range(3):
                for device in self.devices:
                    device.clock_offset_ms = 0
                    while device.pending():
                        self.push(device)
                    device.pull(2)
            truth = held_of(self.server_doc())
            spare = held_of(self.server_doc(self.spare))
            fresh = {}
            for user in ("inspector1", "inspector2"):
                fresh[user] = Device(self.client, login(self.client, user, device=f"fresh-{user}"), "fresh")
                fresh[user].pull(1)
            for device, user in zip(self.devices, ("inspector1", "inspector1", "inspector2"), strict=True):
                assert without_keep(device.server[self.inspection]) == truth, device.name
                if self.spare in device.server:
                    assert without_keep(device.server[self.spare]) == spare, device.name
                assert device.server == fresh[user].server
                assert [op for op in device.outbox if not device.is_rejected(op)] == []
            if spare["status"] == "draft":
                assert self.spare in fresh["inspector1"].server  # its own draft, however old
            assert set(truth["answers"].get("photos", [])) == self.expected_photos()
        finally:
            self.client.__exit__(None, None, None)
            self.tmp.cleanup()


SyncMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestSyncMachine = SyncMachine.TestCase
