"""Evidence uploads from the phone: a connection cut in the middle of a photo resumes, not restarts."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, Route

from bench.live import LiveServer
from tests.pwa.phone import Phone, noisy_jpeg, sha256

OVERVIEW = "site_overview_photos"


def test_a_photo_upload_cut_mid_way_resumes_where_the_server_stands(
    live_server: LiveServer, new_context: Callable[[], BrowserContext]
) -> None:
    context = new_context()
    phone = Phone(context, live_server.url)
    phone.log_in()
    requests: list[tuple[str, int | None]] = []
    cut = {"done": False}

    def watch(route: Route) -> None:
        request = route.request
        offset = request.headers.get("upload-offset")
        requests.append((request.method, int(offset) if offset is not None else None))
        if request.method == "PATCH" and offset not in (None, "0") and not cut["done"]:
            cut["done"] = True  # the signal drops with the second chunk on its way
            context.set_offline(True)
            route.abort("internetdisconnected")
            return
        route.continue_()

    context.route("**/api/uploads**", watch)
    phone.start_inspection()
    # the start's own sync run ends first: one still running when the photo lands would upload it
    # (and be cut) before the run the photo asks for pushes its attach op
    phone.sync()
    phone.take_photo(f'[data-path="{OVERVIEW}"] input[type=file]', noisy_jpeg())
    phone.page.wait_for_selector('.strip[data-phase="offline"][data-unsynced="1"]')  # the photo waits
    assert cut["done"]

    context.set_offline(False)  # the `online` event starts a sync
    phone.wait_synced()

    patches = [offset for method, offset in requests if method == "PATCH"]
    cut_at = patches[1]
    assert cut_at is not None
    assert patches[2] == cut_at  # resumed from the server's offset, found with HEAD
    assert ("HEAD", None) in requests[requests.index(("PATCH", cut_at)) + 1 :]
    assert patches.count(0) == 1  # never restarted from the beginning
    assert len(patches) >= 4  # several chunks of 256 KiB

    inspection = phone.page.get_attribute(".form-page", "data-inspection")
    supervisor = live_server.client("supervisor1")
    [photo] = supervisor.get(f"/api/inspections/{inspection}").json()["answers"][OVERVIEW]
    stored = live_server.client("inspector1").get(f"/api/blobs/{photo}")
    assert stored.status_code == 200
    assert sha256(stored.content) == photo == phone.stored_blob_sha256(photo)
    assert phone.errors == []
