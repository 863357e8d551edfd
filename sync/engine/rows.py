"""Inspection rows in the store: metadata and document, read and written in bulk; open conflict records."""

from __future__ import annotations

import sqlite3
from typing import Any

import msgspec
from msgspec import Struct

from sync.db.named import named_rows
from sync.engine.document import ConflictRecord, Document, candidates_decoder, decode_document, encoder


class InspectionHead(Struct):
    """What every form of an inspection starts with: its site, checklist version, inspector, status and times."""

    id: str
    site_id: str
    checklist_id: str
    version: int
    inspector_id: str
    status: str
    created_at: str
    updated_at: str


class InspectionRow(InspectionHead):
    """An inspection's row: metadata plus its document."""

    org_id: str
    created_seq: int
    updated_seq: int
    open_conflicts: int
    doc: Document


# the stored columns, named as InspectionRow's fields (the document, last, is stored as ``state_json``)
_FIELDS = tuple(name for name in InspectionRow.__struct_fields__ if name != "doc")
COLUMNS = ", ".join((*_FIELDS, "state_json"))


def row_from(values: tuple[Any, ...]) -> InspectionRow:
    """The row read as ``SELECT {COLUMNS}``: each value into the field its column is named after."""
    return InspectionRow(**dict(zip(_FIELDS, values[:-1], strict=True)), doc=decode_document(values[-1]))


def load_row(conn: sqlite3.Connection, inspection_id: str) -> InspectionRow | None:
    """The stored row of one inspection, or ``None``."""
    values = conn.execute(f"SELECT {COLUMNS} FROM inspection WHERE id = ?", [inspection_id]).fetchone()
    return None if values is None else row_from(values)


def rows_where(conn: sqlite3.Connection, where: str, args: list[Any]) -> list[InspectionRow]:
    """The rows matching ``where`` (which may end with ``ORDER BY`` and ``LIMIT``)."""
    return [row_from(values) for values in conn.execute(f"SELECT {COLUMNS} FROM inspection WHERE {where}", args)]


def open_conflicts(conn: sqlite3.Connection, inspection_id: str) -> dict[str, ConflictRecord]:
    """The open conflicts of an inspection by path."""
    rows = conn.execute(
        "SELECT id, path, kind, status, opened_seq, opened_at, candidates_json AS candidates FROM conflict"
        " WHERE inspection_id = ? AND status = 'open'",
        [inspection_id],
    )
    records = [
        ConflictRecord(**{**r, "candidates": candidates_decoder.decode(r["candidates"])}) for r in named_rows(rows)
    ]
    return {record.path: record for record in records}


def load_rows(conn: sqlite3.Connection, inspection_ids: list[str]) -> dict[str, InspectionRow]:
    """The stored rows among ``inspection_ids``, in one query per 500."""
    found: dict[str, InspectionRow] = {}
    for start in range(0, len(inspection_ids), 500):
        chunk = inspection_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in rows_where(conn, f"id IN ({marks})", chunk):
            found[row.id] = row
    return found


def insert_row(conn: sqlite3.Connection, row: InspectionRow) -> None:
    """Store a new inspection's row."""
    insert_rows(conn, [row])


_INSERT = f"INSERT INTO inspection ({COLUMNS}) VALUES ({', '.join(f':{name}' for name in (*_FIELDS, 'state_json'))})"


def insert_rows(conn: sqlite3.Connection, rows: list[InspectionRow]) -> None:
    """Store new inspections' rows, each column from the field of its name, and note who inspects where."""
    if not rows:
        return
    conn.executemany(_INSERT, [_params(row) for row in rows])
    conn.executemany(
        "INSERT INTO site_inspector (site_id, inspector_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        sorted({(row.site_id, row.inspector_id) for row in rows}),
    )


def _params(row: InspectionRow) -> dict[str, Any]:
    params = msgspec.structs.asdict(row)
    params["state_json"] = encoder.encode(params.pop("doc"))
    return params


def save_row(conn: sqlite3.Connection, row: InspectionRow) -> None:
    """Write what an op can change of a stored row: status, checklist version, last change, open conflicts, document."""
    conn.execute(
        "UPDATE inspection SET status = ?, version = ?, updated_at = ?, updated_seq = ?, open_conflicts = ?,"
        " state_json = ? WHERE id = ?",
        [row.status, row.version, row.updated_at, row.updated_seq, row.open_conflicts, encoder.encode(row.doc), row.id],
    )


def save_conflicts(
    conn: sqlite3.Connection, row: InspectionRow, new: list[ConflictRecord], touched: list[ConflictRecord]
) -> None:
    """Insert new conflict records and update the candidates and status of touched ones."""
    for record in new:
        _insert_conflict(conn, row, record)
    for record in touched:
        _update_conflict(conn, row, record)
    if not (new or touched):
        return
    row.open_conflicts = conn.execute(
        "SELECT count(*) FROM conflict WHERE inspection_id = ? AND status = 'open'", [row.id]
    ).fetchone()[0]


def _insert_conflict(conn: sqlite3.Connection, row: InspectionRow, record: ConflictRecord) -> None:
    """A new conflict record: open, or resolved at once by role (the winner kept in its resolution)."""
    resolved = record.status == "resolved"
    conn.execute(
        "INSERT INTO conflict (id, inspection_id, org_id, site_id, checklist_id, path, kind, status,"
        " opened_seq, opened_at, candidates_json, resolved_seq, resolved_at, resolution_json)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            record.id,
            row.id,
            row.org_id,
            row.site_id,
            row.checklist_id,
            record.path,
            record.kind,
            record.status,
            record.opened_seq,
            record.opened_at,
            encoder.encode(record.candidates),
            record.opened_seq if resolved else None,
            record.opened_at if resolved else None,
            encoder.encode({"winner": record.winner, "rule": "role"}) if resolved else None,
        ],
    )


def _update_conflict(conn: sqlite3.Connection, row: InspectionRow, record: ConflictRecord) -> None:
    """A held conflict's new candidates and status; once resolved (re-signed), when and by which winner."""
    resolved = record.status == "resolved"
    conn.execute(
        "UPDATE conflict SET candidates_json = ?, status = ?,"
        " resolved_seq = CASE WHEN ? = 1 THEN ? ELSE resolved_seq END,"
        " resolved_at = CASE WHEN ? = 1 THEN ? ELSE resolved_at END,"
        " resolution_json = CASE WHEN ? = 1 THEN ? ELSE resolution_json END WHERE id = ?",
        [
            encoder.encode(record.candidates),
            record.status,
            resolved,
            row.updated_seq,
            resolved,
            row.updated_at,
            resolved,
            encoder.encode({"winner": record.winner, "rule": "re-signed"}),
            record.id,
        ],
    )
