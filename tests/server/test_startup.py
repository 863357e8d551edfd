"""``python -m server`` over real HTTP: demo start-up, and refusal to start on a bad template."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.live import ROOT, ServerProcess, free_port, server_env
from schemas.catalog import TEMPLATES_DIR


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[ServerProcess]:
    with ServerProcess(tmp_path / "data", "--demo", env={"XUNJIAN_HOST": "127.0.0.1"}, output=True) as server:
        yield server


def post_json(url: str, body: object, token: str | None = None) -> dict[str, object]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        result: dict[str, object] = json.load(response)
        return result


def test_demo_server_serves_real_http_and_keeps_its_data(demo_server: ServerProcess, tmp_path: Path) -> None:
    base = demo_server.base
    login = post_json(f"{base}/api/auth/login", {"username": "inspector1", "password": "demo1234", "device_name": "t"})
    token = login["token"]
    assert isinstance(token, str)
    request = urllib.request.Request(
        f"{base}/api/checklists/supermarket_service/versions/1/schema", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert json.load(response)["x-checklist"]["id"] == "supermarket_service"
    assert (tmp_path / "data" / "xunjian.db").stat().st_size > 0


def test_demo_start_prints_the_accounts(demo_server: ServerProcess) -> None:
    output = demo_server.stop()
    assert "inspector4" in output
    assert "demo1234" in output


def test_malformed_template_stops_start_up_naming_file_and_field(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    bad = templates / "market_order" / "1.json"
    data = json.loads(bad.read_text(encoding="utf-8"))
    data["sections"][1]["items"][0]["weight"] = "heavy"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "server"],
        cwd=ROOT,
        env=server_env(tmp_path / "data", free_port(), XUNJIAN_HOST="127.0.0.1", XUNJIAN_TEMPLATES_DIR=str(templates)),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "market_order/1.json" in result.stderr
    assert "$.sections[1].items[0].weight" in result.stderr
