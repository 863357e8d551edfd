"""Pull over HTTP: scope on the server, sites leaving and joining scope, purged tombstones and resets."""

from __future__ import annotations

from typing import Any

from bench.device import Device
from sync.pull import purge_tombstones
from tests.clients import SHOP, Client, World, device, login, started

MARKET = "望江农贸市场"


def test_pull_is_scoped_on_the_server(client: Client, world: World, probe: None) -> None:
    phone = device(client)
    shop = started(client, world, phone)
    other = device(client, "inspector3", "far")  # 物美超市 and 古荡农贸市场 only
    other.pull()
    assert other.server == {}
    assert other.scope == {world.sites["物美超市(文三路店)"], world.sites["古荡农贸市场"]}
    supervisor = Device(client, login(client, "supervisor1"))
    supervisor.pull()
    assert list(supervisor.server) == [shop]
    outsider = Device(client, login(client, "supervisor2"))
    outsider.pull()
    assert outsider.server == {}


def test_sites_leaving_scope_are_evicted_and_new_sites_pulled_from_the_start(
    client: Client, world: World, probe: None
) -> None:
    phone = device(client)
    shop = started(client, world, phone)
    market = phone.create(world.sites[MARKET], "sync_probe")
    phone.sync()
    assert set(phone.server) == {shop, market}
    admin = world.headers["admin"]
    inspector = world.users["inspector1"]
    client.put(f"/api/users/{inspector}/sites", json={"site_ids": [world.sites[MARKET]]}, headers=admin)
    phone.pull()
    assert set(phone.server) == {market}
    client.put(
        f"/api/users/{inspector}/sites", json={"site_ids": [world.sites[MARKET], world.sites[SHOP]]}, headers=admin
    )
    phone.pull()
    assert set(phone.server) == {shop, market}


def test_purged_tombstones_tell_old_devices_to_reset_without_losing_their_outbox(
    client: Client, world: World, probe: None, app: Any
) -> None:
    phone, old = device(client), device(client, name="old")
    gone = started(client, world, phone)
    kept = phone.create(world.sites[SHOP], "sync_probe")
    phone.set(kept, {"licence": "pass"})
    phone.sync()
    old.pull()
    old.set(kept, {"frozen_temp": -30})  # offline work the old device must keep
    phone.delete(gone)
    phone.sync()
    assert purge_tombstones(app.state.store, "9999-01-01T00:00:00Z") == 1
    response = client.get("/api/sync/pull", params={"checkpoint": old.checkpoint}, headers=old.headers)
    assert response.json()["reset"] is True
    old.sync()
    assert set(old.server) == {kept}
    assert old.server[kept]["answers"] == {"licence": "pass", "frozen_temp": -30}
    fresh = device(client, name="fresh")
    fresh.pull()
    assert fresh.server == old.server
