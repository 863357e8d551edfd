"""Checking answers: every error at once with JSON Pointers, outcomes, completeness, conditions, failed items."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.answer_records import AnswerError, pointer_token
from schemas.answers import (
    check_answers,
    check_value,
    failed_items,
    holds,
    items_by_id,
    outcome,
    visible_items,
)
from schemas.catalog import load_catalog, parse_template
from schemas.template import Condition, Group, Item, LeafItem, Template
from tests.schemas.answer_cases import Case, group_cases, leaf_cases

HASH = "ab" * 32
HASH2 = "cd" * 32
HASH3 = "ef" * 32
STALL = "0b6f2c4e-9d1a-4c3b-8e7f-1a2b3c4d5e6f"
STALL2 = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
WHEN = "2026-05-01T09:30:00+08:00"


def label(text: str) -> dict[str, str]:
    return {"zh": f"检查{text}", "en": text}


def item(kind: str, item_id: str, **fields: Any) -> dict[str, Any]:
    return {"kind": kind, "id": item_id, "label": label(item_id), "clause": "超市服务管理规范 6.2", **fields}


def options(*values: str) -> list[dict[str, Any]]:
    return [{"value": v, "label": label(v)} for v in values]


TEMPERATURE_BOUNDS = {"min": -60, "max": 40}

DOC: dict[str, Any] = {
    "checklist_id": "cold_chain",
    "version": 1,
    "title": {"zh": "冷链巡查", "en": "Cold chain patrol"},
    "description": {"zh": "冷柜温度", "en": "Cabinet temperatures"},
    "sources": [{"title": "超市服务管理规范"}],
    "sections": [
        {
            "id": "main",
            "title": label("main"),
            "items": [
                item("pass_fail", "a"),
                item("number", "b", unit="m²", required=False),
                item("pass_fail", "strict", allow_na=False, required=False),
                item("single_choice", "has_fresh", options=options("yes", "no")),
                item(
                    "multi_choice",
                    "categories",
                    options=options("frozen", "chilled", "hot"),
                    required=False,
                    max_selected=3,
                ),
                item(
                    "multi_choice",
                    "hazards",
                    options=options("pests", "leaks", "none"),
                    fail_values=["pests", "leaks"],
                    min_selected=1,
                ),
                item(
                    "single_choice",
                    "cleanliness",
                    options=options("clean", "dirty"),
                    fail_values=["dirty"],
                    required=False,
                ),
                item("photo", "photos", min_count=2, max_count=3),
                item("text", "remarks", required=False, max_length=10),
                item("gps", "where", required=False),
                item("datetime", "when", required=False),
                item("datetime", "day", required=False, date_only=True),
                item(
                    "group",
                    "stalls",
                    entry_label={"zh": "摊位", "en": "Stall"},
                    min_entries=1,
                    max_entries=3,
                    items=[
                        item("text", "stall_no"),
                        item("pass_fail", "licence"),
                        item("text", "note", required=False),
                        item("photo", "licence_photo", show_if={"item": "licence", "any_of": ["fail"]}),
                        item("number", "scale_error", unit="g", required=False, acceptable={"min": -5, "max": 5}),
                    ],
                ),
                item("group", "samples", entry_label=label("sample"), required=False, items=[item("text", "what")]),
            ],
        },
        {
            "id": "fresh",
            "title": label("fresh"),
            "show_if": {"item": "has_fresh", "any_of": ["yes"]},
            "items": [
                item(
                    "number",
                    "frozen",
                    unit="℃",
                    clause="超市服务管理规范 6.2.1",
                    severity="critical",
                    acceptable={"max": -18},
                    bounds=TEMPERATURE_BOUNDS,
                    show_if={"item": "categories", "any_of": ["frozen"]},
                ),
                item(
                    "number",
                    "chilled",
                    unit="℃",
                    clause="超市服务管理规范 6.2.2",
                    acceptable={"min": -2, "max": 5},
                    bounds=TEMPERATURE_BOUNDS,
                    show_if={"item": "categories", "any_of": ["chilled"]},
                ),
                item(
                    "number",
                    "hot",
                    unit="℃",
                    clause="超市服务管理规范 6.2.2",
                    acceptable={"min": 60},
                    bounds={"min": -10, "max": 120},
                    show_if={"item": "categories", "any_of": ["hot"]},
                ),
                item("pass_fail", "fresh_signage"),
            ],
        },
        {
            "id": "sign_off",
            "title": label("sign_off"),
            "items": [item("signature", "manager", signer=label("manager"))],
        },
    ],
}

TEMPLATE: Template = parse_template(msgspec.json.encode(DOC), "cold_chain/1.json")
ITEMS = items_by_id(TEMPLATE)


def leaf(item_id: str) -> LeafItem:
    found = ITEMS[item_id]
    assert not isinstance(found, Group)
    return found


def group_child(group_id: str, child_id: str) -> LeafItem:
    group = ITEMS[group_id]
    assert isinstance(group, Group)
    return next(child for child in group.items if child.id == child_id)


def signed(**changes: Any) -> dict[str, Any]:
    value = {
        "status": "signed",
        "image_sha256": HASH,
        "signer_name": "王店长",
        "signer_role": "店长",
        "signed_at": WHEN,
        "content_hash": HASH2,
    }
    value.update(changes)
    return value


def stall(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"stall_no": "A-01", "licence": "pass"}
    entry.update(changes)
    return entry


def complete_answers(**changes: Any) -> dict[str, Any]:
    """Every required visible item answered, with nothing failed; fresh food absent so that section hides."""
    answers: dict[str, Any] = {
        "a": "pass",
        "has_fresh": "no",
        "hazards": ["none"],
        "photos": [HASH, HASH2],
        "stalls": {STALL: stall()},
        "manager": signed(),
    }
    answers.update(changes)
    return answers


def pointers(errors: list[AnswerError]) -> list[str]:
    return [e.pointer for e in errors]


# --- every error at once ---------------------------------------------------------------------------------------


def test_a_complete_valid_inspection_has_no_errors_and_no_failures() -> None:
    assert check_answers(TEMPLATE, complete_answers(), complete=True) == []
    assert failed_items(TEMPLATE, complete_answers()) == []


def test_check_answers_reports_every_error_at_once_each_at_its_pointer() -> None:
    answers = complete_answers(a="maybe", b="cold", stalls={STALL: stall(licence="yes")})

    errors = check_answers(TEMPLATE, answers)

    assert sorted(pointers(errors)) == ["/a", "/b", f"/stalls/{STALL}/licence"]
    for error in errors:
        assert "(" in error.detail
        assert error.detail.endswith(")")


def test_an_unknown_item_is_an_error_at_its_key() -> None:
    errors = check_answers(TEMPLATE, {"ghost": "pass"})

    assert pointers(errors) == ["/ghost"]
    assert "ghost" in errors[0].detail


def test_prefix_is_put_before_every_pointer() -> None:
    answers = {"a": "maybe", "stalls": {STALL: {"licence": "pass"}}}

    errors = check_answers(TEMPLATE, answers, complete=True, prefix="/answers")

    assert errors
    assert all(p.startswith("/answers/") for p in pointers(errors))
    assert "/answers/a" in pointers(errors)
    assert f"/answers/stalls/{STALL}/stall_no" in pointers(errors)
    assert "/answers/photos" in pointers(errors)


# --- readings: failed item versus invalid data ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("item_id", "reading", "expected"),
    [
        ("frozen", -10, "fail"),
        ("frozen", -17.9, "fail"),
        ("frozen", -18, "pass"),
        ("frozen", -20, "pass"),
        ("chilled", 6, "fail"),
        ("chilled", -3, "fail"),
        ("chilled", 5, "pass"),
        ("chilled", -2, "pass"),
        ("chilled", 0.5, "pass"),
        ("hot", 55, "fail"),
        ("hot", 60, "pass"),
        ("hot", 75, "pass"),
    ],
)
def test_reading_outside_acceptable_range_is_a_failed_item_not_an_error(
    item_id: str, reading: float, expected: str
) -> None:
    assert check_value(leaf(item_id), reading, f"/{item_id}") == []
    assert outcome(leaf(item_id), reading) == expected


@pytest.mark.parametrize(
    ("item_id", "reading"),
    [("frozen", -61), ("frozen", 41), ("frozen", 1e9), ("hot", -11), ("hot", 121)],
)
def test_reading_outside_plausible_bounds_is_an_error(item_id: str, reading: float) -> None:
    errors = check_value(leaf(item_id), reading, f"/{item_id}")

    assert pointers(errors) == [f"/{item_id}"]
    assert "℃" in errors[0].detail


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("cold", id="a-word"),
        pytest.param("-20", id="number-as-string"),
        pytest.param("", id="empty-string"),
        pytest.param(True, id="true"),
        pytest.param(False, id="false"),
        pytest.param(float("nan"), id="nan"),
        pytest.param(float("inf"), id="inf"),
        pytest.param(float("-inf"), id="minus-inf"),
        pytest.param(None, id="null"),
        pytest.param([-20], id="list"),
        pytest.param({"value": -20}, id="object"),
    ],
)
def test_a_reading_that_is_not_a_finite_number_is_an_error(value: Any) -> None:
    errors = check_value(leaf("frozen"), value, "/frozen")

    assert pointers(errors) == ["/frozen"]
    assert "number" in errors[0].detail


@pytest.mark.parametrize("value", [10**400, -(10**400), 2**64])
def test_an_integer_too_large_for_a_float_is_judged_not_a_crash(value: int) -> None:
    assert check_value(leaf("b"), value) == []
    assert pointers(check_value(leaf("frozen"), value, "/frozen")) == ["/frozen"]


def test_integer_and_float_readings_are_both_numbers() -> None:
    assert check_value(leaf("frozen"), -20) == []
    assert check_value(leaf("frozen"), -20.5) == []


# --- other kinds ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item_id", "value", "expected"),
    [
        ("a", "pass", []),
        ("a", "na", []),
        ("a", "合格", ["/x"]),
        ("strict", "na", ["/x"]),
        ("has_fresh", "maybe", ["/x"]),
        ("has_fresh", ["yes"], ["/x"]),
        ("categories", ["frozen", "hot"], []),
        ("categories", ["frozen", "ice"], ["/x/1"]),
        ("categories", ["ice", "frozen", "snow"], ["/x/0", "/x/2"]),
        ("categories", ["frozen", "frozen"], ["/x"]),
        ("categories", [["frozen"]], ["/x/0"]),
        ("categories", "frozen", ["/x"]),
        ("photos", [HASH], []),
        ("photos", [HASH, "not-a-hash", HASH.upper()], ["/x/1", "/x/2"]),
        ("photos", [HASH + "\n"], ["/x/0"]),
        ("photos", [HASH, HASH], ["/x"]),
        ("photos", [HASH, HASH2, HASH3, "0" * 64], ["/x"]),
        ("remarks", "十个字十个字十个字十", []),
        ("remarks", "十个字十个字十个字十个", ["/x"]),
        ("remarks", 10, ["/x"]),
        ("where", {"lat": 31.2, "lon": 121.5, "accuracy_m": 8, "captured_at": WHEN}, []),
        ("where", {"lat": 100, "lon": 121.5}, ["/x/lat"]),
        ("where", {"lat": 31.2}, ["/x/lon"]),
        ("where", {"lat": 31.2, "lon": 121.5, "alt/m": 4}, ["/x/alt~1m"]),
        ("where", {"lat": True, "lon": 121.5}, ["/x/lat"]),
        ("when", WHEN, []),
        ("when", "2026-05-01T09:30:00", ["/x"]),
        ("when", "2026-05-01T09:30:00+08:60", ["/x"]),
        ("when", "2026-W18-5T09:30:00Z", ["/x"]),
        ("day", "2026-05-01", []),
        ("day", "2026-13-45", ["/x"]),
        ("day", "2026-W18-5", ["/x"]),
        ("day", "２０２６-05-01", ["/x"]),
        ("manager", signed(), []),
        ("manager", {"status": "signed"}, [f"/x/{k}" for k in sorted(signed()) if k != "status"]),
        ("manager", signed(signer_name="   "), ["/x/signer_name"]),
        ("manager", signed(signer_name="名" * 101), ["/x/signer_name"]),
        ("manager", signed(signed_at="2026-13-45T10:00:00Z", content_hash="x"), ["/x/content_hash", "/x/signed_at"]),
        ("manager", signed(**{"a/b": 1}), ["/x/a~1b"]),
        ("manager", "signed", ["/x"]),
    ],
)
def test_check_value_points_at_the_bad_part(item_id: str, value: Any, expected: list[str]) -> None:
    assert pointers(check_value(ITEMS[item_id], value, "/x")) == expected


def test_check_value_of_a_group_points_into_entries() -> None:
    value = {
        STALL: {"stall_no": 7, "licence": "pass", "ghost": 1},
        "stall-2": {"licence": "fail"},
        STALL2: "not an entry",
    }

    errors = check_value(ITEMS["stalls"], value, "/stalls")

    assert pointers(errors) == [
        f"/stalls/{STALL}/stall_no",
        f"/stalls/{STALL}/ghost",
        "/stalls/stall-2",
        f"/stalls/{STALL2}",
    ]


def test_a_group_with_more_entries_than_allowed_is_an_error() -> None:
    entries = {f"{n:08x}-0000-4000-8000-000000000000": stall() for n in range(4)}

    assert pointers(check_value(ITEMS["stalls"], entries, "/stalls")) == ["/stalls"]


# --- completeness ---------------------------------------------------------------------------------------------


def test_draft_check_does_not_ask_for_missing_answers() -> None:
    assert check_answers(TEMPLATE, {}) == []


def test_complete_check_reports_every_required_visible_item_not_answered() -> None:
    errors = check_answers(TEMPLATE, {}, complete=True)

    assert pointers(errors) == ["/a", "/has_fresh", "/hazards", "/photos", "/stalls", "/manager"]


def test_null_counts_as_not_answered_for_completeness() -> None:
    errors = check_answers(TEMPLATE, complete_answers(a=None), complete=True)

    assert "/a" in pointers(errors)


def test_complete_check_reports_too_few_photos_selections_and_entries() -> None:
    answers = complete_answers(photos=[HASH], hazards=[], stalls={})

    errors = check_answers(TEMPLATE, answers, complete=True)

    assert pointers(errors) == ["/hazards", "/photos", "/stalls"]
    assert check_answers(TEMPLATE, answers) == []


def test_complete_check_reports_missing_required_children_in_each_entry() -> None:
    answers = complete_answers(stalls={STALL: {"licence": "pass"}, STALL2: {"stall_no": "B-02"}})

    errors = check_answers(TEMPLATE, answers, complete=True)

    assert pointers(errors) == [f"/stalls/{STALL}/stall_no", f"/stalls/{STALL2}/licence"]


def test_optional_group_without_minimum_may_be_left_out() -> None:
    assert "/samples" not in pointers(check_answers(TEMPLATE, complete_answers(), complete=True))


def test_hidden_section_items_are_not_required() -> None:
    answers = complete_answers(has_fresh="no")

    assert check_answers(TEMPLATE, answers, complete=True) == []


def test_items_of_a_shown_section_become_required() -> None:
    answers = complete_answers(has_fresh="yes")

    assert pointers(check_answers(TEMPLATE, answers, complete=True)) == ["/fresh_signage"]


@pytest.mark.parametrize(
    ("categories", "required"),
    [
        ([], []),
        (["chilled"], ["/chilled"]),
        (["frozen", "hot"], ["/frozen", "/hot"]),
        (["frozen", "chilled", "hot"], ["/frozen", "/chilled", "/hot"]),
    ],
)
def test_conditional_readings_are_required_only_when_shown(categories: list[str], required: list[str]) -> None:
    answers = complete_answers(has_fresh="yes", fresh_signage="pass", categories=categories)

    assert pointers(check_answers(TEMPLATE, answers, complete=True)) == required


def test_answer_to_a_hidden_item_is_kept_but_still_checked_for_validity() -> None:
    hidden_but_valid = complete_answers(has_fresh="no", categories=["frozen"], frozen=-25)
    hidden_and_invalid = complete_answers(has_fresh="no", categories=["frozen"], frozen="cold")

    assert check_answers(TEMPLATE, hidden_but_valid, complete=True) == []
    assert pointers(check_answers(TEMPLATE, hidden_and_invalid, complete=True)) == ["/frozen"]


@pytest.mark.parametrize(("licence", "required"), [("pass", []), ("na", []), ("fail", ["licence_photo"])])
def test_conditional_child_in_an_entry_is_required_only_when_shown(licence: str, required: list[str]) -> None:
    answers = complete_answers(stalls={STALL: stall(licence=licence)})

    errors = check_answers(TEMPLATE, answers, complete=True)

    assert pointers(errors) == [f"/stalls/{STALL}/{child}" for child in required]


# --- JSON Pointer escaping ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "token"),
    [("plain", "plain"), ("a/b", "a~1b"), ("m~n", "m~0n"), ("~1", "~01"), ("/~", "~1~0"), ("", ""), ("温度", "温度")],
)
def test_pointer_token_escapes_slash_and_tilde_per_rfc_6901(key: str, token: str) -> None:
    assert pointer_token(key) == token


@pytest.mark.parametrize(("key", "pointer"), [("a/b", "/a~1b"), ("m~n", "/m~0n"), ("~1/", "/~01~1")])
def test_unknown_keys_are_escaped_in_pointers(key: str, pointer: str) -> None:
    assert pointers(check_answers(TEMPLATE, {key: 1})) == [pointer]


def test_group_entry_keys_and_child_ids_are_escaped_in_pointers() -> None:
    errors = check_answers(TEMPLATE, {"stalls": {"a/b": {"x~y": 1}}}, prefix="/answers")

    assert pointers(errors) == ["/answers/stalls/a~1b", "/answers/stalls/a~1b/x~0y"]


# --- outcomes and failed items --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "value", "expected"),
    [
        (leaf("a"), "pass", "pass"),
        (leaf("a"), "fail", "fail"),
        (leaf("a"), "na", "na"),
        (leaf("a"), None, None),
        (leaf("b"), 12.5, None),
        (leaf("frozen"), None, None),
        (leaf("cleanliness"), "dirty", "fail"),
        (leaf("cleanliness"), "clean", "pass"),
        (leaf("has_fresh"), "no", None),
        (leaf("hazards"), ["none"], "pass"),
        (leaf("hazards"), ["none", "leaks"], "fail"),
        (leaf("hazards"), [], "pass"),
        (leaf("categories"), ["frozen"], None),
        (leaf("remarks"), "脏", None),
        (leaf("photos"), [HASH], None),
        (group_child("stalls", "scale_error"), 6, "fail"),
        (group_child("stalls", "scale_error"), -5, "pass"),
    ],
)
def test_outcome_by_kind(item: LeafItem, value: Any, expected: str | None) -> None:
    assert outcome(item, value) == expected


def test_failed_items_lists_pointers_of_failed_answers_including_group_entries() -> None:
    answers = complete_answers(
        a="fail",
        has_fresh="yes",
        categories=["frozen", "chilled"],
        frozen=-10,
        chilled=3,
        hazards=["pests"],
        cleanliness="clean",
        stalls={
            STALL: stall(licence="fail", scale_error=9),
            "a/b": stall(licence="pass"),
            STALL2: stall(licence="fail"),
        },
    )

    assert failed_items(TEMPLATE, answers) == [
        "/a",
        "/hazards",
        f"/stalls/{STALL}/licence",
        f"/stalls/{STALL}/scale_error",
        f"/stalls/{STALL2}/licence",
        "/frozen",
    ]


def test_failed_answers_to_hidden_items_are_not_failed_items() -> None:
    answers = complete_answers(has_fresh="no", categories=["frozen"], frozen=-10)

    assert failed_items(TEMPLATE, answers) == []
    assert failed_items(TEMPLATE, {**answers, "has_fresh": "yes"}) == ["/frozen"]


def test_failed_item_pointers_escape_entry_keys() -> None:
    answers = complete_answers(stalls={"x/y~z": stall(licence="fail")})

    assert failed_items(TEMPLATE, answers) == ["/stalls/x~1y~0z/licence"]


# --- conditions -----------------------------------------------------------------------------------------------

WHEN_FROZEN = Condition(item="categories", any_of=["frozen", "chilled"])
WHEN_YES = Condition(item="has_fresh", any_of=["yes"])


@pytest.mark.parametrize(
    ("condition", "answers", "expected"),
    [
        (None, {}, True),
        (WHEN_YES, {"has_fresh": "yes"}, True),
        (WHEN_YES, {"has_fresh": "no"}, False),
        (WHEN_YES, {}, False),
        (WHEN_YES, {"has_fresh": None}, False),
        (WHEN_FROZEN, {"categories": ["hot", "chilled"]}, True),
        (WHEN_FROZEN, {"categories": ["frozen"]}, True),
        (WHEN_FROZEN, {"categories": ["hot"]}, False),
        (WHEN_FROZEN, {"categories": []}, False),
        (WHEN_FROZEN, {"categories": "frozen"}, True),
        (Condition(item="n", any_of=[1, 2]), {"n": 2}, True),
        (Condition(item="n", any_of=[1, 2]), {"n": 3}, False),
    ],
)
def test_holds_on_scalars_and_lists(condition: Condition | None, answers: dict[str, Any], expected: bool) -> None:
    assert holds(condition, answers) is expected


def visible_ids(answers: dict[str, Any]) -> list[str]:
    shown: list[Item] = list(visible_items(TEMPLATE, answers))
    return [i.id for i in shown]


def test_visible_items_follow_section_and_item_conditions() -> None:
    hidden = visible_ids({"has_fresh": "no", "categories": ["frozen"]})
    shown = visible_ids({"has_fresh": "yes", "categories": ["frozen"]})

    assert "frozen" not in hidden
    assert "fresh_signage" not in hidden
    assert "manager" in hidden
    assert [i for i in shown if i not in hidden] == ["frozen", "fresh_signage"]


SHIPPED = [t for c in ("supermarket_service", "market_order", "complaint_handling") if (t := load_catalog().get(c, 1))]


def failed_of_every_visible_item(template: Template, answers: dict[str, Any]) -> list[str]:
    """``failed_items`` as it was first written: every visible item looked at, in template order."""
    failed: list[str] = []
    for item in visible_items(template, answers):
        value, at = answers.get(item.id), "/" + pointer_token(item.id)
        if isinstance(item, Group):
            for key, entry in value.items() if isinstance(value, dict) else []:
                for child in item.items if isinstance(entry, dict) else []:
                    if holds(child.show_if, entry) and outcome(child, entry.get(child.id)) == "fail":
                        failed.append(f"{at}/{pointer_token(key)}/{pointer_token(child.id)}")
        elif outcome(item, value) == "fail":
            failed.append(at)
    return failed


def answer_cases_of(item: Item) -> list[Case]:
    return list(group_cases(item)) if isinstance(item, Group) else list(leaf_cases(item))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_failed_items_read_only_the_answered_items_and_find_the_same(data: st.DataObject) -> None:
    template = data.draw(st.sampled_from([TEMPLATE, *SHIPPED]))
    answers: dict[str, Any] = {}
    for item in (item for section in template.sections for item in section.items):
        fits = [value for _, value, valid in answer_cases_of(item) if valid]
        choice = data.draw(st.sampled_from(["absent", "null", "answer"]))
        if choice == "null":
            answers[item.id] = None
        elif choice == "answer" and fits:
            answers[item.id] = data.draw(st.sampled_from(fits))
    answers["not_an_item"] = "pass"
    answers = dict(data.draw(st.permutations(list(answers.items()))))  # the template's order is the answer's
    assert failed_items(template, answers) == failed_of_every_visible_item(template, answers)
    assert failed_items(template, answers) == failed_items(template, answers)  # the places, made once, reused
