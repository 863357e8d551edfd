"""A populated SQLite deployment moved to PostgreSQL and an object store; its devices sync on without a reset.

A live server on SQLite (uvicorn in a thread, as in service) gets two devices' pushes with a
conflict between them, a photo and a signature uploaded, findings and a corrective action, a
webhook with its deliveries, the audit trail of all that and a template version. It is stopped;
the migration is killed mid-copy and run again, and the result equals a migration never
interrupted (table by table). A server then starts on the PostgreSQL copy and the bucket, from an
empty data folder: the devices push and pull again with their old checkpoints and client
sequences, see the same epoch, get no ``sequence-gap``, pull only what changed since their
checkpoint, and the photo is served from the bucket by its hash.
"""

from __future__ import annotations

import dataclasses
import hashlib
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bench.device import Device
from bench.live import ROOT, LiveServer, free_port, serve, server_settings
from bench.uploader import upload
from sync.evidence.store_url import open_blob_store
from sync.migrate.tables import PROGRESS
from sync.migrate.target import WHOLE
from tests.evidence import CHUNK, PHOTO, SVG, TUS, metadata
from tests.images import phone_jpeg
from tests.pg import Databases
from tests.s3 import new_bucket
from tests.server.webhook_receiver import Receiver, delivered_all
from tests.sync.migrate.dumps import target_dump
from tests.templates import SYNC_TEMPLATE

KINDS = ["inspection.submitted"]
LATE = phone_jpeg(4)  # a photo whose upload the move interrupts
HALF = len(LATE) // 2


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver(hold=set())
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()


def device(live: LiveServer, username: str, name: str) -> Device:
    http = live.client()
    body = {"username": username, "password": "demo1234", "device_name": name}
    return Device(http, http.post("/api/auth/login", json=body).json()["token"], name=name)


def populate(live: LiveServer, receiver: Receiver) -> tuple[Device, Device, dict[str, Any]]:
    """Two devices' work on the SQLite server (see the module); the devices and what the test checks later."""
    admin, supervisor = live.client("admin"), live.client("supervisor1")
    assert admin.post("/api/checklists", json=SYNC_TEMPLATE).status_code == 201
    hook = {"url": receiver.url, "kinds": KINDS, "secret": "a-secret-of-sixteen+"}
    assert admin.post("/api/webhooks", json=hook).status_code == 201
    one, two = device(live, "inspector1", "phone"), device(live, "inspector2", "tablet")
    sites = [{s["id"] for s in live.client(n).get("/api/sites").json()} for n in ("inspector1", "inspector2")]
    [shared] = sites[0] & sites[1]
    uploader = live.client("inspector1")
    photo, signature = upload(uploader, PHOTO), upload(uploader, SVG, kind="signature", media_type="image/svg+xml")
    for sha in (photo.sha256, signature.sha256):
        assert uploader.get(f"/api/blobs/{sha}").status_code == 200
    catalog = live.lane.app.state.catalog
    inspection_id = one.create(shared, "sync_probe")
    one.set(inspection_id, {"licence": "fail", "frozen_temp": -5})
    one.attach(inspection_id, "photos", photo.sha256)
    one.sync()
    one.sign(catalog, inspection_id, "manager_sign", "王经理", signature.sha256)
    one.transition(inspection_id, "submitted")
    one.sync()
    two.sync()
    other = two.create(shared, "sync_probe")
    two.set(other, {"licence": "pass", "frozen_temp": -18})
    two.sync()
    one.sync()
    one.set(other, {"frozen_temp": -19})  # both change the same field from the same version: a conflict
    two.set(other, {"frozen_temp": -21})
    one.sync()
    two.sync()
    assert any(r["outcome"] == "conflict" for r in two.results.values())
    [finding] = [f for f in supervisor.get("/api/findings").json() if f["pointer"] == "/licence"]
    assigned = supervisor.post(f"/api/findings/{finding['id']}/action", json={"responsible": "店长"})
    assert assigned.status_code == 200, assigned.text
    events = admin.get("/api/events", params={"after": 0, "limit": 500}).json()["events"]
    seqs = {e["seq"] for e in events if e["kind"] in KINDS}
    assert seqs and delivered_all(receiver, seqs) >= seqs
    one.sync()
    two.sync()
    meta = metadata(sha256=hashlib.sha256(LATE).hexdigest(), kind="photo", media_type="image/jpeg", filename="b.jpg")
    started = uploader.post("/api/uploads", headers={**TUS, "Upload-Length": str(len(LATE)), "Upload-Metadata": meta})
    assert started.status_code == 201, started.text
    half = uploader.patch(started.headers["location"], content=LATE[:HALF], headers={**CHUNK, "Upload-Offset": "0"})
    assert half.status_code == 204, half.text  # left unfinished: the rest is sent after the move
    made = {"shared": shared, "photo": photo.sha256, "other": other, "upload": started.headers["location"]}
    return one, two, made


def killed_mid_copy(command: list[str], url: str) -> None:
    """Run the migration and kill it (SIGKILL) once its first batch has committed; it must not have finished."""
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            while proc.poll() is None:
                try:
                    copied = conn.execute(f"SELECT coalesce(sum(copied), 0) FROM {PROGRESS}").fetchone()
                except psycopg.errors.UndefinedTable:
                    copied = (0,)
                if copied and copied[0] > 0:
                    proc.kill()
                    break
                time.sleep(0.002)
    finally:
        proc.wait()
    with psycopg.connect(url) as conn:
        row = conn.execute(f"SELECT done FROM {PROGRESS} WHERE name = %s", [WHOLE]).fetchone()
    assert row == (0,), "the migration finished before it could be interrupted"


def migrate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sync.migrate", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def pulled(phone: Device) -> dict[str, Any]:
    """One pull page from the device's checkpoint, as its app asks for it."""
    params = {"checkpoint": phone.checkpoint, "epoch": phone.epoch}
    response = phone.http.get("/api/sync/pull", params=params, headers=phone.headers)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def test_devices_sync_on_after_the_move_to_postgresql_without_a_reset(
    tmp_path: Path, pg_databases: Databases, s3_endpoint: str, receiver: Receiver
) -> None:
    settings = server_settings(tmp_path, webhook_poll_s=0.1, webhook_allow_networks="127.0.0.0/8")
    with serve(settings) as live:
        one, two, made = populate(live, receiver)
    data_dir = settings.data_dir
    assert data_dir is not None
    cluster, bucket = pg_databases.cluster, new_bucket(s3_endpoint)
    url, clean = cluster.url(cluster.create()), cluster.url(cluster.create())

    command = [sys.executable, "-m", "sync.migrate", "--to", url, "--blobs", bucket, "--data-dir", str(data_dir)]
    killed_mid_copy([*command, "--batch", "1"], url)
    resumed = migrate(*command[3:], "--batch", "7")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "校验通过 verified" in resumed.stdout
    whole = migrate("--to", clean, "--blobs", new_bucket(s3_endpoint), "--from", f"sqlite:///{data_dir / 'xunjian.db'}")
    assert whole.returncode == 0, whole.stdout + whole.stderr
    assert target_dump(url) == target_dump(clean)  # interrupted and resumed = never interrupted

    epoch, checkpoints = one.epoch, (one.checkpoint, two.checkpoint)
    with psycopg.connect(url) as conn:
        top = conn.execute("SELECT max(seq) FROM op_log").fetchone()
    assert top is not None
    moved = dataclasses.replace(
        settings, data_dir=tmp_path / "empty", database_url=url, blob_store=bucket, port=free_port(), demo=False
    )
    with serve(moved) as live:
        one.http, two.http = live.client(), live.client()
        unchanged = one.http.get(
            "/api/sync/pull", params={"checkpoint": one.checkpoint, "epoch": epoch}, headers=one.headers
        )
        assert unchanged.status_code == 200, unchanged.text
        assert (unchanged.json()["documents"], unchanged.json()["reset"], unchanged.json()["epoch"]) == (
            [],
            False,
            epoch,
        )
        two.set(made["other"], {"notes": "迁移之后 after the move"})
        two.sync()
        page = one.http.get(
            "/api/sync/pull", params={"checkpoint": one.checkpoint, "epoch": epoch}, headers=one.headers
        )
        assert [d["id"] for d in page.json()["documents"]] == [made["other"]]  # only what changed since
        one.set(made["other"], {"frozen_temp": -22})
        one.sync()
        two.sync()
        for phone in (one, two):
            assert phone.epoch == epoch and phone.recoveries == 0 and phone.pending() == []
            assert all(r["outcome"] != "gap" for r in phone.results.values())
        assert one.checkpoint > checkpoints[0] and two.checkpoint > checkpoints[1]
        assert min(r["seq"] for r in one.results.values() if r["op_id"] in one.acked and r["seq"] > top[0])
        assert one.answers(made["other"])["frozen_temp"] == -22 and two.answers(made["other"])["frozen_temp"] == -22
        resumed_upload = live.client("inspector1")
        offset = resumed_upload.head(made["upload"], headers=TUS)
        assert offset.status_code == 200 and offset.headers["upload-offset"] == str(HALF)
        rest = resumed_upload.patch(made["upload"], content=LATE[HALF:], headers={**CHUNK, "Upload-Offset": str(HALF)})
        assert rest.status_code == 204 and rest.headers["upload-offset"] == str(len(LATE)), rest.text
        fetched = one.http.get(f"/api/blobs/{made['photo']}", headers=one.headers)
        assert fetched.status_code == 200 and hashlib.sha256(fetched.content).hexdigest() == made["photo"]
    objects = open_blob_store(bucket, tmp_path)
    assert any(item.key.endswith(made["photo"]) for item in objects.listing("blobs/"))
    assert not (tmp_path / "empty" / "blobs").exists()  # served from the bucket, not from a folder
