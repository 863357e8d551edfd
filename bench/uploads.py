"""Upload throughput on loopback through the real server, against a plain file copy, in one run.

``python -m bench.uploads`` starts ``python -m server --demo`` on a free loopback port
with a throwaway data folder, logs in, and sends the same bytes three ways:

- a plain ``shutil.copyfile`` of the file (the baseline);
- the tus chunk stream alone: PATCH after PATCH into an upload declared one byte longer,
  so it never completes and no photo pipeline runs (each chunk is flushed and fsynced);
- whole photo uploads end to end: create, chunks, hash verification, the photo pipeline
  and the move into the store (``bench/uploader.py``, as a device does it).

It prints each in MB/s and the ratios to the copy.
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

import httpx

from bench.live import ServerProcess
from bench.photos import photo_like
from bench.uploader import TUS, metadata, upload
from sync.org.demo import DEMO_PASSWORD

MB = 1e6


def stream_only(client: httpx.Client, data: bytes, chunk_size: int) -> float:
    """Seconds to PATCH every byte into an upload that cannot complete (declared one byte longer)."""
    digest = hashlib.sha256(data + b"\x00").hexdigest()
    headers = {
        **TUS,
        "Upload-Length": str(len(data) + 1),
        "Upload-Metadata": metadata(sha256=digest, kind="photo", media_type="image/jpeg"),
    }
    created = client.post("/api/uploads", headers=headers)
    created.raise_for_status()
    url = created.headers["location"]
    start = time.perf_counter()
    for offset in range(0, len(data), chunk_size):
        chunk_headers = {**TUS, "Content-Type": "application/offset+octet-stream", "Upload-Offset": str(offset)}
        client.patch(url, content=data[offset : offset + chunk_size], headers=chunk_headers).raise_for_status()
    elapsed = time.perf_counter() - start
    client.delete(url, headers=TUS).raise_for_status()
    return elapsed


def copy_file(source: Path, target: Path) -> float:
    start = time.perf_counter()
    shutil.copyfile(source, target)
    elapsed = time.perf_counter() - start
    target.unlink()
    return elapsed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.uploads", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--chunk-kib", type=int, default=1024)
    args = parser.parse_args(argv)
    chunk_size = args.chunk_kib * 1024
    folder = Path(tempfile.mkdtemp(prefix="xunjian-bench-uploads-"))
    try:
        photos = []
        for n in range(args.rounds):
            path = folder / f"photo{n}.jpg"
            photo_like().save(path, "JPEG", quality=90 - n)  # a different photo each round: no dedupe
            photos.append(path.read_bytes())
        with ServerProcess(folder / "data", "--demo") as server:
            url = server.base
            body = {"username": "inspector1", "password": DEMO_PASSWORD, "device_name": "bench"}
            token = httpx.post(f"{url}/api/auth/login", json=body).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            copies, streams, wholes = [], [], []
            with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
                stream_only(client, photos[0], chunk_size)  # warm up
                for n, data in enumerate(photos):
                    copies.append(len(data) / copy_file(folder / f"photo{n}.jpg", folder / "copy.jpg"))
                    streams.append(len(data) / stream_only(client, data, chunk_size))
                    start = time.perf_counter()
                    report = upload(client, data, chunk_size=chunk_size)
                    wholes.append(len(data) / (time.perf_counter() - start))
                    assert not report.stored_at_once
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    copy, stream, whole = (statistics.median(x) / MB for x in (copies, streams, wholes))
    size = statistics.mean(len(p) for p in photos) / MB
    print(f"{args.rounds} photos of about {size:.1f} MB (4000x3000 JPEG), {args.chunk_kib} KiB chunks, loopback")
    print(f"plain file copy (shutil.copyfile):       {copy:8.0f} MB/s")
    print(f"tus chunk stream through the server:     {stream:8.0f} MB/s   ratio to copy {stream / copy:.3f}")
    print(f"whole upload incl. verify and pipeline:  {whole:8.0f} MB/s   ratio to copy {whole / copy:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
