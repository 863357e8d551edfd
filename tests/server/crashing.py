"""Helpers of the kill -9 tests: a request written on a raw socket and the server killed under it, and the
checks every crash test ends with (the database intact, every acknowledged op once, every blob its hash)."""

from __future__ import annotations

import hashlib
import json
import random
import socket
import sqlite3
import time
from pathlib import Path
from typing import Any

from bench.live import ServerProcess

MAX_KILL_DELAY_S = 0.05  # the kill lands anywhere from before the request is read to after it is answered


def request_and_die(
    server: ServerProcess, rng: random.Random, method: str, path: str, token: str, body: Any = None
) -> None:
    """Write one request on a raw socket, kill the server a random moment later without reading the answer."""
    payload = b"" if body is None else json.dumps(body).encode()
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(payload)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(head + payload)
        time.sleep(rng.uniform(0, MAX_KILL_DELAY_S))  # where the kill lands, not a measurement
        server.kill()


def check_after_crashes(data_dir: Path) -> sqlite3.Connection:
    """The database passes ``PRAGMA integrity_check``, no op is logged twice, every blob file hashes to its name.

    Returns a connection to the database for the test's own checks (closed by the caller).
    """
    db = sqlite3.connect(data_dir / "xunjian.db")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("SELECT count(*) - count(DISTINCT op_id) FROM op_log").fetchone() == (0,)
    twice = "SELECT count(*) FROM (SELECT 1 FROM op_log WHERE client_id IS NOT NULL GROUP BY client_id, client_seq"
    assert db.execute(twice + " HAVING count(*) > 1)").fetchone() == (0,)
    for blob in (data_dir / "blobs").glob("*/*/*"):
        if blob.is_file() and len(blob.name) == 64:
            assert hashlib.sha256(blob.read_bytes()).hexdigest() == blob.name, blob
    return db
