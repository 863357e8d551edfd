"""PostgreSQL and processes: the sync bench's pushes, and a pull, on SQLite and PostgreSQL with 1, 2 and 4 app
processes, beside PouchDB-server, all in one run.

Run: ``.venv/bin/python -m bench.backends [--docs 3000] [--clients 4] [--rounds 3]
[--configs sqlite:1,sqlite:2,postgresql:1,postgresql:2,postgresql:4] [--database-url postgresql://…]``.

Every contender gets the same work, on fresh storage each round: ``--clients`` devices (each its own
login and keep-alive connection, in its own thread) push their share of ``bench.sync``'s supermarket
inspections (create + 60 answers, 50 a batch) at once; then one more device pulls everything from
checkpoint 0 in pages of 500. Our server is ``python -m server --demo --workers N`` on a free port:
SQLite in its data folder (WAL, synchronous=FULL), or PostgreSQL in a throwaway cluster of ours with its
durable defaults (or beside ``--database-url``). PouchDB-server (installed by ``npm`` into a temporary
folder, skipped with the reason if that fails) takes the same batches through ``_bulk_docs`` and is
pulled through ``_changes?include_docs=true``; it answers before its writes reach the disk.

It prints one table: contender, processes, push and pull docs/s (medians of the rounds), push p50/p99
(over every round's requests), CPU per document (the server's processes, and our PostgreSQL's when the
cluster is ours), and each push figure's ratio to SQLite with one process and to PouchDB-server. The
machine is shared: the load average is printed with each round, and the ratios within one run are what
count.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.backend import Backend, server_args
from bench.live import ServerProcess
from bench.procs import CpuMeter, load_average
from bench.sync import BATCH, Poster, answers_for, compact, install_pouchdb, pouchdb_server, push_bodies
from schemas.catalog import load_catalog
from sync.clock import uuid7
from sync.org.demo import DEMO_PASSWORD

CONFIGS = "sqlite:1,sqlite:2,postgresql:1,postgresql:2,postgresql:4"
PAGE = 500


@dataclass
class Run:
    """One contender's figures in one round."""

    push: float  # docs/s over the wall time of all clients
    pull: float  # docs/s of one device's first sync
    times: list[float]  # seconds per push request
    cpu_ms_per_doc: float | None = None


@dataclass
class Contender:
    """A server set up one way, and its runs."""

    name: str
    processes: int
    runs: list[Run] = field(default_factory=list)


class TimedPoster(Poster):
    """A :class:`bench.sync.Poster` that keeps each request's seconds."""

    def __init__(self, port: int, path: str, headers: dict[str, str], status: int) -> None:
        super().__init__(port, path, headers, status)
        self.times: list[float] = []

    def post(self, body: bytes) -> bytes:
        before = self.elapsed
        answer = super().post(body)
        self.times.append(self.elapsed - before)
        return answer


def push_at_once(
    port: int, path: str, status: int, shares: list[tuple[dict[str, str], list[bytes]]], check: Callable[[bytes], None]
) -> tuple[float, list[float]]:
    """Every share's bodies POSTed by its own connection in its own thread, all started together.

    The wall time from the start to the last answer, and every request's seconds.
    """
    posters = [TimedPoster(port, path, headers, status) for headers, _ in shares]
    gate = threading.Barrier(len(shares) + 1)
    failed: list[BaseException] = []

    def send(poster: TimedPoster, bodies: list[bytes]) -> None:
        gate.wait()
        try:
            for body in bodies:
                check(poster.post(body))
        except BaseException as exc:  # reported by the caller
            failed.append(exc)

    threads = [threading.Thread(target=send, args=(p, b)) for p, (_, b) in zip(posters, shares, strict=True)]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    for poster in posters:
        poster.connection.close()
    if failed:
        raise failed[0]
    return wall, [t for poster in posters for t in poster.times]


def pages(port: int, first: str, follow: Callable[[dict[str, Any]], str | None], headers: dict[str, str]) -> int:
    """GET ``first``, then whatever ``follow`` makes of each answer, until it says ``None``: the documents read."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    count, url = 0, first
    try:
        while True:
            connection.request("GET", url, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            assert response.status == 200, answer[:200]
            page = json.loads(answer)
            count += len(page.get("documents", page.get("results", [])))
            following = follow(page)
            if following is None:
                return count
            url = following
    finally:
        connection.close()


def split(docs: list[dict[str, Any]], ids: list[str], clients: int) -> list[tuple[list[dict[str, Any]], list[str]]]:
    """The documents in ``clients`` contiguous shares of whole batches."""
    batches = [(docs[at : at + BATCH], ids[at : at + BATCH]) for at in range(0, len(docs), BATCH)]
    shares: list[tuple[list[dict[str, Any]], list[str]]] = [([], []) for _ in range(clients)]
    for n, (some, named) in enumerate(batches):
        shares[n * clients // len(batches)][0].extend(some)
        shares[n * clients // len(batches)][1].extend(named)
    return [share for share in shares if share[0]]


def login(api: httpx.Client, device: str) -> dict[str, str]:
    body = {"username": "inspector1", "password": DEMO_PASSWORD, "device_name": device}
    response = api.post("/api/auth/login", json=body)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def all_applied(answer: bytes) -> None:
    results = json.loads(answer)["results"]
    assert all(r["outcome"] == "applied" for r in results), results[:2]


def run_xunjian(
    backend: Backend, workers: int, docs: list[dict[str, Any]], ids: list[str], clients: int, folder: Path
) -> Run:
    """Our server on a fresh database with ``workers`` processes: the pushes, then the pull."""
    server = ServerProcess(folder, *server_args(workers, "--demo"), env=backend.fresh_env(), output=True, timeout=600)
    server.start()  # kept output: what the server printed goes with any failure (a few lines a request)
    try:
        return measure_xunjian(server, backend, docs, ids, clients)
    except (OSError, httpx.HTTPError, AssertionError) as exc:
        printed = server.stop()
        raise RuntimeError(
            f"{backend.name} with {workers} process(es): {exc!r}; the server printed:\n{printed}"
        ) from exc
    finally:
        server.stop()


def measure_xunjian(
    server: ServerProcess, backend: Backend, docs: list[dict[str, Any]], ids: list[str], clients: int
) -> Run:
    """The pushes and the pull against a started server."""
    with httpx.Client(base_url=server.base, timeout=600) as api:
        assert server.proc is not None
        heads = [login(api, f"bench {n}") for n in range(clients + 1)]
        site = api.get("/api/sites", headers=heads[0]).json()[0]["id"]
        shares = [
            (head, push_bodies(d, i, site)) for head, (d, i) in zip(heads, split(docs, ids, clients), strict=False)
        ]
        server_cpu, database_cpu = CpuMeter(server.proc.pid), backend.database_cpu()
        wall, times = push_at_once(server.port, "/api/sync/push", 200, shares, all_applied)
        cpu = server_cpu.used() + (database_cpu.used() if database_cpu else 0.0)
        started = time.perf_counter()
        pulled = pages(
            server.port,
            f"/api/sync/pull?checkpoint=0&limit={PAGE}",
            lambda page: f"/api/sync/pull?checkpoint={page['checkpoint']}&limit={PAGE}" if page["has_more"] else None,
            heads[-1],
        )
        pull_seconds = time.perf_counter() - started
    assert pulled >= len(docs), (pulled, len(docs))
    return Run(len(docs) / wall, pulled / pull_seconds, times, cpu * 1000 / len(docs))


def run_pouchdb(binary: Path, docs: list[dict[str, Any]], ids: list[str], clients: int, folder: Path) -> Run:
    """PouchDB-server on LevelDB: the same batches through ``_bulk_docs``, then ``_changes`` with the documents."""
    with pouchdb_server(binary, folder) as port:
        shares: list[tuple[dict[str, str], list[bytes]]] = []
        for some, named in split(docs, ids, clients):
            docs_named = [{"_id": n, **d} for d, n in zip(some, named, strict=True)]
            batches = [compact({"docs": docs_named[at : at + BATCH]}) for at in range(0, len(some), BATCH)]
            shares.append(({}, batches))
        wall, times = push_at_once(port, "/inspections/_bulk_docs", 201, shares, lambda answer: None)
        started = time.perf_counter()
        changes = "/inspections/_changes?include_docs=true&limit={}&since={}"
        pulled = pages(
            port,
            changes.format(PAGE, 0),
            lambda page: changes.format(PAGE, page["last_seq"]) if page["results"] else None,
            {},
        )
        pull_seconds = time.perf_counter() - started
    assert pulled == len(docs), (pulled, len(docs))
    return Run(len(docs) / wall, pulled / pull_seconds, times)


def parse_configs(text: str) -> list[tuple[str, int]]:
    """``sqlite:1,postgresql:2`` → ``[("sqlite", 1), ("postgresql", 2)]``."""
    configs = []
    for part in text.split(","):
        name, _, processes = part.strip().partition(":")
        configs.append((name, int(processes or "1")))
    return configs


def percentile_ms(seconds: list[float], share: float) -> float:
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def table(contenders: list[Contender]) -> str:
    """One row per contender: medians of its rounds, and the push ratio to SQLite-1 and to PouchDB-server."""
    medians = {(c.name, c.processes): statistics.median(r.push for r in c.runs) for c in contenders if c.runs}
    base, peer = medians.get(("sqlite", 1)), medians.get(("pouchdb", 1))
    head = f"{'contender':<12}{'procs':>6}{'push docs/s':>13}{'pull docs/s':>13}{'p50 ms':>9}{'p99 ms':>9}"
    lines = [head + f"{'CPU ms/doc':>12}{'×SQLite-1':>11}{'×PouchDB':>10}"]
    for c in contenders:
        if not c.runs:
            continue
        push = medians[(c.name, c.processes)]
        pull = statistics.median(r.pull for r in c.runs)
        times = [t for r in c.runs for t in r.times]
        cpus = [r.cpu_ms_per_doc for r in c.runs if r.cpu_ms_per_doc is not None]
        cpu = f"{statistics.median(cpus):>12.2f}" if cpus else f"{'—':>12}"
        to_base = f"{push / base:>11.2f}" if base else f"{'—':>11}"
        to_peer = f"{push / peer:>10.2f}" if peer else f"{'—':>10}"
        lines.append(
            f"{c.name:<12}{c.processes:>6}{push:>13.0f}{pull:>13.0f}"
            f"{percentile_ms(times, 0.5):>9.1f}{percentile_ms(times, 0.99):>9.1f}{cpu}{to_base}{to_peer}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[Contender]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=3000, help="documents pushed per contender and round")
    parser.add_argument("--clients", type=int, default=4, help="devices pushing at once")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--configs", default=CONFIGS, help="backend:processes, comma-separated")
    parser.add_argument("--database-url", default="", help="a PostgreSQL server to use instead of our own cluster")
    parser.add_argument("--no-pouchdb", action="store_true", help="leave PouchDB-server out")
    args = parser.parse_args(argv)
    template = load_catalog().get("supermarket_service", 1)
    assert template is not None
    docs = [answers_for(template, n) for n in range(args.docs)]
    ids = [uuid7() for _ in docs]
    configs = parse_configs(args.configs)
    contenders = [Contender(name, processes) for name, processes in configs]
    on_postgresql = any(name == "postgresql" for name, _ in configs)
    print(f"{args.docs} inspections of 60 answers, batches of {BATCH}, {args.clients} devices at once", end="")
    print(f"; {args.rounds} rounds")
    print(f"load average at the start: {load_average()}", flush=True)
    with (
        Backend("sqlite") as sqlite,
        Backend("postgresql" if on_postgresql else "sqlite", args.database_url) as postgresql,
        tempfile.TemporaryDirectory(prefix="xunjian-backends-") as name,
    ):
        tmp = Path(name)
        pouchdb = "skipped: --no-pouchdb" if args.no_pouchdb else install_pouchdb(tmp)
        if isinstance(pouchdb, Path):
            contenders.append(Contender("pouchdb", 1))
        else:
            print(f"PouchDB-server: {pouchdb}")
        backends = {"sqlite": sqlite, "postgresql": postgresql}
        for n in range(args.rounds):
            order = contenders if n % 2 == 0 else contenders[::-1]
            for c in order:
                folder = tmp / f"round-{n}" / f"{c.name}-{c.processes}"
                folder.mkdir(parents=True)
                if c.name == "pouchdb":
                    assert isinstance(pouchdb, Path)
                    c.runs.append(run_pouchdb(pouchdb, docs, ids, args.clients, folder))
                else:
                    c.runs.append(run_xunjian(backends[c.name], c.processes, docs, ids, args.clients, folder))
            done = ", ".join(f"{c.name}-{c.processes} {c.runs[-1].push:.0f}/{c.runs[-1].pull:.0f}" for c in contenders)
            print(f"  round {n + 1} (push/pull docs/s): {done}; load {load_average()}", flush=True)
    print(table(contenders))
    print(f"load average at the end: {load_average()}")
    return contenders


if __name__ == "__main__":
    main()
