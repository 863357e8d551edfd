"""The catalog: cross-field checks, loading template files, publishing versions, and the real checklists."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import msgspec
import pytest

from schemas.catalog import (
    Catalog,
    TemplateError,
    VersionExists,
    check_template,
    iter_items,
    load_catalog,
    main,
    parse_template,
)
from schemas.template import Group, Item, Number, Template, decode_template

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
REAL_CHECKLISTS = {
    "supermarket_service",
    "market_order",
    "service_quality_patrol",
    "staff_conduct",
    "complaint_handling",
}


def label(text: str) -> dict[str, str]:
    return {"zh": f"检查{text}", "en": text}


def item(kind: str, item_id: str, **fields: Any) -> dict[str, Any]:
    return {"kind": kind, "id": item_id, "label": label(item_id), "clause": "市场管理办法 第十条", **fields}


def options(*values: str) -> list[dict[str, Any]]:
    return [{"value": v, "label": label(v)} for v in values]


def section(section_id: str, items: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    return {"id": section_id, "title": label(section_id), "items": items, **fields}


def template_doc(*sections: dict[str, Any], checklist_id: str = "night_market", version: int = 1) -> dict[str, Any]:
    return {
        "checklist_id": checklist_id,
        "version": version,
        "title": {"zh": "夜市巡查", "en": "Night market patrol"},
        "description": {"zh": "夜市秩序", "en": "Night market order"},
        "sources": [{"title": "市场管理办法"}],
        "sections": list(sections) or [section("main", [item("pass_fail", "stall_hygiene")])],
    }


def build(doc: dict[str, Any]) -> Template:
    return decode_template(msgspec.json.encode(doc))


def problems_of(*items: dict[str, Any]) -> list[str]:
    return list(check_template(build(template_doc(section("main", list(items))))))


# --- cross-field checks ----------------------------------------------------------------------------------------


def test_well_formed_template_has_no_problems() -> None:
    doc = template_doc(
        section(
            "main",
            [
                item("single_choice", "has_fresh", options=options("yes", "no"), fail_values=["no"]),
                item("number", "frozen", unit="℃", acceptable={"max": -18}, bounds={"min": -60, "max": 40}),
                item("photo", "photos", min_count=1, max_count=3),
                item("pass_fail", "toilets", show_if={"item": "has_fresh", "any_of": ["yes"]}),
                item("signature", "manager", signer=label("manager"), covers=["frozen", "toilets"]),
            ],
        ),
        section("fresh", [item("pass_fail", "fresh_ok")], show_if={"item": "toilets", "any_of": ["pass", "na"]}),
    )

    assert list(check_template(build(doc))) == []


GROUP_WITH_TWIN_CHILDREN = item(
    "group",
    "stalls",
    entry_label=label("stall"),
    items=[item("pass_fail", "licence"), item("text", "licence")],
)


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        pytest.param(
            [item("pass_fail", "a"), item("text", "a")],
            "$.sections[0].items[1].id: duplicate item id 'a'",
            id="duplicate-item-id",
        ),
        pytest.param(
            [GROUP_WITH_TWIN_CHILDREN],
            "$.sections[0].items[0].items[1].id: duplicate item id 'licence'",
            id="duplicate-id-inside-group",
        ),
        pytest.param(
            [
                item("pass_fail", "licence"),
                item("group", "stalls", entry_label=label("stall"), items=[item("pass_fail", "licence")]),
            ],
            "$.sections[0].items[1].items[0].id: duplicate item id 'licence'",
            id="group-child-reuses-top-level-id",
        ),
        pytest.param(
            [item("pass_fail", "a", show_if={"item": "b", "any_of": ["pass"]}), item("pass_fail", "b")],
            "$.sections[0].items[0].show_if.item: 'b' is not an earlier item",
            id="show-if-later-item",
        ),
        pytest.param(
            [item("pass_fail", "a", show_if={"item": "ghost", "any_of": ["pass"]})],
            "$.sections[0].items[0].show_if.item: 'ghost' is not an earlier item",
            id="show-if-unknown-item",
        ),
        pytest.param(
            [item("pass_fail", "a", show_if={"item": "a", "any_of": ["pass"]})],
            "$.sections[0].items[0].show_if.item: 'a' is not an earlier item",
            id="show-if-itself",
        ),
        pytest.param(
            [item("pass_fail", "a"), item("text", "b", show_if={"item": "a", "any_of": ["yes"]})],
            "$.sections[0].items[1].show_if.any_of: 'yes' is not a possible answer of 'a'",
            id="show-if-value-not-pass-fail-answer",
        ),
        pytest.param(
            [
                item("single_choice", "a", options=options("yes", "no")),
                item("text", "b", show_if={"item": "a", "any_of": ["maybe"]}),
            ],
            "$.sections[0].items[1].show_if.any_of: 'maybe' is not a possible answer of 'a'",
            id="show-if-value-not-an-option",
        ),
        pytest.param(
            [item("photo", "a"), item("text", "b", show_if={"item": "a", "any_of": ["x"]})],
            "$.sections[0].items[1].show_if.item: 'a' is a photo; conditions need an answer value",
            id="show-if-on-photo",
        ),
        pytest.param(
            [
                item(
                    "group",
                    "stalls",
                    entry_label=label("stall"),
                    items=[
                        item("text", "note", show_if={"item": "licence", "any_of": ["fail"]}),
                        item("pass_fail", "licence"),
                    ],
                )
            ],
            "$.sections[0].items[0].items[0].show_if.item: 'licence' is not an earlier item",
            id="group-child-show-if-later-sibling",
        ),
        pytest.param(
            [item("single_choice", "a", options=options("yes", "no"), fail_values=["broken"])],
            "$.sections[0].items[0].fail_values: 'broken' is not an option",
            id="fail-value-not-an-option",
        ),
        pytest.param(
            [item("multi_choice", "a", options=options("x", "y"), fail_values=["z"])],
            "$.sections[0].items[0].fail_values: 'z' is not an option",
            id="multi-fail-value-not-an-option",
        ),
        pytest.param(
            [item("single_choice", "a", options=options("yes", "yes"))],
            "$.sections[0].items[0].options: duplicate option values",
            id="duplicate-option",
        ),
        pytest.param(
            [item("number", "t", unit="℃", acceptable={"min": -2, "max": 50}, bounds={"min": -60, "max": 40})],
            "$.sections[0].items[0].acceptable: must lie within bounds",
            id="acceptable-outside-bounds",
        ),
        pytest.param(
            [item("number", "t", unit="℃", acceptable={"min": 5, "max": -2})],
            "$.sections[0].items[0].acceptable: min 5.0 is above max -2.0",
            id="acceptable-min-above-max",
        ),
        pytest.param(
            [item("number", "t", unit="℃", bounds={"min": 40, "max": -60})],
            "$.sections[0].items[0].bounds: min 40.0 is above max -60.0",
            id="bounds-min-above-max",
        ),
        pytest.param(
            [item("photo", "p", min_count=3, max_count=2)],
            "$.sections[0].items[0].max_count: below min_count",
            id="photo-max-below-min",
        ),
        pytest.param(
            [item("multi_choice", "m", options=options("x", "y"), min_selected=2, max_selected=1)],
            "$.sections[0].items[0].max_selected: below min_selected",
            id="multi-max-below-min",
        ),
        pytest.param(
            [item("group", "g", entry_label=label("e"), items=[item("text", "n")], min_entries=3, max_entries=2)],
            "$.sections[0].items[0].max_entries: below min_entries",
            id="group-max-below-min",
        ),
        pytest.param(
            [item("pass_fail", "a"), item("signature", "s", signer=label("s"), covers=["a", "nowhere"])],
            "$.sections[0].items[1].covers: 'nowhere' is not an earlier item",
            id="signature-covers-unknown-item",
        ),
    ],
)
def test_cross_field_problem_is_reported_at_its_path(items: list[dict[str, Any]], expected: str) -> None:
    problems = problems_of(*items)

    assert problems == [expected]
    with pytest.raises(TemplateError) as raised:
        parse_template(msgspec.json.encode(template_doc(section("main", items))), "upload.json")
    assert str(raised.value) == f"upload.json: {expected}"


def test_section_problems_are_reported_at_the_section() -> None:
    doc = template_doc(
        section("main", [item("pass_fail", "a")]),
        section("main", [item("pass_fail", "b")], show_if={"item": "ghost", "any_of": ["pass"]}),
    )

    assert list(check_template(build(doc))) == [
        "$.sections[1].id: duplicate section id 'main'",
        "$.sections[1].show_if.item: 'ghost' is not an earlier item",
    ]


def test_duplicate_item_id_across_sections_is_reported() -> None:
    doc = template_doc(section("one", [item("pass_fail", "a")]), section("two", [item("text", "a")]))

    assert list(check_template(build(doc))) == ["$.sections[1].items[0].id: duplicate item id 'a'"]


def test_every_cross_field_problem_is_reported_at_once() -> None:
    items = [
        item("pass_fail", "a"),
        item("text", "a"),
        item("photo", "p", min_count=5, max_count=1),
        item("number", "t", unit="℃", acceptable={"min": 9, "max": 1}),
    ]

    problems = problems_of(*items)

    assert len(problems) == 3
    with pytest.raises(TemplateError) as raised:
        parse_template(msgspec.json.encode(template_doc(section("main", items))), "upload.json")
    assert str(raised.value) == "upload.json: " + "; ".join(problems)


# --- loading files -------------------------------------------------------------------------------------------


def write_template(root: Path, folder: str, name: str, doc: dict[str, Any]) -> Path:
    path = root / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(msgspec.json.encode(doc))
    return path


def test_load_catalog_reads_every_version_file(tmp_path: Path) -> None:
    root = tmp_path / "templates"
    write_template(root, "night_market", "1.json", template_doc(version=1))
    write_template(root, "night_market", "2.json", template_doc(version=2))
    write_template(root, "day_market", "1.json", template_doc(checklist_id="day_market"))

    catalog = load_catalog(root)

    assert catalog.checklist_ids() == ["day_market", "night_market"]
    assert catalog.versions("night_market") == [1, 2]
    latest = catalog.latest("night_market")
    assert latest is not None
    assert latest.version == 2


def test_load_catalog_of_an_empty_folder_is_empty(tmp_path: Path) -> None:
    assert load_catalog(tmp_path).templates == {}


@pytest.mark.parametrize(
    ("folder", "name", "expected"),
    [
        ("day_market", "1.json", "expected 'day_market' version 1"),
        ("night_market", "2.json", "expected 'night_market' version 2"),
    ],
)
def test_file_whose_place_disagrees_with_its_id_or_version_is_refused_naming_the_file(
    tmp_path: Path, folder: str, name: str, expected: str
) -> None:
    root = tmp_path / "templates"
    write_template(root, folder, name, template_doc(checklist_id="night_market", version=1))

    with pytest.raises(TemplateError) as raised:
        load_catalog(root)

    message = str(raised.value)
    assert message.startswith(f"templates/{folder}/{name}: file holds 'night_market' version 1")
    assert expected in message


def test_malformed_file_stops_loading_naming_the_file_and_the_field(tmp_path: Path) -> None:
    root = tmp_path / "templates"
    write_template(root, "a_market", "1.json", template_doc(checklist_id="a_market"))
    bad = template_doc()
    bad["sections"][0]["items"][0]["weight"] = "heavy"
    write_template(root, "night_market", "1.json", bad)
    write_template(root, "z_market", "1.json", template_doc(checklist_id="z_market"))

    with pytest.raises(TemplateError) as raised:
        load_catalog(root)

    message = str(raised.value)
    assert message.startswith("templates/night_market/1.json: ")
    assert "$.sections[0].items[0].weight" in message


def test_file_with_a_cross_field_problem_stops_loading_naming_the_file(tmp_path: Path) -> None:
    root = tmp_path / "templates"
    doc = template_doc(section("main", [item("pass_fail", "a"), item("pass_fail", "a")]))
    write_template(root, "night_market", "1.json", doc)

    with pytest.raises(TemplateError, match=r"^templates/night_market/1\.json: \$\.sections\[0\]\.items\[1\]\.id"):
        load_catalog(root)


def test_file_that_is_not_json_stops_loading_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "templates" / "night_market" / "1.json"
    path.parent.mkdir(parents=True)
    path.write_text("{ not json", encoding="utf-8")

    with pytest.raises(TemplateError, match=r"^templates/night_market/1\.json: not valid JSON"):
        load_catalog(tmp_path / "templates")


def test_check_command_reports_an_invalid_template_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "templates"
    write_template(root, "night_market", "3.json", template_doc(version=1))

    assert main([str(root)]) == 1
    assert "templates/night_market/3.json" in capsys.readouterr().err


def test_check_command_summarises_every_real_checklist(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0

    out = capsys.readouterr().out
    for checklist_id in load_catalog().checklist_ids():
        assert f"{checklist_id} v" in out


# --- publishing versions -------------------------------------------------------------------------------------


def test_adding_an_identical_version_again_changes_nothing() -> None:
    catalog = Catalog()

    assert catalog.add(build(template_doc())) is True
    assert catalog.add(build(template_doc())) is False
    assert catalog.versions("night_market") == [1]


def test_adding_different_content_under_a_published_version_raises_version_exists() -> None:
    catalog = Catalog()
    catalog.add(build(template_doc()))
    changed = template_doc(section("main", [item("pass_fail", "stall_hygiene", weight=2)]))

    with pytest.raises(VersionExists, match="'night_market' version 1"):
        catalog.add(build(changed))

    held = catalog.get("night_market", 1)
    assert held is not None
    assert held.sections[0].items[0].weight == 1.0


def test_versions_are_sorted_and_latest_is_the_highest() -> None:
    catalog = Catalog()
    for version in (3, 1, 10, 2):
        catalog.add(build(template_doc(version=version)))
    catalog.add(build(template_doc(checklist_id="other", version=99)))

    assert catalog.versions("night_market") == [1, 2, 3, 10]
    latest = catalog.latest("night_market")
    assert latest is not None
    assert latest.version == 10
    assert catalog.checklist_ids() == ["night_market", "other"]


def test_unknown_checklist_has_no_versions_and_no_latest() -> None:
    catalog = Catalog()
    catalog.add(build(template_doc()))

    assert catalog.versions("nowhere") == []
    assert catalog.latest("nowhere") is None
    assert catalog.get("night_market", 2) is None


# --- the real checklists -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> Catalog:
    return load_catalog()


def all_items(template: Template) -> list[Item]:
    """Every item, group children included, in order."""
    out: list[Item] = []
    for top in iter_items(template):
        out.append(top)
        if isinstance(top, Group):
            out.extend(top.items)
    return out


def latest(catalog: Catalog, checklist_id: str) -> Template:
    template = catalog.latest(checklist_id)
    assert template is not None, f"{checklist_id} is not in the catalog"
    return template


def thermometer_readings(template: Template, clause: str) -> list[Number]:
    return [i for i in all_items(template) if isinstance(i, Number) and i.clause == clause and i.unit == "℃"]


def test_real_catalog_holds_the_five_checklists(real: Catalog) -> None:
    assert set(real.checklist_ids()) >= REAL_CHECKLISTS


def test_supermarket_checklist_has_at_least_sixty_items(real: Catalog) -> None:
    assert len(all_items(latest(real, "supermarket_service"))) >= 60


def test_supermarket_frozen_display_limit_is_minus_eighteen(real: Catalog) -> None:
    frozen = thermometer_readings(latest(real, "supermarket_service"), "超市服务管理规范 6.2.1")

    assert frozen
    assert any(n.acceptable is not None and n.acceptable.max == -18 for n in frozen)


def test_supermarket_chilled_and_hot_holding_limits_follow_clause_6_2_2(real: Catalog) -> None:
    readings = thermometer_readings(latest(real, "supermarket_service"), "超市服务管理规范 6.2.2")
    ranges = [(n.acceptable.min, n.acceptable.max) for n in readings if n.acceptable is not None]

    assert (-2, 5) in ranges
    assert any(lo == 60 for lo, _ in ranges)


def test_every_supermarket_thermometer_reading_has_plausible_bounds(real: Catalog) -> None:
    readings = [i for i in all_items(latest(real, "supermarket_service")) if isinstance(i, Number) and i.unit == "℃"]

    assert readings
    for reading in readings:
        assert reading.bounds is not None, reading.id


def test_supermarket_has_conditional_items_and_sections(real: Catalog) -> None:
    template = latest(real, "supermarket_service")

    assert any(s.show_if is not None for s in template.sections)
    assert any(i.show_if is not None for i in all_items(template))


def test_market_order_has_a_repeating_group_of_stalls(real: Catalog) -> None:
    groups = [i for i in iter_items(latest(real, "market_order")) if isinstance(i, Group)]

    assert any(g.entry_label.zh == "摊位" or g.entry_label.en.lower() == "stall" for g in groups)


def test_every_real_item_has_both_labels_a_chinese_label_and_a_clause(real: Catalog) -> None:
    problems: list[str] = []
    for (checklist_id, version), template in sorted(real.templates.items()):
        for it in all_items(template):
            where = f"{checklist_id} v{version} {it.id}"
            if not it.label.zh.strip() or not it.label.en.strip():
                problems.append(f"{where}: empty label")
            if not CJK.search(it.label.zh):
                problems.append(f"{where}: label.zh {it.label.zh!r} has no Chinese character")
            if not it.clause.strip():
                problems.append(f"{where}: no clause")

    assert problems == []


def test_every_real_template_is_free_of_cross_field_problems(real: Catalog) -> None:
    assert real.templates
    for template in real.templates.values():
        assert list(check_template(template)) == [], template.checklist_id
