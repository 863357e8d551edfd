"""Inspections made through the real engine, without HTTP: an inspector's device pushes, a supervisor reviews.

Each inspection starts at a chosen moment (its create op's clock, as a phone started it), so tests
can place it on either side of a China-date boundary. The catalog holds ``sync_probe`` version 1
and a version 2 whose licence item is relabelled and whose stall prices cite another clause.
"""

from __future__ import annotations

import copy
import itertools
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from schemas.catalog import Catalog, parse_template
from sync.clock import uuid7
from sync.db.store import Store
from sync.engine.ops import AddEntry, Create, Delete, Op, OpResult, PushBatch, SetAnswers, Status, Transition, make_hlc
from sync.push import apply_push, apply_server_op
from tests.sync.office import Office
from tests.templates import SYNC_TEMPLATE


def probe_catalog() -> Catalog:
    """``sync_probe`` versions 1 and 2 (v2: licence relabelled, stall prices under another clause, pass mark 60)."""
    catalog = Catalog()
    catalog.add(parse_template(json.dumps(SYNC_TEMPLATE).encode(), "sync_probe/1.json"))
    second = copy.deepcopy(SYNC_TEMPLATE)
    second["version"] = 2
    second["scoring"] = {"pass_mark": 60}
    items = second["sections"][0]["items"]
    items[0]["label"] = {"zh": "营业执照", "en": "Business licence"}
    items[6]["items"][1]["clause"] = "市场管理办法 第十三条"
    catalog.add(parse_template(json.dumps(second).encode(), "sync_probe/2.json"))
    return catalog


@dataclass
class FieldWork:
    """One inspector's device and a supervisor at the desk, over an :class:`Office`'s store."""

    store: Store
    catalog: Catalog
    office: Office
    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def push(self, ops: list[Op], millis: int) -> list[OpResult]:
        """Push ops from the inspector's device with the server's clock just after ``millis``."""
        batch = PushBatch(self.client_id, ops)
        user = self.office.users["inspector"]
        return apply_push(self.store, self.catalog, user, "phone", batch, now_ms=millis + 1000).results

    def op(self, kind: type[Any], inspection_id: str, millis: int, **body: Any) -> Any:
        """An op of the inspector's device, next in its sequence."""
        seq = next(self.seq)
        return kind(op_id=uuid7(millis), client_seq=seq, inspection_id=inspection_id, hlc=make_hlc(millis, seq), **body)

    def start(
        self,
        site: str,
        answers: dict[str, Any],
        at: datetime,
        *,
        version: int = 1,
        stalls: list[dict[str, Any]] = (),  # type: ignore[assignment]
        submit: bool = True,
    ) -> str:
        """A new inspection started ``at`` with these answers and stall entries, submitted unless told not to."""
        inspection_id = uuid7()
        millis = int(at.timestamp() * 1000)
        ops: list[Op] = [
            self.op(Create, inspection_id, millis, checklist_id="sync_probe", version=version, site_id=site)
        ]
        values = dict(answers)
        for stall in stalls:
            entry = str(uuid.uuid4())
            ops.append(self.op(AddEntry, inspection_id, millis, group="stalls", entry_id=entry))
            values |= {f"stalls/{entry}/{child}": value for child, value in stall.items()}
        ops.append(self.op(SetAnswers, inspection_id, millis, answers=values))
        if submit:
            ops.append(self.op(Transition, inspection_id, millis, to="submitted"))
        results = self.push(ops, millis)
        assert all(r.outcome == "applied" for r in results), results
        return inspection_id

    def edit(self, inspection_id: str, answers: dict[str, Any], at: datetime, *, submit: bool = False) -> None:
        """Change answers (and resubmit) from the device."""
        millis = int(at.timestamp() * 1000)
        ops: list[Op] = [self.op(SetAnswers, inspection_id, millis, answers=answers)]
        if submit:
            ops.append(self.op(Transition, inspection_id, millis, to="submitted"))
        results = self.push(ops, millis)
        assert all(r.outcome in ("applied", "merged") for r in results), results

    def delete(self, inspection_id: str, at: datetime) -> None:
        """Delete a draft from the device."""
        millis = int(at.timestamp() * 1000)
        results = self.push([self.op(Delete, inspection_id, millis)], millis)
        assert results[0].outcome == "applied", results

    def review(self, inspection_id: str, to: Status, at: datetime) -> None:
        """The supervisor's transition (``returned`` with a reason, ``approved``, ``rejected`` with a reason)."""
        millis = int(at.timestamp() * 1000)
        reason = "" if to == "approved" else "请复查"
        op = Transition(
            op_id=uuid7(millis), client_seq=1, inspection_id=inspection_id, hlc=make_hlc(millis), to=to, reason=reason
        )
        result = apply_server_op(self.store, self.catalog, self.office.users["admin"], op, now_ms=millis + 1000)
        assert result.outcome == "applied", result
