"""The health check on a data folder that did not exist before start-up (on PostgreSQL, nothing else makes it)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from litestar.testing import TestClient

from server.app import create_app
from server.settings import Settings


def test_health_answers_for_a_data_folder_whose_parents_did_not_exist(settings: Settings, tmp_path: Path) -> None:
    deep = tmp_path / "not" / "yet" / "there"
    with TestClient(create_app(replace(settings, data_dir=deep))) as client:
        response = client.get("/api/health")
        assert response.status_code == 200, response.text
        assert response.json()["disk_free_bytes"] > 0
    assert deep.is_dir()  # start-up made it: evidence files go there with the file: store
