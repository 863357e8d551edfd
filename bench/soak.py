"""Soak: many devices syncing at once for a while, as a district's phones do on a working morning.

Run: ``.venv/bin/python -m bench.soak --devices 200 --seconds 120 [--think 1.0] [--backend postgresql]
[--database-url postgresql://…] [--workers N]`` (the backend and processes as in :mod:`bench.backend`).

Writes a throwaway data folder with a site per device and an inspector per ``DEVICES_PER_USER``
devices (assigned those sites), then starts ``python -m server`` over it on a free loopback port.
Each device logs in on its own (its own token and device), creates two
inspections on its site, then loops: push a small batch (``OPS_PER_PUSH`` ``set`` ops on its own
two inspections), pull what changed after its checkpoint, wait out the rest of its ``--think``
seconds. A device starts its next push one think time after the last one started (at once if it is
behind), so the offered load is ``devices / think`` pushes a second whatever the server does.

It prints p50/p95/p99/max of push and pull, answers by status (and connection errors), pushes a
second offered and served, the server's RSS at start, after a minute and at the end (``VmRSS`` of
``/proc/<pid>/status``, summed over its processes with ``--workers N``), and the CPU used by the server
(all its processes), by our own PostgreSQL cluster when there is one, and by this client: the client is
asyncio over raw keep-alive HTTP/1.1 connections with prepared request heads and bodies, so on two
cores it stays a small share and the figures are the server's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from argon2 import PasswordHasher

from bench.backend import Backend, add_arguments, server_args
from bench.live import HOST, ServerProcess
from bench.procs import CpuMeter, load_average, tree, tree_rss_kib
from sync.clock import uuid7
from sync.db.open import open_store
from sync.org import sites
from sync.org.accounts import create_user

CHECKLIST = "supermarket_service"
# three items of the checklist that take a simple value: (item id, values a device cycles through)
ITEMS = [
    ("consumer_rights", ['"pass"', '"fail"']),
    ("good_faith", ['"pass"', '"fail"']),
    ("sales_area_m2", ["1200", "1350", "980"]),
]
OPS_PER_PUSH = 3
DEVICES_PER_USER = 4
PASSWORD = "soak-pass-1234"


@dataclass
class Tally:
    """What every device saw, added up."""

    push: list[float] = field(default_factory=list)
    pull: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    measuring: bool = False
    started: float = 0.0


class Connection:
    """One keep-alive HTTP/1.1 connection: a prepared request in, the status and the body out."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, head: bytes, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        assert self.reader is not None
        try:
            self.writer.write(head + body)
            status_line = await self.reader.readline()
            length = 0
            while (line := await self.reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
                elif name.lower() == b"transfer-encoding":
                    raise RuntimeError("a chunked answer: the soak's pushes and pulls are not streamed")
            answer = await self.reader.readexactly(length) if length else b""
            return int(status_line.split(b" ", 2)[1]), answer
        except (OSError, asyncio.IncompleteReadError, IndexError, ValueError):
            self.close()
            raise

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class SoakDevice:
    """One phone: its token, client id, two inspections, next ``client_seq`` and pull checkpoint."""

    token: str
    site_id: str
    port: int
    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    inspections: list[str] = field(default_factory=lambda: [uuid7(), uuid7()])
    seq: int = 0
    checkpoint: int = 0
    turn: int = 0

    def __post_init__(self) -> None:
        self.connection = Connection(self.port)
        auth = f"Host: {HOST}\r\nAuthorization: Bearer {self.token}\r\n"
        self.push_head = f"POST /api/sync/push HTTP/1.1\r\n{auth}Content-Type: application/json\r\n".encode()
        self.pull_head = f"HTTP/1.1\r\n{auth}\r\n".encode()
        self.prefix = f'{{"client_id":"{self.client_id}","ops":['.encode()

    def _op(self, kind: str, inspection_id: str, body: str) -> str:
        self.seq += 1
        hlc = time.time_ns() // 1_000_000 << 16 | self.seq & 0xFFFF
        return (
            f'{{"kind":"{kind}","op_id":"{uuid7()}","client_seq":{self.seq},'
            f'"inspection_id":"{inspection_id}","hlc":{hlc},{body}}}'
        )

    def creates(self) -> bytes:
        body = f'"checklist_id":"{CHECKLIST}","version":1,"site_id":"{self.site_id}"'
        return self._push_body([self._op("create", i, body) for i in self.inspections])

    def edits(self) -> bytes:
        ops = []
        for n in range(OPS_PER_PUSH):
            self.turn += 1
            item, values = ITEMS[(self.turn + n) % len(ITEMS)]
            answer = f'"answers":{{"{item}":{values[self.turn % len(values)]}}}'
            ops.append(self._op("set", self.inspections[n % 2], answer))
        return self._push_body(ops)

    def _push_body(self, ops: list[str]) -> bytes:
        return self.prefix + ",".join(ops).encode() + b"]}"

    async def push(self, body: bytes, tally: Tally) -> None:
        head = self.push_head + b"Content-Length: %d\r\n\r\n" % len(body)
        status, answer = await self._timed(tally.push, head, body, tally)
        if status == 200 and tally.measuring:
            for result in json.loads(answer)["results"]:
                tally.outcomes[result["outcome"]] += 1

    async def pull(self, tally: Tally) -> None:
        while True:
            head = b"GET /api/sync/pull?limit=100&checkpoint=%d " % self.checkpoint + self.pull_head
            status, answer = await self._timed(tally.pull, head, b"", tally)
            if status != 200:
                return
            page = json.loads(answer)
            self.checkpoint = page["checkpoint"]
            if not page["has_more"]:
                return

    async def _timed(self, into: list[float], head: bytes, body: bytes, tally: Tally) -> tuple[int, bytes]:
        started = time.perf_counter()
        try:
            status, answer = await self.connection.request(head, body)
        except (OSError, asyncio.IncompleteReadError, IndexError, ValueError) as exc:
            status, answer = 0, type(exc).__name__.encode()
        if tally.measuring:
            into.append(time.perf_counter() - started)
            tally.statuses[str(status) if status else f"connection: {answer.decode()}"] += 1
        return status, answer


async def run_device(device: SoakDevice, tally: Tally, think: float, until: float, offset: float) -> None:
    """Push, pull, think; every ``think`` seconds from ``offset`` seconds after the start, until ``until``."""
    loop = asyncio.get_running_loop()
    await asyncio.sleep(offset)
    due = loop.time()
    while due < until and loop.time() < until:  # behind (the server slower than asked): no catching up after the end
        await device.push(device.edits(), tally)
        await device.pull(tally)
        due += think
        await asyncio.sleep(max(0.0, due - loop.time()))
    device.connection.close()


def build(data_dir: Path, devices: int, url: str = "") -> list[tuple[str, str]]:
    """An organisation for the soak, written before the server starts: a site per device, an inspector per
    ``DEVICES_PER_USER`` devices; returns each device's (username, site id).

    The passwords are hashed with cheap argon2 settings (a verification follows the settings in its hash), so
    hundreds of logins take seconds; the server's own settings are untouched.
    """
    store = open_store(url or None, data_dir)
    try:
        hasher = PasswordHasher(time_cost=1, memory_cost=1024)
        org = sites.create_organisation(store, "压测所 Soak")
        district = sites.create_district(store, org.id, "压测区 Soak")
        made: list[tuple[str, str]] = []
        for n in range(0, devices, DEVICES_PER_USER):
            username = f"soak{n}"
            user = create_user(
                store,
                hasher,
                org_id=org.id,
                username=username,
                password=PASSWORD,
                role="inspector",
                display_name=f"压测 {n}",
            )
            own = [
                sites.create_site(
                    store, org.id, district_id=district.id, name=f"超市 {k}", site_type="supermarket", address=f"{k} 号"
                ).id
                for k in range(n, min(devices, n + DEVICES_PER_USER))
            ]
            sites.assign_sites(store, org.id, user.id, own)
            made += [(username, site_id) for site_id in own]
        return made
    finally:
        store.close()


async def logins(base: str, port: int, made: list[tuple[str, str]]) -> list[SoakDevice]:
    """Every device's own login, hence its own token and device."""
    gate = asyncio.Semaphore(8)
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:

        async def login(n: int, username: str, site_id: str) -> SoakDevice:
            async with gate:
                body = {"username": username, "password": PASSWORD, "device_name": f"phone {n}"}
                response = await http.post("/api/auth/login", json=body)
                response.raise_for_status()
                return SoakDevice(response.json()["token"], site_id, port)

        return list(await asyncio.gather(*(login(n, u, s) for n, (u, s) in enumerate(made))))


def percentiles(seconds: list[float]) -> str:
    """p50/p95/p99/max in milliseconds."""
    if not seconds:
        return "none"
    ordered = sorted(seconds)
    at = [ordered[min(len(ordered) - 1, int(len(ordered) * q))] for q in (0.50, 0.95, 0.99)]
    return " / ".join(f"{s * 1000:.1f}" for s in [*at, ordered[-1]]) + " ms"


async def soak(
    devices: list[SoakDevice], seconds: float, think: float, pid: int, database_pid: int | None = None
) -> dict[str, Any]:
    """Create each device's inspections, then drive every device for ``seconds``; the figures measured.

    The server's CPU and RSS are summed over process ``pid`` and its descendants (the workers of
    ``--workers N``); ``database_pid``, our own PostgreSQL's postmaster, has its CPU measured apart.
    """
    tally = Tally()
    await asyncio.gather(*(d.push(d.creates(), tally) for d in devices))
    await asyncio.gather(*(d.pull(tally) for d in devices))
    loop = asyncio.get_running_loop()
    rss = {"start": tree_rss_kib(pid)}
    cpu_server, cpu_client = CpuMeter(pid), time.process_time()
    database = CpuMeter(database_pid) if database_pid is not None else None
    tally.measuring, started = True, loop.time()
    spread = random.Random(15)
    jobs = [run_device(d, tally, think, started + seconds, spread.uniform(0, think)) for d in devices]
    everything = asyncio.gather(*jobs)
    if seconds > 60:
        await asyncio.sleep(60)
        rss["1 min"] = tree_rss_kib(pid)
    await everything
    wall = loop.time() - started
    rss["end"] = tree_rss_kib(pid)
    return {
        "tally": tally,
        "wall": wall,
        "rss": rss,
        "cpu_server": cpu_server.used(),
        "cpu_database": database.used() if database is not None else None,
        "processes": len(tree(pid)),
        "cpu_client": time.process_time() - cpu_client,
    }


def report(devices: int, think: float, figures: dict[str, Any]) -> None:
    tally: Tally = figures["tally"]
    wall: float = figures["wall"]
    print(f"{devices} devices, a push every {think:g} s each, {wall:.0f} s")
    print(f"push  p50/p95/p99/max: {percentiles(tally.push)}   ({len(tally.push)} pushes)")
    print(f"pull  p50/p95/p99/max: {percentiles(tally.pull)}   ({len(tally.pull)} pulls)")
    print(f"pushes/s offered {devices / think:.0f}, served {len(tally.push) / wall:.1f}")
    print("answers by status: " + ", ".join(f"{k}: {v}" for k, v in sorted(tally.statuses.items())))
    print("op outcomes: " + ", ".join(f"{k}: {v}" for k, v in sorted(tally.outcomes.items())))
    processes = f" (summed over its {figures['processes']} processes)" if figures["processes"] > 1 else ""
    print(f"server RSS{processes}: " + ", ".join(f"{k} {v / 1024:.0f} MB" for k, v in figures["rss"].items()))
    server, client = figures["cpu_server"] / wall, figures["cpu_client"] / wall
    database = "" if figures["cpu_database"] is None else f", PostgreSQL {figures['cpu_database'] / wall:.0%}"
    print(f"CPU (of one core): server {server:.0%}{database}, this client {client:.0%}")
    requests = len(tally.push) + len(tally.pull)
    print(f"server CPU per request (push or pull): {figures['cpu_server'] / max(1, requests) * 1000:.2f} ms")
    print(f"load average at the end: {load_average()}")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0)
    add_arguments(parser)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="xunjian-soak-") as folder, Backend.from_args(args) as backend:
        print(f"server: {backend.name}, {args.workers} process(es); load average {load_average()}", flush=True)
        url = backend.fresh_url()
        made = build(Path(folder), args.devices, url)
        database = {"XUNJIAN_DATABASE_URL": url} if url else {}
        with ServerProcess(Path(folder), *server_args(args.workers), env=database) as server:
            assert server.proc is not None
            devices = asyncio.run(logins(server.base, server.port, made))
            postmaster = backend.cluster.server_pid() if backend.cluster is not None else None
            figures = asyncio.run(soak(devices, args.seconds, args.think, server.proc.pid, postmaster))
        report(args.devices, args.think, figures)
    return figures


if __name__ == "__main__":
    main()
