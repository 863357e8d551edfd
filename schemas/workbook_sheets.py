"""A workbook's sheets as rows under header keys, and the reading of them into template JSON.

Cells are read into template fields; the reading in progress keeps what was read, the errors,
and where each part came from, to place a template error on its sheet, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from schemas.template_messages import Located, located
from schemas.workbook_layout import CHOICES, SETTINGS, SHEETS, SOURCES, Column
from schemas.xlsform import cell_value, header_key

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


@dataclass
class Reading:
    """The template JSON read from a workbook, the errors found so far, and where each part came from."""

    doc: dict[str, Any]
    errors: list[Located] = field(default_factory=list)
    places: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)
    sheets: dict[str, Sheet] = field(default_factory=dict)

    def error(self, sheet: str, row: int | None, key: str | None, found: Located) -> None:
        """Add ``found`` at a cell (or a row, or a sheet)."""
        self.errors.append(_at(found, sheet, row, self._letter(sheet, key)))

    def _letter(self, sheet: str, key: str | None) -> str | None:
        held = self.sheets.get(sheet)
        if key is None or held is None or key not in held.keys:
            return None
        return get_column_letter(held.keys[key] + 1)

    def place(self, found: Located) -> Located:
        """A template error placed on the sheet, row and column it came from."""
        path = found.path
        while path and path not in self.places:
            path = path.rpartition("/")[0]
        sheet, row = self.places.get(path, ("settings", None))
        return _at(found, sheet, row, self._letter(sheet, _key_for(sheet, found.field)))


def _at(found: Located, sheet: str, row: int | None, column: str | None) -> Located:
    if row is None:
        where_zh, where_en = f"「{sheet}」表:", f"Sheet {sheet}: "
    elif sheet == "survey":
        where_zh, where_en = f"第 {row} 行", f"Row {row}: "
    else:
        where_zh, where_en = f"「{sheet}」表第 {row} 行", f"Sheet {sheet}, row {row}: "
    return Located(found.path, found.item, found.field, where_zh + found.zh, where_en + found.en, sheet, row, column)


def _key_for(sheet: str, field_path: str | None) -> str | None:
    if not field_path:
        return None
    parts = field_path.split(".")
    if sheet == "choices" and parts[0] == "options":
        parts = parts[2:] if len(parts) > 2 and parts[1].isdigit() else ["value"]
    if parts[0] == "show_if":
        parts = ["show_if"]
    if sheet == "sources" and parts[0] == "sources":
        parts = parts[2:]
    dotted = ".".join(parts)
    for column in SHEETS.get(sheet, ()):
        if dotted == column.field or dotted.startswith(column.field + "."):
            return column.key
    # a whole range (acceptable, bounds) is placed at its first column
    return next((c.key for c in SHEETS.get(sheet, ()) if c.field.startswith(dotted + ".")), None)


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
