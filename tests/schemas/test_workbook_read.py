"""The checklist workbook read back: round trips, a person's edits, XLSForm workbooks, every error located."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import msgspec
import pytest
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from schemas.catalog import load_catalog
from schemas.template import Number, Template
from schemas.template_messages import Located
from schemas.template_validate import validate_doc
from schemas.workbook_read import UnreadableWorkbook, read_workbook
from schemas.workbook_write import write_workbook
from tests.templates import minimal_template
from tests.workbooks import columns, exported, row_of, saved, set_cell

CATALOG = load_catalog()


def read(data: bytes) -> tuple[Template | None, Any, list[Located]]:
    reading = read_workbook(data)
    template, normal, found = validate_doc(reading.doc, frozenset(reading.broken))
    return template, normal, reading.errors + [reading.place(e) for e in found]


@pytest.mark.parametrize("key", sorted(CATALOG.templates), ids=lambda k: f"{k[0]}-v{k[1]}")
def test_every_shipped_checklist_round_trips_to_an_equal_template(key: tuple[str, int]) -> None:
    template = CATALOG.templates[key]
    back, _, errors = read(write_workbook(template))
    assert errors == []
    assert back == template


def test_the_workbook_has_the_xlsform_sheets_titles_keys_frozen_header_and_lists() -> None:
    book = exported(CATALOG.templates[("supermarket_service", 2)])
    assert book.sheetnames == ["survey", "choices", "settings", "sources"]
    survey = book["survey"]
    assert survey["A1"].value == "类型" and survey["A2"].value == "type"
    assert [survey.cell(2, n).value for n in range(2, 5)] == ["name", "label::zh-CN", "label::en"]
    assert survey.freeze_panes == "C3"
    assert survey.column_dimensions["C"].width == 36
    lists = {str(v.sqref): v.formula1 for v in survey.data_validations.dataValidation}
    cols = columns(survey)
    severity = get_column_letter(cols["severity"])
    assert lists[f"{severity}3:{severity}5000"] == '"critical,major,minor"'
    assert survey.cell(row_of(survey, "general"), 1).value == "begin group"
    frozen = row_of(survey, "frozen_cabinet_temp")
    assert survey.cell(frozen, cols["acceptable_max"]).value == -18
    assert survey.cell(frozen, cols["acceptable_max_exclusive"]).value == "yes"
    assert survey.cell(row_of(survey, "fresh_categories"), cols["relevant"]).value == "${has_fresh_food} = 'yes'"
    assert book["settings"]["A3"].value == "supermarket_service"


def test_text_that_looks_like_a_formula_stays_text() -> None:
    doc = minimal_template(label='=HYPERLINK("http://x")')
    template = msgspec.convert(doc, Template)
    book = exported(template)
    cell = book["survey"].cell(row_of(book["survey"], "stall_hygiene"), 3)
    assert cell.data_type == "s"
    back, _, errors = read(saved(book))
    assert errors == [] and back == template


def test_the_frozen_limit_change_reproduces_supermarket_version_2() -> None:
    book = exported(CATALOG.templates[("supermarket_service", 1)])
    set_cell(book["survey"], "frozen_cabinet_temp", "acceptable_max_exclusive", "yes")
    book["settings"]["B3"].value = 2
    back, _, errors = read(saved(book))
    assert errors == [] and back == CATALOG.templates[("supermarket_service", 2)]
    item = next(i for s in back.sections for i in s.items if i.id == "frozen_cabinet_temp")
    assert isinstance(item, Number) and item.acceptable is not None and item.acceptable.max_exclusive


def test_the_market_order_corrections_reproduce_version_2() -> None:
    book = exported(CATALOG.templates[("market_order", 1)])
    survey = book["survey"]
    set_cell(survey, "stall_no", "clause", "市场经营管理规定 三")
    set_cell(survey, "food_licence", "label::zh-CN", "经营食品的持有食品经营许可证")
    set_cell(survey, "food_licence", "label::en", "Food sellers hold a food business licence")
    book["settings"]["B3"].value = 2
    back, _, errors = read(saved(book))
    assert errors == [] and back == CATALOG.templates[("market_order", 2)]


def _errors(book: Workbook) -> dict[tuple[str | None, int | None, str | None], tuple[str, str]]:
    _, _, errors = read(saved(book))
    return {(e.sheet, e.row, e.column): (e.zh, e.en) for e in errors}


def _letter(book: Workbook, key: str, sheet: str = "survey") -> str:
    return get_column_letter(columns(book[sheet])[key])


def test_every_error_case_is_located_and_said_in_both_languages() -> None:
    book = exported(CATALOG.templates[("supermarket_service", 2)])
    survey = book["survey"]
    frozen = set_cell(survey, "frozen_cabinet_temp", "acceptable_max", "minus eighteen")
    chilled = set_cell(survey, "chilled_meat_cabinet_temp", "acceptable_min", 9)  # above its max of 5: reversed
    wrong = set_cell(survey, "has_fresh_food", "type", "thermometer")
    unlabelled = set_cell(survey, "gm_responsibility", "label::en", None)
    duplicate = set_cell(survey, "sales_area_m2", "name", "site_overview_photos")
    condition = set_cell(survey, "fresh_categories", "relevant", "${has_fresh_food} != 'yes' and true()")
    unknown = set_cell(survey, "processing_types", "choices", "no_such_list")
    got = _errors(book)
    assert got[("survey", frozen, _letter(book, "acceptable_max"))] == (
        f"第 {frozen} 行「上限」应为数字",
        f"Row {frozen}: 'max' must be a number",
    )
    zh, en = got[("survey", chilled, _letter(book, "acceptable_min"))]
    assert zh.startswith(f"第 {chilled} 行「合格范围」的下限 9 高于上限 5")
    assert en == f"Row {chilled}: min 9.0 is above max 5.0"
    assert got[("survey", wrong, "A")] == (
        f"第 {wrong} 行不支持的类型「thermometer」",
        f"Row {wrong}: the type 'thermometer' is not supported",
    )
    assert got[("survey", unlabelled, _letter(book, "label::en"))] == (
        f"第 {unlabelled} 行缺少「标签(英文)」",
        f"Row {unlabelled}: 'label (en)' is missing",
    )
    assert got[("survey", duplicate, "B")] == (
        f"第 {duplicate} 行编号「site_overview_photos」重复",
        f"Row {duplicate}: duplicate item id 'site_overview_photos'",
    )
    zh, en = got[("survey", condition, _letter(book, "relevant"))]
    assert zh.startswith(f"第 {condition} 行「显示条件」只支持") and "!= 'yes' and true()" in en
    assert got[("survey", unknown, _letter(book, "choices"))] == (
        f"第 {unknown} 行选项表「no_such_list」在 choices 表中不存在",
        f"Row {unknown}: choice list 'no_such_list' is not on the choices sheet",
    )
    # nothing else: the items conditioned on the refused row are not blamed for it
    assert len(got) == 7, got


def test_a_condition_on_a_later_item_and_a_bad_choice_cell_are_located() -> None:
    book = exported(CATALOG.templates[("supermarket_service", 2)])
    survey = book["survey"]
    early = set_cell(survey, "has_fresh_food", "relevant", "${fresh_categories} = 'frozen'")
    choices = book["choices"]
    choices.cell(4, columns(choices)["fail"]).value = "maybe"
    got = _errors(book)
    said = got[("survey", early, _letter(book, "relevant"))]
    assert said[1] == f"Row {early}: 'fresh_categories' is not an earlier item"
    assert got[("choices", 4, _letter(book, "fail", "choices"))] == (
        "「choices」表第 4 行「不合格」应为 yes 或 no",
        "Sheet choices, row 4: 'fail' must be yes or no",
    )


ODK_SURVEY: list[list[Any]] = [
    [
        "type",
        "name",
        "label::Chinese (zh)",
        "label::English (en)",
        "required",
        "relevant",
        "clause",
        "unit",
        "appearance",
    ],
    ["start", "start"],
    ["begin_group", "stall", "摊位", "Stall", None, None, None, None, "field-list"],
    ["select_one yes_no", "sells_food", "是否经营食品", "Sells food", "yes", None, "市场管理办法 第五条"],
    ["select_multiple cats", "categories", "品类", "Categories", "no", "${sells_food} = 'yes'", "市场管理办法 第五条"],
    ["decimal", "fridge_temp", "冷藏温度", "Fridge", "no", "selected(${categories}, 'chilled')", "6.2.2", "℃"],
    ["integer", "scales", "秤的数量", "Number of scales", None, None, "超市服务管理规范 6.1.4", "台"],
    ["end_group"],
    ["begin repeat", "defects", "问题", "Defects", None, None, "市场管理办法 第八条"],
    ["text", "defect_note", "问题描述", "Description", None, None, "市场管理办法 第八条"],
    ["image", "defect_photo", "照片", "Photo", None, None, "市场管理办法 第八条"],
    ["end repeat"],
    ["geopoint", "where", "位置", "Location", None, None, "市场管理办法 第八条"],
    ["dateTime", "when", "时间", "Time", None, None, "市场管理办法 第八条"],
]
ODK_CHOICES: list[list[Any]] = [
    ["list_name", "name", "label::Chinese (zh)", "label::English (en)"],
    ["yes_no", "yes", "是", "Yes"],
    ["yes_no", "no", "否", "No"],
    ["cats", "chilled", "冷藏", "Chilled"],
    ["cats", "dry", "干货", "Dry goods"],
]
ODK_SETTINGS: list[list[Any]] = [
    [
        "form_id",
        "version",
        "form_title::Chinese (zh)",
        "form_title::English (en)",
        "description::zh",
        "description::en",
    ],
    ["night_stalls", "2024010101", "夜市摊位检查", "Night stall check", "夜市摊位", "Night market stalls"],
]


def _xlsform() -> Workbook:
    """An XLSForm as ODK and Kobo users write it: keys in row 1, types with list names, groups, a repeat."""
    book = Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    for name, rows in (
        ("choices", ODK_CHOICES),
        ("settings", ODK_SETTINGS),
        ("sources", [["title"], ["市场管理办法"]]),
    ):
        sheet = book.create_sheet(name)
        for values in rows:
            sheet.append(values)
    for values in ODK_SURVEY:
        survey.append(values)
    return book


def test_an_xlsform_in_the_supported_subset_imports() -> None:
    template, _, errors = read(saved(_xlsform()))
    assert errors == [], errors
    assert template is not None
    assert (template.checklist_id, template.version, template.title.en) == (
        "night_stalls",
        2024010101,
        "Night stall check",
    )
    sections = {s.id: [i.id for i in s.items] for s in template.sections}
    assert sections == {
        "stall": ["sells_food", "categories", "fridge_temp", "scales"],
        "part_2": ["defects", "where", "when"],
    }
    items = {i.id: i for s in template.sections for i in s.items}
    assert msgspec.to_builtins(items["categories"].show_if) == {"item": "sells_food", "any_of": ["yes"]}
    assert msgspec.to_builtins(items["fridge_temp"].show_if) == {"item": "categories", "any_of": ["chilled"]}
    scales = items["scales"]
    assert isinstance(scales, Number) and scales.decimals == 0 and scales.unit == "台"


def test_each_unsupported_xlsform_construct_is_refused_by_name_where_it_is() -> None:
    book = _xlsform()
    survey = book["survey"]
    survey.cell(4, 1).value = "calculate"  # sells_food
    survey.cell(5, 6).value = "${sells_food} = 'yes' and ${scales} > 2"
    survey.cell(1, 10).value = "constraint"
    survey.cell(6, 10).value = ". < 10"
    survey.insert_rows(10)
    survey.cell(10, 1).value = "begin repeat"
    survey.cell(10, 2).value = "inner"
    got = _errors(book)
    assert got[("survey", 4, "A")] == (
        "第 4 行不支持的类型「calculate」",
        "Row 4: the type 'calculate' is not supported",
    )
    assert got[("survey", 5, "F")][1].startswith("Row 5: 'relevant' supports only")
    assert got[("survey", 6, "J")] == (
        "第 6 行不支持「constraint」列",
        "Row 6: the column 'constraint' is not supported",
    )
    assert got[("survey", 10, "A")] == (
        "第 10 行不支持嵌套重复组(begin repeat)",
        "Row 10: nested repeats are not supported",
    )


def test_what_is_no_workbook_is_refused_before_it_is_opened() -> None:
    for data in (b"", b"not a zip at all", b"PK\x03\x04broken"):
        with pytest.raises(UnreadableWorkbook, match=r"not an \.xlsx workbook"):
            read_workbook(data)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (80 * 1024 * 1024))
    with pytest.raises(UnreadableWorkbook, match="zip bomb"):
        read_workbook(bomb.getvalue())
    empty = Workbook()
    with pytest.raises(UnreadableWorkbook, match="no 'survey' sheet"):
        read_workbook(saved(empty))


# sound enough to open, broken when its rows are read: a shared string index that is no number
BROKEN_SHEET = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:B2"/>'
    b'<sheetData><row r="1"><c r="A1" t="s"><v>x</v></c></row></sheetData></worksheet>'
)


def test_a_broken_sheet_inside_a_sound_package_is_refused_not_a_failure() -> None:
    sound = io.BytesIO(write_workbook(CATALOG.templates[("market_order", 2)]))
    broken = io.BytesIO()
    with zipfile.ZipFile(sound) as source, zipfile.ZipFile(broken, "w") as target:
        for entry in source.infolist():
            cut = entry.filename.endswith("sheet1.xml")
            target.writestr(entry, BROKEN_SHEET if cut else source.read(entry))
    with pytest.raises(UnreadableWorkbook, match="cannot be read"):
        read_workbook(broken.getvalue())
