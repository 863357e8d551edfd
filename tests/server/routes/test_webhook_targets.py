"""Webhook targets over HTTP: every internal spelling refused with a 422 problem naming why; the allow setting."""

from __future__ import annotations

from dataclasses import replace

import pytest
from litestar.testing import TestClient

from server.app import create_app
from server.settings import Settings
from tests.clients import Client, World, bearer, login
from tests.sync.feed.test_targets import REFUSED

PROBLEM = "urn:xunjian:problem:"
BODY = {"kinds": ["action.closed"], "secret": "loopback-secret-1234"}


def test_every_spelling_of_an_internal_target_is_refused_with_a_problem_naming_why(
    client: Client, world: World
) -> None:
    admin = world.headers["admin"]
    for url, why in REFUSED:
        refused = client.post("/api/webhooks", json={**BODY, "url": url}, headers=admin)
        problem = refused.json()
        assert (refused.status_code, problem["type"]) == (422, PROBLEM + "webhook-target-refused"), url
        assert why in problem["detail"], (url, problem["detail"])
    assert client.get("/api/webhooks", headers=admin).json() == []


def test_the_allow_setting_opens_the_networks_it_names(settings: Settings) -> None:
    allowed = Settings.from_env({"XUNJIAN_WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8, 10.20.0.0/16"})
    assert [str(n) for n in allowed.webhook_networks] == ["127.0.0.0/8", "10.20.0.0/16"]
    with pytest.raises(ValueError, match="does not appear"):
        Settings.from_env({"XUNJIAN_WEBHOOK_ALLOW_NETWORKS": "10.0.0.0/8,intranet"})
    app = create_app(replace(settings, demo=True, webhook_poll_s=0, webhook_allow_networks="127.0.0.0/8"))
    with TestClient(app) as client:
        admin = bearer(login(client, "admin"))
        for url in ("http://127.0.0.1:9/hook", "http://0x7f.1:9/hook", "http://localhost:9/hook"):
            taken = client.post("/api/webhooks", json={**BODY, "url": url}, headers=admin)
            assert taken.status_code == 201, (url, taken.text)
        refused = client.post("/api/webhooks", json={**BODY, "url": "http://10.0.0.1/"}, headers=admin)
        assert refused.json()["type"] == PROBLEM + "webhook-target-refused"
        assert "private" in refused.json()["detail"]
