"""Kill -9 the server during a stream of whole photo uploads: what was acknowledged is kept, the rest completes.

A device uploads photos one after another (tus: create, then chunks; the last chunk's ``204`` with
``Upload-Complete`` acknowledges the photo) while the server is killed at a random (seeded) moment,
several times. Afterwards every acknowledged photo has its blob, every other one completes when the
device tries again, and every blob file hashes to its name.
"""

from __future__ import annotations

import hashlib
import io
import random
import threading
import time
from pathlib import Path

import httpx
from PIL import Image

from bench.live import ServerProcess
from bench.uploader import UploadFailed, upload
from sync.org.demo import DEMO_PASSWORD
from tests.server.crashing import check_after_crashes

KILLS = 3
PHOTOS_PER_ROUND = 4
CHUNK = 64 * 1024


def noisy_jpeg(seed: int) -> bytes:
    """A photo-like JPEG of a few hundred kilobytes (noise does not compress), so it takes several chunks."""
    image = Image.effect_noise((640, 480), 40 + seed).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def stream(base: str, token: str, photos: list[bytes], acknowledged: list[str], stop: threading.Event) -> None:
    """Upload ``photos`` in turn until the server goes away; note each one the server acknowledged."""
    with httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
        for data in photos:
            if stop.is_set():
                return
            try:
                report = upload(client, data, chunk_size=CHUNK, max_broken=0)
            except (UploadFailed, httpx.TransportError):
                return
            acknowledged.append(report.sha256)


def test_kill_9_during_uploads_keeps_every_acknowledged_photo_and_the_rest_complete(tmp_path: Path) -> None:
    rng = random.Random(20261205)
    photos = [noisy_jpeg(n) for n in range(KILLS * PHOTOS_PER_ROUND)]
    acknowledged: list[str] = []
    with ServerProcess(tmp_path, "--demo", timeout=120) as server:
        body = {"username": "inspector1", "password": DEMO_PASSWORD, "device_name": "phone"}
        token = httpx.post(f"{server.base}/api/auth/login", json=body, timeout=30).json()["token"]
        for round_ in range(KILLS):
            stop = threading.Event()
            batch = photos[round_ * PHOTOS_PER_ROUND : (round_ + 1) * PHOTOS_PER_ROUND]
            uploader = threading.Thread(target=stream, args=[server.base, token, batch, acknowledged, stop])
            uploader.start()
            time.sleep(rng.uniform(0.05, 1.0))  # where the kill lands, not a measurement
            server.kill()
            stop.set()
            uploader.join()
            server.start()
        with httpx.Client(base_url=server.base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
            for data in photos:  # the device tries every photo again: held ones answer at once
                assert upload(client, data, chunk_size=CHUNK).sha256 == hashlib.sha256(data).hexdigest()
            for data in photos:
                digest = hashlib.sha256(data).hexdigest()
                assert client.get(f"/api/blobs/{digest}/meta").status_code == 200, digest
            missing = client.post("/api/blobs/missing", json={"hashes": acknowledged}).json()["missing"]
            assert missing == []
    blobs = {blob.name for blob in (tmp_path / "blobs").glob("*/*/*") if len(blob.name) == 64}
    assert set(acknowledged) <= blobs
    assert {hashlib.sha256(data).hexdigest() for data in photos} <= blobs
    check_after_crashes(tmp_path).close()
