"""A device simulator: a small Python client of the real sync API, as a phone would use it.

It keeps an outbox of ops with a gap-free ``client_seq``, pushes oldest first,
keeps every op until a pull confirms it (checkpoint ≥ the op's server
sequence), applies pull pages, and shows local answers as the server's state
with pending ops on top. Tests and benchmarks drive it over HTTP (``httpx``
clients, Litestar's ``TestClient`` included).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

from bench.recovery import created_hlc, cut_bases, reoffer
from schemas.canonical import content_hash
from schemas.catalog import Catalog
from sync.clock import uuid7


class Http(Protocol):
    def post(self, url: str, *, json: Any = ..., headers: dict[str, str] | None = ...) -> Any: ...
    def get(self, url: str, *, params: Any = ..., headers: dict[str, str] | None = ...) -> Any: ...


def set_changes(op: dict[str, Any]) -> list[tuple[str, Any, int]]:
    """A ``set`` op's (path, value, base field version), from its map form or the earlier list form."""
    if "changes" in op:
        return [(c["path"], c["value"], c.get("base_fv", 0)) for c in op["changes"]]
    base = op.get("base", {})
    return [(path, value, base.get(path, 0)) for path, value in op["answers"].items()]


def op_paths(op: dict[str, Any]) -> list[str]:
    """The field paths an op writes; results list only those whose version is not the op's own."""
    if op["kind"] == "set":
        return [path for path, _value, _base in set_changes(op)]
    if op["kind"] in ("attach", "detach", "sign"):
        return [op["path"]]
    if op["kind"] in ("add_entry", "remove_entry"):
        return [f"{op['group']}/{op['entry_id']}"]
    return []


class LostResponse(Exception):
    """The request reached the server, the answer never reached the device."""


@dataclass
class Device:
    """One phone: its token, outbox, checkpoint and copy of the server's state."""

    http: Http
    token: str
    name: str = "device"
    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    clock_offset_ms: int = 0
    outbox: list[dict[str, Any]] = field(default_factory=list)
    next_seq: int = 1
    checkpoint: int = 0
    server: dict[str, dict[str, Any]] = field(default_factory=dict)
    scope: set[str] = field(default_factory=set)
    acked: dict[str, int] = field(default_factory=dict)
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    known_fv: dict[tuple[str, str], int] = field(default_factory=dict)
    last_hlc: int = 0
    list_form: bool = False  # send set ops in the list form of earlier app builds
    window_start: str = ""
    epoch: str = ""  # the server's epoch last seen (sync/db/epochs.py); another one: recover (bench/recovery.py)
    recovered: set[str] = field(default_factory=set)  # op ids re-sent or re-offered after a restore
    recoveries: int = 0

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    # ---- local edits: each becomes an op in the outbox ----

    def hlc(self) -> int:
        stamp = (int(time.time() * 1000) + self.clock_offset_ms) << 16
        self.last_hlc = max(stamp, self.last_hlc + 1)
        return self.last_hlc

    def enqueue(self, kind: str, inspection_id: str, **body: Any) -> dict[str, Any]:
        op = {
            "kind": kind,
            "op_id": uuid7(),
            "client_seq": self.next_seq,
            "inspection_id": inspection_id,
            "hlc": self.hlc(),
            **body,
        }
        self.next_seq += 1
        self.outbox.append(op)
        return op

    def base(self, inspection_id: str, path: str) -> int:
        return self.known_fv.get((inspection_id, path), 0)

    def create(self, site_id: str, checklist_id: str, version: int = 1) -> str:
        inspection_id = uuid7()
        self.enqueue("create", inspection_id, checklist_id=checklist_id, version=version, site_id=site_id)
        return inspection_id

    def set(self, inspection_id: str, answers: dict[str, Any]) -> dict[str, Any]:
        """Set answers, as one map with the versions they were based on (the list form if ``list_form``)."""
        if self.list_form:
            changes = [{"path": p, "value": v, "base_fv": self.base(inspection_id, p)} for p, v in answers.items()]
            return self.enqueue("set", inspection_id, changes=changes)
        base = {p: fv for p in answers if (fv := self.base(inspection_id, p))}
        return self.enqueue("set", inspection_id, answers=dict(answers), **({"base": base} if base else {}))

    def add_entry(self, inspection_id: str, group: str) -> str:
        entry_id = str(uuid.uuid4())
        self.enqueue("add_entry", inspection_id, group=group, entry_id=entry_id)
        return entry_id

    def remove_entry(self, inspection_id: str, group: str, entry_id: str) -> None:
        base = self.base(inspection_id, f"{group}/{entry_id}")
        self.enqueue("remove_entry", inspection_id, group=group, entry_id=entry_id, base_fv=base)

    def attach(
        self, inspection_id: str, path: str, sha256: str, item: str | None = None, captured: str | None = None
    ) -> None:
        """Attach a photo; ``item`` names the answer it is evidence of, ``captured`` the camera file's hash."""
        extra: dict[str, str] = {"item": item} if item is not None else {}
        if captured is not None:
            extra["captured"] = captured
        self.enqueue("attach", inspection_id, path=path, sha256=sha256, **extra)

    def detach(self, inspection_id: str, path: str, sha256: str) -> None:
        self.enqueue("detach", inspection_id, path=path, sha256=sha256, base_fv=self.base(inspection_id, path))

    def sign(self, catalog: Catalog, inspection_id: str, path: str, signer: str, image_sha256: str) -> None:
        doc = self.server.get(inspection_id, {})
        template = catalog.get(doc["checklist_id"], doc["version"])
        assert template is not None
        value = {
            "status": "signed",
            "image_sha256": image_sha256,
            "signer_name": signer,
            "signer_role": "负责人",
            "signed_at": "2026-11-22T10:00:00+08:00",
            "content_hash": content_hash(template, self.answers(inspection_id), path),
        }
        self.enqueue("sign", inspection_id, path=path, value=value, base_fv=self.base(inspection_id, path))

    def transition(self, inspection_id: str, to: str, **body: Any) -> None:
        self.enqueue("transition", inspection_id, to=to, **body)

    def delete(self, inspection_id: str) -> None:
        self.enqueue("delete", inspection_id)

    # ---- what the inspector sees ----

    def answers(self, inspection_id: str) -> dict[str, Any]:
        """The server's answers with this device's unconfirmed set ops on top."""
        answers = dict(self.server.get(inspection_id, {}).get("answers", {}))
        for op in self.outbox:
            if op["inspection_id"] == inspection_id and op["kind"] == "set" and not self.is_rejected(op):
                for path, value, _base in set_changes(op):
                    if "/" not in path:
                        answers[path] = value
        return {k: v for k, v in answers.items() if v is not None}

    def is_rejected(self, op: dict[str, Any]) -> bool:
        return self.results.get(op["op_id"], {}).get("outcome") == "rejected"

    def pending(self) -> list[dict[str, Any]]:
        """Ops the server has not acknowledged yet, oldest first."""
        return [op for op in self.outbox if op["op_id"] not in self.acked and not self.is_rejected(op)]

    # ---- sync ----

    def push(self, limit: int = 50, *, lose_response: bool = False) -> list[dict[str, Any]]:
        """Send the oldest unacknowledged ops; ``lose_response`` drops the answer after the server committed."""
        batch = self.pending()[:limit]
        if not batch:
            return []
        body = {"client_id": self.client_id, "ops": batch, "epoch": self.epoch}
        body["recovered"] = [op["op_id"] for op in batch if op["op_id"] in self.recovered]
        response = self.http.post("/api/sync/push", json=body, headers=self.headers)
        if response.status_code == 409 and response.json()["type"].endswith(":epoch-changed"):
            self.recover(response.json()["epoch"], response.json()["restored_seq"])
            return self.push(limit, lose_response=lose_response)
        if response.status_code != 200:
            raise AssertionError(f"push failed: {response.status_code} {response.text}")
        if lose_response:
            raise LostResponse
        body = response.json()
        self.epoch = self.epoch or body["epoch"]
        for result in body["results"]:
            self.results[result["op_id"]] = result
            if result["outcome"] in ("applied", "merged", "conflict"):
                self.acked[result["op_id"]] = result["seq"]
                op = next(o for o in batch if o["op_id"] == result["op_id"])
                versions = dict.fromkeys(op_paths(op), result["seq"])
                versions.update({f["path"]: f["fv"] for f in result.get("fields", [])})
                for path, fv in versions.items():
                    key = (op["inspection_id"], path)
                    self.known_fv[key] = max(self.known_fv.get(key, 0), fv)
        self.last_hlc = max(self.last_hlc, body["server_hlc"])
        results: list[dict[str, Any]] = body["results"]
        return results

    def pull(self, limit: int = 100) -> None:
        """Pull every page after the checkpoint; then drop ops the server state now includes."""
        while True:
            params = {"checkpoint": self.checkpoint, "limit": limit, "epoch": self.epoch}
            response = self.http.get("/api/sync/pull", params=params, headers=self.headers)
            assert response.status_code == 200, response.text
            page = response.json()
            if self.epoch and page["epoch"] != self.epoch:
                self.recover(page["epoch"], page["restored_seq"])
                continue
            self.epoch = page["epoch"]
            if page["reset"]:
                self.checkpoint, self.server, self.known_fv = 0, {}, {}
                continue
            scope = set(page["scope_site_ids"])
            widened = page["window_start"] < self.window_start
            if ((scope - self.scope and self.scope) or widened) and self.checkpoint:
                self.scope, self.checkpoint, self.window_start = scope, 0, page["window_start"]
                continue
            self.scope, self.window_start = scope, page["window_start"]
            for doc in map(decode_pulled, page["documents"]):
                self.server[doc["id"]] = doc
                for path, state in doc["fields"].items():
                    self.known_fv[(doc["id"], path)] = state["fv"]
                for key, entry in doc["entries"].items():
                    self.known_fv[(doc["id"], key)] = max(entry["fv"], entry["removed"])
            self.evict(page["evicted"])
            self.checkpoint = page["checkpoint"]
            if not page["has_more"]:
                break
        self.outbox = [
            op for op in self.outbox if not (op["op_id"] in self.acked and self.acked[op["op_id"]] <= self.checkpoint)
        ]
        self.evict([])  # what the outbox alone kept

    def evict(self, evicted: list[str]) -> None:
        """Drop what left the scope, and what left the window (``evicted``, or created before its start and not
        kept by the server: ``keep``), never an inspection with ops in the outbox."""
        unsent = {op["inspection_id"] for op in self.outbox}
        listed = set(evicted)
        for inspection_id, doc in list(self.server.items()):
            if inspection_id in listed:
                doc["keep"] = ""  # kept only by the outbox from now on
            out_of_window = doc["created_at"] < self.window_start and not doc["keep"]
            if doc["site_id"] not in self.scope or (out_of_window and inspection_id not in unsent):
                del self.server[inspection_id]

    def sync(self) -> None:
        """Push everything, then pull (and once more if the pull found the server restored)."""
        recoveries = self.recoveries
        while self.pending():
            before = len(self.pending())
            self.push()
            if len(self.pending()) >= before:
                break
        self.pull()
        if self.recoveries != recoveries and self.pending():
            self.sync()

    def recover(self, epoch: str, restored_seq: int) -> None:
        """The server was restored (a new ``epoch``): re-number, re-offer and re-send (see ``bench/recovery.py``)."""
        empty = {"client_id": self.client_id, "ops": [], "epoch": epoch}
        response = self.http.post("/api/sync/push", json=empty, headers=self.headers)
        assert response.status_code == 200, response.text
        last = response.json()["last_seq"]
        me = self.http.get("/api/auth/me", headers=self.headers).json()["user"]["id"]
        own = [d for d in self.server.values() if d["inspector_id"] == me and d["updated_seq"] > restored_seq]
        offered = [body for doc in own for body in reoffer(doc, restored_seq)]
        later = [cut_bases(op, restored_seq) for op in self.outbox if op["client_seq"] > last]
        self.outbox = [op for op in self.outbox if op["client_seq"] <= last]
        self.next_seq = last + 1
        for body in offered:
            hlc = created_hlc(own_doc["created_at"]) if (own_doc := self.server.get(body["inspection_id"])) else 0
            stamp = hlc if body["kind"] == "create" else self.hlc()
            self.outbox.append({**body, "op_id": uuid7(), "client_seq": 0, "hlc": stamp})
        self.outbox += later
        for op in self.outbox[len(self.outbox) - len(offered) - len(later) :]:
            op["client_seq"], self.next_seq = self.next_seq, self.next_seq + 1
            self.recovered.add(op["op_id"])
            self.acked.pop(op["op_id"], None)
            self.results.pop(op["op_id"], None)
        self.epoch, self.checkpoint, self.server, self.known_fv = epoch, 0, {}, {}
        self.recoveries += 1


def decode_pulled(doc: dict[str, Any]) -> dict[str, Any]:
    """A pulled compact document (sync/review/pulled.py) as the device keeps it.

    ``answers`` rebuilt from the values and live entries, ``fields`` as ``{path: {value, fv, by, stale}}``,
    ``entries`` as ``{key: {fv, removed}}``.
    """
    authors = [doc["authors"][index] for count, index in doc.get("by", []) for _ in range(count)]
    steps = [step for count, step in doc.get("fv", []) for _ in range(count)]
    stale = set(doc.get("stale", []))
    fields: dict[str, dict[str, Any]] = {}
    fv = 0
    for (path, value), step, by in zip(doc.get("values", {}).items(), steps, authors, strict=True):
        fv += step
        fields[path] = {"value": value, "fv": fv, "by": by, "stale": path in stale}
    entries = {key: {"fv": fv, "removed": removed} for key, (fv, removed) in doc.get("entries", {}).items()}
    answers: dict[str, Any] = {}
    for key, entry in entries.items():
        if not entry["removed"]:
            group, entry_id = key.split("/")
            answers.setdefault(group, {})[entry_id] = {}
    for path, state in fields.items():
        if state["value"] is None:
            continue
        top, *rest = path.split("/")
        if not rest:
            answers[top] = state["value"]
        elif len(rest) == 2 and isinstance(answers.get(top), dict) and rest[0] in answers[top]:
            answers[top][rest[0]][rest[1]] = state["value"]
    held = {key: doc.get(key, default) for key, default in HELD.items()}
    return {**held, "answers": answers, "fields": fields, "entries": entries, "keep": doc.get("keep", "")}


# what a device holds of an inspection besides its answers, fields and entries; defaults for parts left out
HELD: dict[str, Any] = {
    **dict.fromkeys(
        (
            "id",
            "site_id",
            "checklist_id",
            "version",
            "inspector_id",
            "status",
            "created_at",
            "updated_at",
            "updated_seq",
        )
    ),
    "comments": [],
    "conflicts": [],
    "failed_items": [],
    "reason": "",
    "findings": [],
    "photo_evidence": {},
    "notes": {},
    "uncarried": [],
}


def held_of(view: dict[str, Any]) -> dict[str, Any]:
    """The supervisor's full view (``GET /api/inspections/{id}``) cut to what a device holds, ``keep`` aside."""
    fields = {
        path: {"value": f["value"], "fv": f["fv"], "by": f["by"], "stale": f.get("stale", False)}
        for path, f in view["fields"].items()
    }
    held = {key: view[key] for key in HELD}
    return {**held, "answers": view["answers"], "fields": fields, "entries": view["entries"]}


def without_keep(doc: dict[str, Any]) -> dict[str, Any]:
    """A held document without the server's reason to keep it (which depends on who pulled it)."""
    return {key: value for key, value in doc.items() if key != "keep"}
