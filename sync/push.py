"""Applying a push: idempotent, gap-free per client, one durable transaction per batch (group-committed).

A replayed op returns its stored outcome and changes nothing. A gap in
``client_seq`` is answered ``gap`` so the device resends from ``last_seq + 1``.
One bad op is rejected (with a problem) without blocking the ones after it;
the rejection still advances the client's sequence and is kept in the op log.

Within a batch each inspection is read once and written once, its stored facts
(:mod:`sync.engine.facts`) computed once, and the op log rows are written together,
all in the batch's transaction. A conflict row refers to its inspection's row, so an
inspection created in the batch is inserted before its first conflict is written (the
rest of its changes are saved with the others at the end).
"""

from __future__ import annotations

import sqlite3

from schemas.catalog import Catalog, TemplateIndex
from sync import clock
from sync.clock import iso_from_ms, now_iso
from sync.db.epochs import check_epoch, record_recovered
from sync.db.named import named_row
from sync.db.store import Store
from sync.engine import duplicate_flags
from sync.engine.apply import create_row, dispatch, touches_evidence
from sync.engine.document import Writer
from sync.engine.facts import store_facts, store_status
from sync.engine.merge import LOCKED, Context, mark_stale_signatures
from sync.engine.oplog import LoggedOp, last_seq, rejected_record, server_op, write_ops
from sync.engine.ops import (
    Create,
    Delete,
    FieldResult,
    Op,
    OpResult,
    Outcome,
    PushBatch,
    PushResult,
    Rejection,
    Transition,
    Uncarried,
    encoder,
    hlc_millis,
    make_hlc,
    result_decoder,
)
from sync.engine.rollups import moving_facts, moving_inspection_findings
from sync.engine.rows import InspectionRow, insert_rows, load_row, load_rows, open_conflicts, save_conflicts, save_row
from sync.errors import Forbidden, Rejected
from sync.evidence.refs import sync_evidence_refs
from sync.feed.events import record_op_events
from sync.org.accounts import User
from sync.org.sites import site_ids_in_scope
from sync.review.findings import record_findings

MAX_SKEW_MS = 5 * 60 * 1000
MAX_ERRORS = 100  # a rejected op's errors listed: its op-log row stays small however many answers it got wrong
# An inspection counts from when the phone started it (offline on Sunday, synced on Monday: Sunday),
# by the create op's clock, unless that is more than this far back (a wrong clock): then on receipt.
MAX_START_AGE_MS = 31 * 24 * 3600 * 1000
_RANK = {"applied": 0, "merged": 1, "conflict": 2}


def apply_push(
    store: Store, catalog: Catalog, user: User, device_id: str, batch: PushBatch, *, now_ms: int | None = None
) -> PushResult:
    """Apply a batch of ops in ``client_seq`` order and commit, durably, before returning.

    The commit is a group commit (:meth:`sync.db.store.Store.grouped`): pushes applied while others
    queue for the writer are made durable by one fsync; a push that fails rolls back alone. A batch
    sent with an epoch the database no longer carries (restored since) is refused whole:
    :class:`sync.errors.EpochChanged` says where the device stands (:mod:`sync.db.epochs`).
    """
    now_ms = clock.now_ms() if now_ms is None else now_ms
    results: list[OpResult] = []
    with store.grouped() as conn:
        last = _register_client(conn, batch.client_id, user, device_id)
        epoch = check_epoch(conn, batch.client_id, batch.epoch, last, now_iso())
        work = Batch(conn, catalog, user, site_ids_in_scope(store, user), batch.client_id, now_ms)
        stored = work.stored_results([op.op_id for op in batch.ops])
        work.prefetch([op.inspection_id for op in batch.ops])
        for op in sorted(batch.ops, key=lambda o: o.client_seq):
            if op.op_id in stored:
                results.append(stored[op.op_id])
            elif op.client_seq <= last:
                detail = f"client_seq {op.client_seq} was already used by another op; sequences are never reused"
                results.append(_refused(op, "protocol-error", detail))
            elif op.client_seq > last + 1:
                results.append(_refused(op, "sequence-gap", f"expected client_seq {last + 1}; resend from there"))
            else:
                stored[op.op_id] = result = work.apply(op)
                results.append(result)
                last = op.client_seq
        work.flush()
        conn.execute("UPDATE client SET last_seq = ? WHERE client_id = ?", [last, batch.client_id])
        if batch.recovered:
            _note_recovered(conn, epoch.id, batch, user, results)
    return PushResult(results, last, make_hlc(now_ms), epoch.id)


def apply_server_op(store: Store, catalog: Catalog, user: User, op: Op, *, now_ms: int | None = None) -> OpResult:
    """Apply an op made on the server for a supervisor or admin (review actions), logged like any other."""
    now_ms = clock.now_ms() if now_ms is None else now_ms
    with store.transaction() as conn:
        work = Batch(conn, catalog, user, site_ids_in_scope(store, user), None, now_ms)
        result = work.apply(op)
        work.flush()
    return result


def started_at(hlc: int, now_ms: int, received: str) -> str:
    """When the device started an inspection: its create op's (clamped) clock, or ``received`` if implausible."""
    millis = hlc_millis(hlc)
    if not now_ms - MAX_START_AGE_MS <= millis < now_ms:
        return received
    return iso_from_ms(millis)


class Batch:
    """One push's work inside its transaction: cached rows, the next server sequence, pending log rows."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        catalog: Catalog,
        user: User,
        scope: set[str],
        client_id: str | None,
        now_ms: int,
    ) -> None:
        self.conn, self.catalog, self.user, self.scope = conn, catalog, user, scope
        self.client_id, self.now_ms = client_id, now_ms
        self.seq = last_seq(conn)
        self.rows: dict[str, InspectionRow | None] = {}
        self.new_rows: list[str] = []
        self.inserted: set[str] = set()  # new rows already inserted: before their first conflict
        self.dirty: set[str] = set()
        self.rescore: set[str] = set()  # rows whose answers changed: their facts are computed again
        self.restatus: set[str] = set()  # rows moved or deleted: their facts take the new status
        self.evidence_dirty: set[str] = set()
        self.log: list[LoggedOp] = []
        self.writers: dict[int, Writer] = {}
        self.uncarried: list[Uncarried] = []  # what the op being applied could not carry (upgrade)
        self.received = iso_from_ms(now_ms)  # one clock reading for the batch: ops, conflicts, events

    def stored_results(self, op_ids: list[str]) -> dict[str, OpResult]:
        """Outcomes already stored for any of these ops (replays)."""
        found: dict[str, OpResult] = {}
        for start in range(0, len(op_ids), 500):
            chunk = op_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for op_id, result in self.conn.execute(
                f"SELECT op_id, result_json FROM op_log WHERE op_id IN ({marks})", chunk
            ):
                found[op_id] = result_decoder.decode(result)
        return found

    def prefetch(self, inspection_ids: list[str]) -> None:
        """Read the rows a batch touches in one go (``None`` for those not stored yet)."""
        wanted = [i for i in dict.fromkeys(inspection_ids) if i not in self.rows]
        found = load_rows(self.conn, wanted)
        for inspection_id in wanted:
            self.rows[inspection_id] = found.get(inspection_id)

    def row(self, inspection_id: str) -> InspectionRow | None:
        """The row of an inspection, read once per batch (``None`` when not stored)."""
        if inspection_id not in self.rows:
            self.rows[inspection_id] = load_row(self.conn, inspection_id)
        return self.rows[inspection_id]

    def writer(self, seq: int) -> Writer:
        """Who made the op at ``seq``: from this batch, or from the op log."""
        if seq not in self.writers:
            row = named_row(
                self.conn.execute(
                    "SELECT l.user_id, coalesce(l.client_id, '') AS client_id, l.op_id, l.hlc,"
                    " coalesce(u.role, '') AS role FROM op_log l LEFT JOIN user u ON u.id = l.user_id WHERE l.seq = ?",
                    [seq],
                )
            )
            self.writers[seq] = Writer(**row) if row else Writer("", "", f"fv:{seq}", 0, "")
        return self.writers[seq]

    def apply(self, op: Op) -> OpResult:
        """Apply one op in memory and queue its op-log row; a rejection changes nothing else."""
        self.seq += 1
        seq, flags, hlc = self.seq, [], op.hlc
        if hlc_millis(hlc) > self.now_ms + MAX_SKEW_MS:
            flags.append("clock_skew")
            hlc = make_hlc(self.now_ms)
        received = self.received
        self.writers[seq] = Writer(self.user.id, self.client_id or "", op.op_id, hlc, self.user.role)
        self.uncarried = []
        try:
            fields, conflict_ids = self._apply(op, seq, hlc, received)
            listed = [f for f in fields if f.outcome != "applied" or f.fv != seq or f.conflict_id]
            outcome: Outcome = max((f.outcome for f in listed), key=_RANK.__getitem__) if listed else "applied"
            result = OpResult(
                op.op_id, op.client_seq, outcome, seq, listed, conflict_ids, flags=flags, uncarried=self.uncarried
            )
        except Rejected as exc:
            problem = _rejection(exc)
            result = OpResult(op.op_id, op.client_seq, "rejected", seq, problem=problem, flags=flags)
        self.log.append(
            LoggedOp(
                seq,
                op.op_id,
                self.client_id,
                op.client_seq if self.client_id else None,
                op.inspection_id,
                str(type(op).__struct_config__.tag),
                rejected_record(encoder.encode(op)) if result.outcome == "rejected" else encoder.encode(op),
                hlc,
                self.user.id,
                received,
                result.outcome,
                encoder.encode(result),
            )
        )
        return result

    def _apply(self, op: Op, seq: int, hlc: int, now: str) -> tuple[list[FieldResult], list[str]]:
        """Apply one op to its row in memory; returns its field results and the conflicts it names."""
        if isinstance(op, Create):
            return self._create(op, seq, hlc, now)
        row, index = self._target(op)
        conflicts = open_conflicts(self.conn, row.id) if row.open_conflicts else {}
        ctx = Context(
            index,
            self.user.id,
            self.user.role,
            self.client_id or "",
            op.op_id,
            seq,
            hlc,
            now,
            conflicts,
            self.writer,
            catalog=self.catalog,
        )
        before = row.status
        try:
            fields = dispatch(row, op, ctx)
        except Rejected:
            if ctx.changed:
                raise RuntimeError("an op was rejected after changing the document") from None
            raise
        self.uncarried, index = ctx.uncarried, ctx.index  # an upgrade moved the row to another version
        if isinstance(op, Transition) and row.status == "submitted":
            with moving_inspection_findings(self.conn, row.id):  # the report rollups follow
                verified = record_findings(self.conn, row, index, seq, now)
            for finding_id, earlier in verified:
                self._log_verified(finding_id, earlier, row.id, now)
        if ctx.changed:
            self._changed(row, op, index, ctx)
        record_op_events(self.conn, row, op, before, ctx)
        if not fields and not ctx.new_conflicts:  # a plain op: its answers all set on the fast path
            return fields, []
        conflict_ids = sorted({f.conflict_id for f in fields if f.conflict_id} | {c.id for c in ctx.new_conflicts})
        return fields, conflict_ids

    def _create(self, op: Create, seq: int, hlc: int, now: str) -> tuple[list[FieldResult], list[str]]:
        """A new row for a create op, or the held one when it was created with the same details."""
        started = started_at(hlc, self.now_ms, now)
        new = create_row(self.row(op.inspection_id), self.catalog, self.user, self.scope, op, seq, started, now)
        if new is None:
            held = self.rows[op.inspection_id]
            assert held is not None
            return [FieldResult("", "applied", held.created_seq)], []
        self.rows[new.id] = new
        self.new_rows.append(new.id)
        return [FieldResult("", "applied", seq)], []

    def _target(self, op: Op) -> tuple[InspectionRow, TemplateIndex]:
        """The row an op changes and its checklist version; rejected unless both are here and in scope."""
        row = self.row(op.inspection_id)
        if row is None or row.org_id != self.user.org_id or row.site_id not in self.scope:  # the same: no probing
            raise Rejected("not-found", f"no inspection {op.inspection_id}; send its create op first")
        index = self.catalog.index(row.checklist_id, row.version)
        if index is None:
            raise Rejected("not-found", f"checklist {row.checklist_id} version {row.version} is not published here")
        return row, index

    def _changed(self, row: InspectionRow, op: Op, index: TemplateIndex, ctx: Context) -> None:
        """After an op changed a document: stale signatures, the row's last change, conflicts and evidence to write."""
        if row.status not in LOCKED and index.signatures and not isinstance(op, Transition):  # a move changes no answer
            mark_stale_signatures(row.doc, ctx)
        row.updated_seq, row.updated_at = ctx.seq, ctx.now
        self.dirty.add(row.id)
        (self.restatus if isinstance(op, Transition | Delete) else self.rescore).add(row.id)
        if ctx.new_conflicts or ctx.touched_conflicts:
            self._insert_early(row)
            touched = [c for c in ctx.conflicts.values() if c.id in ctx.touched_conflicts]
            new_ids = {c.id for c in ctx.new_conflicts}
            save_conflicts(self.conn, row, ctx.new_conflicts, [c for c in touched if c.id not in new_ids])
        if touches_evidence(op, ctx):
            self.evidence_dirty.add(row.id)

    def _insert_early(self, row: InspectionRow) -> None:
        """Insert a row created in this batch now (once), so conflict rows can refer to it; saved again at the end."""
        if row.id in self.new_rows and row.id not in self.inserted:
            insert_rows(self.conn, [row])
            self.inserted.add(row.id)
            self.dirty.add(row.id)

    def _log_verified(self, finding_id: str, inspection_id: str, by: str, now: str) -> None:
        """Log an earlier inspection's action verified by this one as its own op, and move that inspection.

        Its new ``updated_seq`` makes the phones that hold it pull the verified action.
        """
        self.seq += 1
        body = {"kind": "finding", "action": "verified", "finding_id": finding_id, "inspection_id": by}
        result = {"finding_id": finding_id, "status": "verified"}
        self.log.append(server_op(self.seq, inspection_id, "finding", body, result, self.user.id, now))
        cached = self.rows.get(inspection_id)
        if cached is not None:
            cached.updated_seq, cached.updated_at = self.seq, now
            self.dirty.add(inspection_id)
        else:
            self.conn.execute(
                "UPDATE inspection SET updated_seq = ?, updated_at = ? WHERE id = ?", [self.seq, now, inspection_id]
            )

    def flush(self) -> None:
        """Write every new and changed inspection, its stored facts, its evidence references, and the op-log rows."""
        pending = [i for i in self.new_rows if i not in self.inserted]
        new = [row for i in pending if (row := self.rows[i]) is not None]
        insert_rows(self.conn, new)
        changed = []
        for inspection_id in self.dirty.difference(pending):
            row = self.rows[inspection_id]
            assert row is not None
            save_row(self.conn, row)
            changed.append(row)
        rescored = [*new, *(row for row in changed if row.id in self.rescore)]
        moved = [row for row in changed if row.id in self.restatus and row.id not in self.rescore]
        fresh = set(pending)
        with moving_facts(self.conn, [row.id for row in [*rescored, *moved]], new=fresh):
            store_facts(self.conn, self.catalog, rescored, new=fresh)
            store_status(self.conn, self.catalog, moved)
        for inspection_id in self.evidence_dirty:
            row = self.rows[inspection_id]
            assert row is not None
            sync_evidence_refs(self.conn, row, self.catalog, self.user.id, new=inspection_id in fresh)
        write_ops(self.conn, self.log)
        duplicate_flags.flag(self.conn, [row.id for row in [*new, *changed]])  # reads the creating ops just written


def _register_client(conn: sqlite3.Connection, client_id: str, user: User, device_id: str) -> int:
    row = named_row(conn.execute("SELECT user_id, last_seq, device_id FROM client WHERE client_id = ?", [client_id]))
    if row is None:
        conn.execute(
            "INSERT INTO client (client_id, user_id, device_id, last_seq, created_at) VALUES (?, ?, ?, 0, ?)",
            [client_id, user.id, device_id, now_iso()],
        )
        return 0
    if row["user_id"] != user.id:
        raise Forbidden("this client_id belongs to another user; generate a new one after a change of user")
    if row["device_id"] != device_id:
        conn.execute("UPDATE client SET device_id = ? WHERE client_id = ?", [device_id, client_id])
    last: int = row["last_seq"]
    return last


def _note_recovered(
    conn: sqlite3.Connection, epoch: str, batch: PushBatch, user: User, results: list[OpResult]
) -> None:
    """Note the ops of ``batch.recovered`` the server took (for the restore report)."""
    wanted = set(batch.recovered)
    ops = {op.op_id: op for op in batch.ops if op.op_id in wanted}
    taken = [
        (r.op_id, ops[r.op_id].inspection_id, str(type(ops[r.op_id]).__struct_config__.tag), r.outcome, r.seq)
        for r in results
        if r.op_id in ops and r.outcome not in ("gap", "rejected")
    ]
    record_recovered(conn, epoch, batch.client_id, user.id, taken, now_iso())


def _rejection(exc: Rejected) -> Rejection:
    """The problem of a rejected op, listing at most :data:`MAX_ERRORS` of its errors (it is logged and answered)."""
    if len(exc.errors) <= MAX_ERRORS:
        return Rejection(exc.type, exc.detail, exc.errors)
    detail = f"{exc.detail} ({MAX_ERRORS} of {len(exc.errors)} errors listed)"
    return Rejection(exc.type, detail, exc.errors[:MAX_ERRORS])


def _refused(op: Op, type_: str, detail: str) -> OpResult:
    outcome: Outcome = "gap" if type_ == "sequence-gap" else "rejected"
    return OpResult(op.op_id, op.client_seq, outcome, problem=Rejection(type_, detail))
