"""Inspection rows in the store: metadata and document, read and written in bulk; open conflict records."""

from __future__ import annotations

import sqlite3
from typing import Any

from msgspec import Struct

from sync.engine.document import ConflictRecord, Document, candidates_decoder, decode_document, encoder

_COLUMNS = (
    "id, org_id, site_id, checklist_id, version, inspector_id, status, created_at, updated_at,"
    " created_seq, updated_seq, open_conflicts, state_json"
)


class InspectionRow(Struct):
    """An inspection's row: metadata plus its document."""

    id: str
    org_id: str
    site_id: str
    checklist_id: str
    version: int
    inspector_id: str
    status: str
    created_at: str
    updated_at: str
    created_seq: int
    updated_seq: int
    open_conflicts: int
    doc: Document


def row_from(values: tuple[Any, ...]) -> InspectionRow:
    return InspectionRow(
        values[0],
        values[1],
        values[2],
        values[3],
        values[4],
        values[5],
        values[6],
        values[7],
        values[8],
        values[9],
        values[10],
        values[11],
        decode_document(values[12]),
    )


def load_row(conn: sqlite3.Connection, inspection_id: str) -> InspectionRow | None:
    values = conn.execute(f"SELECT {_COLUMNS} FROM inspection WHERE id = ?", [inspection_id]).fetchone()
    return None if values is None else row_from(values)


def open_conflicts(conn: sqlite3.Connection, inspection_id: str) -> dict[str, ConflictRecord]:
    """The open conflicts of an inspection by path."""
    rows = conn.execute(
        "SELECT id, path, kind, status, opened_seq, opened_at, candidates_json FROM conflict"
        " WHERE inspection_id = ? AND status = 'open'",
        [inspection_id],
    ).fetchall()
    return {r[1]: ConflictRecord(r[0], r[1], r[2], r[3], r[4], r[5], candidates_decoder.decode(r[6])) for r in rows}


def load_rows(conn: sqlite3.Connection, inspection_ids: list[str]) -> dict[str, InspectionRow]:
    """The stored rows among ``inspection_ids``, in one query per 500."""
    found: dict[str, InspectionRow] = {}
    for start in range(0, len(inspection_ids), 500):
        chunk = inspection_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for values in conn.execute(f"SELECT {_COLUMNS} FROM inspection WHERE id IN ({marks})", chunk):
            found[values[0]] = row_from(values)
    return found


def insert_row(conn: sqlite3.Connection, row: InspectionRow) -> None:
    insert_rows(conn, [row])


def insert_rows(conn: sqlite3.Connection, rows: list[InspectionRow]) -> None:
    conn.executemany(
        f"INSERT INTO inspection ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                row.id,
                row.org_id,
                row.site_id,
                row.checklist_id,
                row.version,
                row.inspector_id,
                row.status,
                row.created_at,
                row.updated_at,
                row.created_seq,
                row.updated_seq,
                row.open_conflicts,
                encoder.encode(row.doc),
            )
            for row in rows
        ],
    )


def save_row(conn: sqlite3.Connection, row: InspectionRow) -> None:
    conn.execute(
        "UPDATE inspection SET status = ?, updated_at = ?, updated_seq = ?, open_conflicts = ?, state_json = ?"
        " WHERE id = ?",
        [row.status, row.updated_at, row.updated_seq, row.open_conflicts, encoder.encode(row.doc), row.id],
    )


def save_conflicts(
    conn: sqlite3.Connection, row: InspectionRow, new: list[ConflictRecord], touched: list[ConflictRecord]
) -> None:
    """Insert new conflict records and update the candidates and status of touched ones."""
    for record in new:
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
                record.opened_seq if record.status == "resolved" else None,
                record.opened_at if record.status == "resolved" else None,
                encoder.encode({"winner": record.winner, "rule": "role"}) if record.status == "resolved" else None,
            ],
        )
    for record in touched:
        resolved = record.status == "resolved"
        conn.execute(
            "UPDATE conflict SET candidates_json = ?, status = ?,"
            " resolved_seq = CASE WHEN ? THEN ? ELSE resolved_seq END,"
            " resolved_at = CASE WHEN ? THEN ? ELSE resolved_at END,"
            " resolution_json = CASE WHEN ? THEN ? ELSE resolution_json END WHERE id = ?",
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
    if not (new or touched):
        return
    row.open_conflicts = conn.execute(
        "SELECT count(*) FROM conflict WHERE inspection_id = ? AND status = 'open'", [row.id]
    ).fetchone()[0]
