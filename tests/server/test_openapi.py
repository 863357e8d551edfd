"""The OpenAPI document as server/openapi.py completes it: problems, security, headers and shapes from facts."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from server.app import create_app
from server.settings import Settings

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    with TestClient(create_app(Settings(data_dir=None))) as client:
        served: dict[str, Any] = client.get("/schema/openapi.json").json()
    return served


def operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def test_every_problem_response_is_a_problem_document(document: dict[str, Any]) -> None:
    problems = document["components"]["schemas"]["Problem"]
    assert problems["required"] == ["type", "title", "status"]
    for key, operation in operations(document):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert response["content"] == {"application/problem+json": {"schema": PROBLEM_REF}}, key


def test_authenticated_operations_need_the_bearer_and_document_401(document: dict[str, Any]) -> None:
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    open_ones = {"GET /api/health", "GET /api/checklists/vocabulary", "POST /api/auth/login", "OPTIONS /api/uploads"}
    for key, operation in operations(document):
        if key in open_ones:
            assert "security" not in operation, key
        else:
            assert operation["security"] == [{"bearer": []}], key
            assert "401" in operation["responses"], key


@pytest.mark.parametrize(
    ("key", "statuses"),
    [
        ("POST /api/auth/login", {"200", "400", "401", "413", "415", "422", "429", "507"}),
        ("GET /api/sites/{site_id}", {"200", "400", "401", "403", "404"}),
        ("GET /api/findings", {"200", "400", "401", "403", "422"}),
        ("PATCH /api/uploads/{upload_id}", {"200", "204", "400", "401", "403", "404", "409", "412", "413", "415"}),
    ],
)
def test_statuses_follow_from_the_handler(document: dict[str, Any], key: str, statuses: set[str]) -> None:
    assert statuses <= set(dict(operations(document))[key]["responses"])


def test_the_version_schema_is_an_object(document: dict[str, Any]) -> None:
    operation = document["paths"]["/api/checklists/{checklist_id}/versions/{version}/schema"]["get"]
    assert operation["responses"]["200"]["content"]["application/schema+json"]["schema"]["type"] == "object"
    assert "content" not in operation["responses"]["304"]


def test_tus_headers_are_required(document: dict[str, Any]) -> None:
    patch = document["paths"]["/api/uploads/{upload_id}"]["patch"]
    required = {p["name"] for p in patch["parameters"] if p["in"] == "header" and p["required"]}
    assert required == {"Tus-Resumable", "Upload-Offset"}
    assert "application/offset+octet-stream" in patch["requestBody"]["content"]


def test_shaped_parameters(document: dict[str, Any]) -> None:
    monthly = document["paths"]["/api/reports/monthly"]["get"]["parameters"]
    month = next(p for p in monthly if p["name"] == "month")
    assert month["schema"]["pattern"] == r"^[0-9]{4}-(0[1-9]|1[0-2])$"
    coverage = document["paths"]["/api/schedules/coverage"]["get"]["parameters"]
    assert {p["schema"].get("format") for p in coverage} == {"date"}


def test_closed_bodies_say_so(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["LoginRequest"]["additionalProperties"] is False
    assert schemas["ActiveFlag"]["additionalProperties"] is False


def test_files_have_their_types(document: dict[str, Any]) -> None:
    paths = document["paths"]
    assert set(paths["/api/exports/answers.csv"]["get"]["responses"]["200"]["content"]) == {"text/csv"}
    assert "spreadsheetml" in next(iter(paths["/api/exports/answers.xlsx"]["get"]["responses"]["200"]["content"]))
