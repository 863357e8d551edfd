"""Evidence as the camera took it: a 4000×3000 camera JPEG attached offline reaches the server as a light
version first, then as the camera original; both hashes verified there; the desk shows the capture hash."""

from __future__ import annotations

import base64
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Route

from bench.live import LiveServer
from tests import ARTIFACTS
from tests.images import camera_jpeg
from tests.pwa.desk import DESK, desk_log_in
from tests.pwa.phone import Phone, sha256

OVERVIEW = "site_overview_photos"


def declared_sha(metadata: str) -> str:
    pairs = dict(pair.split(" ") for pair in metadata.split(","))
    return base64.b64decode(pairs["sha256"]).decode()


def test_the_camera_original_follows_the_light_version_and_the_desk_shows_its_hash(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    camera = camera_jpeg(4000, 3000)
    capture = sha256(camera)
    context = new_context()
    phone = Phone(context, live_server.url)
    phone.log_in()
    events: list[str] = []
    created: dict[str, str] = {}  # upload URL → declared hash

    def watch(route: Route) -> None:
        request = route.request
        if request.method == "POST" and request.url.endswith("/api/uploads"):
            response = route.fetch()
            sha = declared_sha(request.headers["upload-metadata"])
            created[response.headers["location"].rsplit("/", 1)[-1]] = sha
            events.append(f"create {sha}")
            route.fulfill(response=response)
            return
        if request.method == "PUT" and request.url.endswith("/custody"):
            events.append(f"custody {request.url.split('/')[-2]}")
        if request.method == "PATCH":
            response = route.fetch()
            upload_id = request.url.rsplit("/", 1)[-1]
            if (
                int(response.headers.get("upload-offset", "0"))
                == int(request.headers["upload-offset"]) + len(request.post_data_buffer or b"")
                and response.status == 204
            ):
                events.append(f"chunk {created[upload_id]} {response.headers['upload-offset']}")
            route.fulfill(response=response)
            return
        route.continue_()

    context.route("**/api/uploads**", watch)
    context.route("**/api/blobs/*/custody", watch)
    # the inspector lets camera originals go on any network (a headless browser tells no Wi-Fi)
    phone.page.check("[data-setting=originals] input[type=checkbox]")
    inspection = phone.start_inspection()
    phone.sync()
    phone.offline()
    phone.take_photo(f'[data-path="{OVERVIEW}"] input[type=file]', camera, name="IMG_20261205_092653.jpg")
    phone.page.wait_for_selector('.strip[data-unsynced="2"]')  # the attach op and the light version; not the original
    phone.offline(False)  # the `online` event starts a sync
    phone.wait_synced()
    supervisor = live_server.client("supervisor1")
    recorded = supervisor.get(f"/api/inspections/{inspection}").json()
    [light] = recorded["answers"][OVERVIEW]
    assert recorded["photo_captures"] == {light: capture}  # the answer records the camera's file as taken
    phone.page.wait_for_function(
        "(sha) => new Promise((ok) => { const open = indexedDB.open('xunjian'); open.onsuccess = () => {"
        " const get = open.result.transaction('blobs').objectStore('blobs').get(sha);"
        " get.onsuccess = () => { ok(get.result?.state === 'uploaded'); open.result.close() } } })",
        arg=capture,
        timeout=120_000,
    )

    # the light version was whole on the server before the camera original was even begun
    assert events.index(f"create {light}") < events.index(f"create {capture}")
    last_light_chunk = max(i for i, e in enumerate(events) if e.startswith(f"chunk {light}"))
    assert last_light_chunk < events.index(f"custody {light}") < events.index(f"create {capture}")
    assert any(e == f"chunk {capture} {len(camera)}" for e in events)

    # the server holds both, each verified by its hash, linked by the custody record
    assert sha256(supervisor.get(f"/api/blobs/{light}").content) == light == phone.stored_blob_sha256(light)
    custody = supervisor.get(f"/api/blobs/{light}/custody").json()
    assert custody["capture_sha256"] == capture and custody["original_held"] is True
    assert custody["original_size"] == len(camera)
    # what the camera wrote, read on the phone from the camera file's EXIF
    assert (custody["device"], custody["captured_at"]) == ("Huawei P60 Pro", "2025-03-14T09:26:53+08:00")
    assert (custody["lat"], custody["lon"]) == (30.2741, 120.1551)
    original = supervisor.get(f"/api/blobs/{light}/camera")
    assert original.status_code == 200 and sha256(original.content) == capture and original.content == camera
    assert len(camera) > 4 * len(supervisor.get(f"/api/blobs/{light}").content)

    desk = Phone(new_context(viewport=DESK, device_scale_factor=1), live_server.url)
    desk_log_in(desk)
    desk.page.goto(f"{live_server.url}/app/#/d/{inspection}")
    desk.page.locator(f'[data-path="{OVERVIEW}"] button[data-action=view-photo]').first.click()
    viewer = desk.page.locator("[data-viewer=open]")
    desk.page.wait_for_selector("[data-viewer] [data-meta=loaded]")
    assert viewer.locator("[data-capture-sha256]").get_attribute("data-capture-sha256") == capture
    assert capture in viewer.locator("[data-capture-sha256]").inner_text()
    assert viewer.locator("[data-original-held]").get_attribute("data-original-held") == "true"
    desk.page.screenshot(path=str(ARTIFACTS / "desk-photo-custody.png"))
    assert phone.errors == [] and desk.errors == []
