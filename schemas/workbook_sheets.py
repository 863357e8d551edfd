"""A workbook's sheets as rows under their header keys, and the cells of a row read into template fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schemas.template_messages import located
from schemas.workbook_layout import CHOICES, SETTINGS, SOURCES, Column
from schemas.xlsform import cell_value, header_key

if TYPE_CHECKING:
    from schemas.workbook_read import Reading

MAX_ROWS = 5000


class UnreadableWorkbook(ValueError):
    """Not an ``.xlsx`` workbook this reader will open: not a zip, a zip bomb, no ``survey`` sheet, too long."""


_MARKERS = {"survey": "type", "choices": "list_name", "settings": "form_id", "sources": "title"}
_SAY = {
    "number": ("{f}应为数字", "{f} must be a number"),
    "int": ("{f}应为整数", "{f} must be a whole number"),
    "bool": ("{f}应为 yes 或 no", "{f} must be yes or no"),
}


@dataclass(frozen=True)
class Sheet:
    """One sheet: its header keys (key → column index from 0) and its data rows (Excel row number, values)."""

    name: str
    keys: dict[str, int]
    rows: list[tuple[int, tuple[Any, ...]]]

    def get(self, values: tuple[Any, ...], key: str) -> Any:
        """The cell under ``key`` in a row; ``None`` when blank or absent."""
        at = self.keys.get(key)
        value = values[at] if at is not None and at < len(values) else None
        return None if isinstance(value, str) and not value.strip() else value


def _sheet(name: str, rows: list[tuple[Any, ...]]) -> Sheet:
    marker = _MARKERS.get(name, "")
    second = [header_key(v) for v in rows[1]] if len(rows) > 1 else []
    header = 1 if marker in second or (name == "settings" and "title::zh-CN" in second) else 0
    keys: dict[str, int] = {}
    for n, raw in enumerate(rows[header] if rows else ()):
        if raw is not None and str(raw).strip():
            keys.setdefault(header_key(raw), n)
    data = [
        (n + 1, row)
        for n, row in enumerate(rows[header + 1 :], start=header + 1)
        if any(v is not None and str(v).strip() for v in row)
    ]
    return Sheet(name, keys, data)


def read_sheets(book: Any) -> dict[str, Sheet]:
    """Every sheet of an openpyxl workbook, its header found in row 1 or 2; too long a sheet is refused."""
    sheets: dict[str, Sheet] = {}
    for sheet in book.worksheets:
        rows: list[tuple[Any, ...]] = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(tuple(values))
            if len(rows) > MAX_ROWS:
                raise UnreadableWorkbook(
                    f"「{sheet.title}」表超过 {MAX_ROWS} 行 / sheet {sheet.title} has over {MAX_ROWS} rows"
                )
        sheets[str(sheet.title).strip().lower()] = _sheet(str(sheet.title).strip().lower(), rows)
    return sheets


def _put(doc: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        doc = doc.setdefault(part, {})
    doc[last] = value


def row_fields(
    reading: Reading,
    sheet: str,
    row: int,
    values: tuple[Any, ...],
    columns: tuple[Column, ...],
    skip: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The row's cells read into template fields; a cell that does not read is an error at its column."""
    held = reading.sheets[sheet]
    out: dict[str, Any] = {}
    for column in columns:
        raw = held.get(values, column.key) if column.key not in skip else None
        if raw is None:
            continue
        try:
            value = cell_value(column.kind, raw)
        except ValueError:
            zh, en = _SAY[column.kind]
            item = held.get(values, "name") if sheet == "survey" else None
            reading.error(sheet, row, column.key, located("", str(item) if item else None, column.field, zh, en))
            continue
        if value not in ("", []):
            _put(out, column.field, value)
    return out


def read_settings(reading: Reading) -> None:
    """The settings (form id, version, titles, scoring, site types) and sources into the template JSON."""
    settings = reading.sheets.get("settings")
    if settings is None or not settings.rows:
        reading.errors.append(
            located("", None, None, "缺少 settings 表或其内容", "the 'settings' sheet is missing or empty")
        )
    else:
        row, values = settings.rows[0]
        reading.doc.update(row_fields(reading, "settings", row, values, SETTINGS))
        reading.places[""] = ("settings", row)
    sources = reading.sheets.get("sources")
    if sources is not None:
        reading.places["sources"] = ("sources", None)
        reading.doc["sources"] = []
        for n, (row, values) in enumerate(sources.rows):
            reading.doc["sources"].append(row_fields(reading, "sources", row, values, SOURCES))
            reading.places[f"sources/{n}"] = ("sources", row)


def read_choices(reading: Reading) -> dict[str, list[tuple[int, dict[str, Any], bool]]]:
    """The choice lists: list name → (row, option, fails) in sheet order."""
    lists: dict[str, list[tuple[int, dict[str, Any], bool]]] = {}
    sheet = reading.sheets.get("choices")
    for row, values in sheet.rows if sheet is not None else []:
        fields = row_fields(reading, "choices", row, values, CHOICES)
        name = fields.pop("list_name", None)
        if name is None:
            reading.error(
                "choices", row, "list_name", located("", None, "list_name", "缺少「选项表」", "'list_name' is missing")
            )
            continue
        fail = bool(fields.pop("fail", False))
        lists.setdefault(str(name), []).append((row, fields, fail))
    return lists
