"""Photo pipeline cost against one bare decode of the same 12 MP JPEG, in one run.

``python -m bench.photos`` makes a photo-like 4000x3000 JPEG (a smooth scene with sensor
noise, so it does not compress to nothing), then times, interleaved, Pillow's bare full
decode of it (``Image.open(...).load()``, the baseline) and the server's whole pipeline
once the bytes are on disk: SHA-256 verification, container checks, the reduced decode,
display and thumbnail versions, metadata, the move into the store and the row. It prints
the medians and the ratio; the target is at most 1.5x.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from argon2 import PasswordHasher
from PIL import Image

from sync.db.store import Store, open_store
from sync.evidence import uploads
from sync.evidence.blobs import remove_blob_files
from sync.evidence.objects import FileObjects
from sync.org.accounts import User, create_user
from sync.org.sites import create_organisation

TARGET = 1.5


def photo_like(width: int = 4000, height: int = 3000, quality: int = 90) -> Image.Image:
    """A smooth scene with noise on it, as a phone camera's 12 MP JPEG looks to an encoder."""
    scene = Image.effect_mandelbrot((width, height), (-2.0, -1.2, 1.0, 1.2), 60).convert("RGB")
    noise = Image.merge("RGB", [Image.effect_noise((width, height), 40) for _ in range(3)])
    return Image.blend(scene, noise, 0.3)


def bare_decode(path: Path) -> float:
    start = time.perf_counter()
    with Image.open(path) as image:
        image.load()
    return time.perf_counter() - start


def server_pipeline(store: Store, root: Path, user: User, data: bytes, digest: str) -> float:
    """One photo through the server after its last byte arrived; the blob is removed afterwards."""
    objects = FileObjects(root)
    upload = uploads.create_upload(
        store,
        objects,
        user,
        sha256=digest,
        length=len(data),
        media_type="image/jpeg",
        kind="photo",
        limits=uploads.UploadLimits(),
    )
    assert isinstance(upload, uploads.Upload)
    uploads.upload_path(root, upload.id).write_bytes(data)
    start = time.perf_counter()
    uploads.finish_upload(store, objects, upload)
    elapsed = time.perf_counter() - start
    with store.transaction() as conn:
        conn.execute("DELETE FROM blob WHERE sha256 = ?", [digest])
        conn.execute("DELETE FROM upload WHERE id = ?", [upload.id])
    remove_blob_files(objects, user.org_id, digest)
    return elapsed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.photos", description=__doc__)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="xunjian-bench-photos-"))
    try:
        path = folder / "photo.jpg"
        photo_like().save(path, "JPEG", quality=90)
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        store = open_store(folder / "data")
        org = create_organisation(store, "bench")
        hasher = PasswordHasher(time_cost=1, memory_cost=1024)
        user = create_user(
            store, hasher, org_id=org.id, username="bench", password="Quiet-Kite-88", role="inspector", display_name="b"
        )
        server_pipeline(store, folder / "data", user, data, digest)  # warm up: imports, plugin registration
        bare_decode(path)
        decodes, pipelines = [], []
        for _ in range(args.rounds):
            decodes.append(bare_decode(path))
            pipelines.append(server_pipeline(store, folder / "data", user, data, digest))
        store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    decode, pipeline = statistics.median(decodes), statistics.median(pipelines)
    ratio = pipeline / decode
    print(f"photo: 4000x3000 JPEG, {len(data) / 1e6:.1f} MB; median of {args.rounds} rounds, interleaved")
    print(f"bare decode (Image.open().load()):   {decode * 1000:7.1f} ms")
    print(f"server pipeline (verify..store):     {pipeline * 1000:7.1f} ms")
    verdict = "met" if ratio <= TARGET else "MISSED"
    print(f"ratio pipeline / bare decode:        {ratio:7.2f}x  (target <= {TARGET}x: {verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
