"""Answers that grow with the organisation are encoded in the request pool: held there, the loop still answers."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from litestar import Response
from litestar.serialization import get_serializer
from msgspec import Struct

from server import rendering
from server.rendering import render_in_pool
from tests.clients import Client
from tests.large_answers import Held, coverage_while_held

PLAIN = {"Accept-Encoding": "identity"}


def test_a_years_coverage_is_encoded_in_the_request_pool_while_the_loop_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = Held(rendering.encode)
    monkeypatch.setattr(rendering, "encode", held)
    coverage = coverage_while_held(tmp_path, held, PLAIN)
    assert coverage.status_code == 200
    assert "content-encoding" not in coverage.headers
    assert int(coverage.headers["content-length"]) == len(coverage.content)
    assert len(coverage.json()["periods"]) >= 2 * 365
    assert held.threads and all(name.startswith("xunjian-worker") for name in held.threads), held.threads


class Dated(Struct):
    day: date
    where: PurePosixPath
    tally: dict[str, int]


def test_the_hook_encodes_as_litestar_would_with_the_handlers_type_encoders() -> None:
    content = [Dated(date(2026, 7, 1), PurePosixPath("/a/b"), {"done": 3})]
    encoders = {PurePosixPath: lambda p: f"path:{p}"}
    response: Response[Any] = Response(content, type_encoders=encoders)
    expected = response.render(content, "application/json", get_serializer(response.response_type_encoders))
    rendered = hooked(response)
    assert rendered.content == expected
    assert json.loads(rendered.content) == [{"day": "2026-07-01", "where": "path:/a/b", "tally": {"done": 3}}]
    assert hooked(rendered).content == expected  # bytes are left as they are


def hooked(response: Response[Any]) -> Response[Any]:
    """The hook run on an event loop of its own, in a thread of its own (a browser test's may run in this one)."""
    with ThreadPoolExecutor(1) as aside:
        return aside.submit(lambda: asyncio.run(render_in_pool(response))).result()


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("/api/schedules/coverage", "Coverage"),
        ("/api/schedules", "Plan"),
        ("/api/schedules/due", "PeriodStatus"),
        ("/api/sites", "ListedSite"),
        ("/api/users", "UserView"),
        ("/api/conflicts", "ConflictView"),
    ],
)
def test_the_openapi_schema_still_names_what_each_answer_holds(client: Client, path: str, schema: str) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    answer = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema in json.dumps(answer), answer
