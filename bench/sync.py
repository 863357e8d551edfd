"""Sync benchmark: push throughput against its ceiling and its peer; merge cost against store size.

Run: ``.venv/bin/python -m bench.sync``. Every figure is measured in this run:

1. Xunjian: supermarket inspections (create + 60 answers) pushed through HTTP to
   ``python -m server`` on loopback, 50 documents (100 ops) per batch, every
   answer validated and merged, each batch committed durably (WAL, synchronous=FULL).
   Both servers get the same client: one keep-alive ``http.client`` connection sending
   prepared bodies one after another (a lean client, so the figures are the servers').
   The same pushes are also applied in process (no HTTP), to show the server's own share.
2. The ceiling: the same documents written as one JSON row each to raw SQLite,
   WAL + synchronous=FULL, one commit per 50 documents.
3. The peer, where ``npm`` is present: PouchDB-server on LevelDB ingesting the
   same documents through ``_bulk_docs`` in batches of 50 (installed into a
   temporary folder now, never into the repository). Note that it answers before its
   writes are on disk: its LevelDB adapter writes each batch with ``db.batch(ops)``,
   whose ``sync`` option is false unless given, so no fsync; Xunjian fsyncs every batch
   (about a seventh of its push time here) before answering.
4. The cost of merging one edit when 1,000 vs 100,000 inspections are stored, edits
   going to the two stores in turn in this process.

``--backend postgresql`` runs our server (and the in-process engine) on a fresh PostgreSQL database
each round (in a throwaway cluster, or beside ``--database-url``), ``--workers N`` as
``python -m server --workers N``; ``python -m bench.backends`` sets them all side by side.

``--submitted`` pushes whole submitted inspections instead (as ``bench.scale`` makes them: every
answer, about 2.5 failed, the store manager's signature; to Xunjian as create, set, sign and submit,
200 ops a batch, so each one's findings, actions and facts are recorded; to the peers as one
document holding the same answers and signature).

``--stored N`` starts our server, in every round, on a copy of the scale bench's cached store of
N submitted inspections (``bench.scale_build``, built first if missing) instead of an empty demo one,
so the comparison holds at a city's size.

This machine is shared, and its speed drifts by a third from minute to minute, so the
push figures are taken in ``BENCH_ROUNDS`` rounds (default 5), each running every
contender once on fresh storage, one after another; each figure is the median of its
rounds, the ratios are of those medians, and each round's own ratio is printed too.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from argon2 import PasswordHasher

from bench.backend import Backend, add_arguments, server_args
from bench.live import ServerProcess, free_port, wait_for
from bench.merge import bench_merge
from bench.scale import default_data
from bench.scale_build import build
from bench.scale_city import Shape, folder_of
from bench.scale_ops import SIGNED, answer_plan, draw_answers, signature
from bench.scale_stores import copy_store
from schemas.catalog import load_catalog
from schemas.template import Number, PassFail, SingleChoice, Template, Text
from sync.clock import uuid7
from sync.db.open import open_store
from sync.engine.ops import push_decoder
from sync.org.accounts import User
from sync.org.demo import load_demo
from sync.org.sites import site_ids_in_scope
from sync.push import apply_push

DOCS = int(os.environ.get("BENCH_DOCS", "3000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
BATCH = 50


def answers_for(template: Template, n: int) -> dict[str, Any]:
    """Sixty answers of simple kinds, as an inspector would give them."""
    answers: dict[str, Any] = {}
    for section in template.sections:
        for item in section.items:
            if len(answers) == 60:
                return answers
            if isinstance(item, PassFail):
                answers[item.id] = "fail" if (n + len(answers)) % 7 == 0 else "pass"
            elif isinstance(item, Number):
                low = item.bounds.min if item.bounds and item.bounds.min is not None else -100.0
                high = item.bounds.max if item.bounds and item.bounds.max is not None else 100.0
                answers[item.id] = round(low + (high - low) * (n % 10) / 10, item.decimals)
            elif isinstance(item, SingleChoice):
                answers[item.id] = item.options[n % len(item.options)].value
            elif isinstance(item, Text):
                answers[item.id] = f"第{n}号检查备注"
    assert len(answers) == 60, len(answers)
    return answers


def submitted_docs(count: int) -> list[dict[str, Any]]:
    """Whole submitted inspections (``--submitted``): every answer (about 2.5 failed) and the signature.

    As ``bench.scale`` makes them (:mod:`bench.scale_ops`); Xunjian gets each as create, set, sign and
    submit, the peers as one document holding the same answers and signature.
    """
    plan = answer_plan(load_catalog())
    rng = random.Random("bench.sync:submitted")
    docs = []
    for _ in range(count):
        answers = draw_answers(plan, rng, plan.checks[:6])
        docs.append({**answers, SIGNED: signature(plan, answers, "inspector1")})
    return docs


def compact(value: Any) -> bytes:
    """JSON as the app's ``JSON.stringify`` writes it (no spaces), for every contender alike."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


class Poster:
    """One keep-alive ``http.client`` connection POSTing prepared bodies, adding up the seconds they take."""

    def __init__(self, port: int, path: str, headers: dict[str, str], status: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.path, self.status = path, status
        self.headers = {**headers, "Content-Type": "application/json"}
        self.elapsed = 0.0

    def post(self, body: bytes) -> bytes:
        started = time.perf_counter()
        self.connection.request("POST", self.path, body=body, headers=self.headers)
        response = self.connection.getresponse()
        answer = response.read()
        self.elapsed += time.perf_counter() - started
        assert response.status == self.status, answer[:200]
        return answer


def _doc_ops(doc: dict[str, Any], site: str) -> list[dict[str, Any]]:
    """A document's ops without ids: create and set; a signed one (:func:`submitted_docs`) also sign and submit."""
    answers = {k: v for k, v in doc.items() if k != SIGNED}
    ops: list[dict[str, Any]] = [
        {"kind": "create", "checklist_id": "supermarket_service", "version": 1, "site_id": site},
        {"kind": "set", "answers": answers},
    ]
    if SIGNED in doc:
        ops += [{"kind": "sign", "path": SIGNED, "value": doc[SIGNED]}, {"kind": "transition", "to": "submitted"}]
    return ops


def push_bodies(docs: list[dict[str, Any]], ids: list[str], site: str) -> list[bytes]:
    """The push requests of one device: per document a create and a set of its answers (a signed one also
    its signature and submit), 50 documents a batch.

    Ids are made as the app makes them: UUIDv7 for inspections and ops.
    """
    client_id, seq, hlc = str(uuid.uuid4()), 0, time.time_ns() // 1_000_000 << 16
    bodies = []
    for start in range(0, len(docs), BATCH):
        ops: list[Any] = []
        for doc, inspection_id in zip(docs[start : start + BATCH], ids[start : start + BATCH], strict=True):
            for op in _doc_ops(doc, site):
                seq += 1
                hlc += 1
                ops.append({**op, "op_id": uuid7(), "client_seq": seq, "inspection_id": inspection_id, "hlc": hlc})
        bodies.append(compact({"client_id": client_id, "ops": ops}))
    return bodies


def bench_engine(docs: list[dict[str, Any]], ids: list[str], tmp: Path) -> float:
    """The same pushes decoded and applied in this process, without HTTP: what the server's own work allows."""
    store = open_store(UNDER[0].fresh_url() if UNDER else None, tmp / "engine")
    load_demo(store, PasswordHasher())
    row = store.db.execute(
        "SELECT id, org_id, username, display_name, role, active FROM user WHERE username = 'inspector1'"
    ).fetchone()
    user = User(row[0], row[1], row[2], row[3], row[4], bool(row[5]))
    catalog = load_catalog()
    bodies = push_bodies(docs, ids, sorted(site_ids_in_scope(store, user))[0])
    started = time.perf_counter()
    for body in bodies:
        result = apply_push(store, catalog, user, "bench", push_decoder.decode(body))
        assert all(r.outcome == "applied" for r in result.results), result.results[:2]
    elapsed = time.perf_counter() - started
    store.close()
    return len(docs) / elapsed


STORED: list[Path] = []  # with ``--stored N``: the cached scale-bench store our server starts from
UNDER: list[Backend] = []  # with ``--backend``: where our server keeps its records
WORKERS: list[int] = []  # with ``--workers N``: its processes


@contextmanager
def xunjian_server(tmp: Path) -> Iterator[tuple[int, dict[str, str], str]]:
    """``python -m server --demo`` on a free port (or on a copy of the ``--stored`` store): the port, an
    inspector's headers, a site in scope."""
    folder, args = tmp / "xunjian", ["--demo"]
    folder.mkdir(parents=True)  # with a database URL nothing else makes the data folder (evidence goes there)
    if STORED:
        copy_store(STORED[0], folder)  # with its WAL, flushed to disk before the timed pushes
        args = []
    env = UNDER[0].fresh_env() if UNDER else {}
    try:
        with (
            ServerProcess(folder, *server_args(WORKERS[0] if WORKERS else 1, *args), env=env, timeout=3600) as server,
            httpx.Client(base_url=server.base, timeout=60) as api,
        ):
            login = api.post(
                "/api/auth/login", json={"username": "inspector1", "password": "demo1234", "device_name": "bench"}
            ).json()
            headers = {"Authorization": f"Bearer {login['token']}"}
            site = api.get("/api/sites", headers=headers).json()[0]["id"]
            yield server.port, headers, site
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # a copy of a 1M store is 24 GB: one round's at a time


def bench_sqlite(docs: list[dict[str, Any]], ids: list[str], tmp: Path) -> float:
    db = sqlite3.connect(tmp / "raw.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE doc (id TEXT PRIMARY KEY, body TEXT NOT NULL)")
    started = time.perf_counter()
    for start in range(0, len(docs), BATCH):
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO doc VALUES (?, ?)",
            [(i, compact(d)) for d, i in zip(docs[start : start + BATCH], ids[start : start + BATCH], strict=True)],
        )
        db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return len(docs) / elapsed


def install_pouchdb(tmp: Path) -> Path | str:
    """PouchDB-server installed into ``tmp`` (never the repository): its binary, or why it is skipped."""
    held = os.environ.get("BENCH_POUCHDB")  # a pouchdb-server binary installed before (outside the repository)
    if held:
        return Path(held) if Path(held).exists() else f"skipped: BENCH_POUCHDB {held} does not exist"
    npm = shutil.which("npm")
    if npm is None:
        return "skipped: npm is not installed"
    folder = tmp / "pouchdb"
    folder.mkdir()
    try:
        install = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--silent", "pouchdb-server"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "skipped: npm install pouchdb-server took more than 10 minutes"
    binary = folder / "node_modules" / ".bin" / "pouchdb-server"
    if install.returncode != 0 or not binary.exists():
        return f"skipped: npm install pouchdb-server failed: {install.stderr.strip()[-200:]}"
    return binary


@contextmanager
def pouchdb_server(binary: Path, tmp: Path) -> Iterator[int]:
    """PouchDB-server on LevelDB on a free port, with an empty ``inspections`` database: the port."""
    port = free_port()
    proc = subprocess.Popen(
        [str(binary), "--port", str(port), "--dir", str(tmp / "pouchdb-data"), "--no-stdout-logs"],
        cwd=binary.parent.parent.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/", proc, timeout=60)
        httpx.put(f"{base}/inspections", timeout=60).raise_for_status()
        yield port
    finally:
        proc.terminate()
        proc.wait()


def push_xunjian(docs: list[dict[str, Any]], ids: list[str], tmp: Path) -> float:
    with xunjian_server(tmp) as (port, headers, site):
        poster = Poster(port, "/api/sync/push", headers, 200)
        try:
            for body in push_bodies(docs, ids, site):
                results = json.loads(poster.post(body))["results"]
                assert all(r["outcome"] == "applied" for r in results), results[:2]
        finally:
            poster.connection.close()
    return len(docs) / poster.elapsed


def push_pouchdb(binary: Path, docs: list[dict[str, Any]], ids: list[str], tmp: Path) -> float:
    named = [{"_id": i, **d} for d, i in zip(docs, ids, strict=True)]
    with pouchdb_server(binary, tmp) as port:
        poster = Poster(port, "/inspections/_bulk_docs", {}, 201)
        try:
            for start in range(0, len(docs), BATCH):
                poster.post(compact({"docs": named[start : start + BATCH]}))
        finally:
            poster.connection.close()
    return len(docs) / poster.elapsed


def push_rounds(docs: list[dict[str, Any]], ids: list[str], tmp: Path) -> tuple[dict[str, list[float]], str]:
    """Docs/s of every contender in each round, on fresh storage each time; and why PouchDB is missing, if it is.

    The two servers run one after the other, each alone (its background work, WAL checkpoints
    or LevelDB compactions, competes with its own requests, as in service), the one to go
    first alternating between rounds.
    """
    pouchdb = install_pouchdb(tmp)
    figures: dict[str, list[float]] = {"xunjian": [], "pouchdb": [], "engine": [], "ceiling": []}
    for n in range(ROUNDS):
        folder = tmp / f"round-{n}"
        folder.mkdir()
        servers: list[tuple[str, Callable[[], float]]] = [("xunjian", partial(push_xunjian, docs, ids, folder))]
        if isinstance(pouchdb, Path):
            servers.append(("pouchdb", partial(push_pouchdb, pouchdb, docs, ids, folder)))
        for name, run in servers if n % 2 == 0 else servers[::-1]:
            figures[name].append(run())
        figures["engine"].append(bench_engine(docs, ids, folder))
        figures["ceiling"].append(bench_sqlite(docs, ids, folder))
        line = ", ".join(f"{k} {v[-1]:.0f}" for k, v in figures.items() if v)
        if figures["pouchdb"]:
            line += f"; xunjian/pouchdb {figures['xunjian'][-1] / figures['pouchdb'][-1]:.2f}"
        print(f"  round {n + 1}: {line}", flush=True)
    return figures, pouchdb if isinstance(pouchdb, str) else ""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stored", type=int, help="run our server on the scale bench's cached store of N inspections")
    parser.add_argument("--data", type=Path, default=default_data(), help="the scale bench's data folder")
    parser.add_argument(
        "--submitted", action="store_true", help="push whole submitted inspections (create, set, sign, submit)"
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    if args.stored is not None and (args.backend != "sqlite" or args.database_url):
        parser.error("--stored copies a SQLite store: only with --backend sqlite")
    WORKERS.append(args.workers)
    with Backend.from_args(args) as backend:
        UNDER.append(backend)
        print(f"our server: {backend.name}, {args.workers} process(es)")
        run(args)


def run(args: argparse.Namespace) -> None:
    """The whole bench, as :func:`main` describes it."""
    if args.stored is not None:
        shape = Shape(args.stored)
        build(args.data, shape)
        STORED.append(folder_of(args.data, shape))
        print(f"our server starts each round on a copy of the store of {args.stored:,} submitted inspections")
    template = load_catalog().get("supermarket_service", 1)
    assert template is not None
    docs = submitted_docs(DOCS) if args.submitted else [answers_for(template, n) for n in range(DOCS)]
    ids = [uuid7() for _ in docs]  # the same ids for every store
    what = "submitted whole (every answer, ~2.5 failed, signed)" if args.submitted else "of 60 answers"
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        print(f"documents: {DOCS} supermarket inspections {what}, batches of {BATCH}; {ROUNDS} rounds")
        figures, skipped = push_rounds(docs, ids, tmp)
        xunjian, engine, ceiling = (statistics.median(figures[k]) for k in ("xunjian", "engine", "ceiling"))
        print(f"xunjian push over HTTP:       {xunjian:8.0f} docs/s   (median of rounds, as below)")
        print(f"xunjian engine, no HTTP:      {engine:8.0f} docs/s   HTTP's share = {1 - xunjian / engine:.2f}")
        print(f"raw SQLite ceiling:           {ceiling:8.0f} docs/s   xunjian/ceiling = {xunjian / ceiling:.2f}")
        if figures["pouchdb"]:
            peer = statistics.median(figures["pouchdb"])
            ratios = sorted(x / p for x, p in zip(figures["xunjian"], figures["pouchdb"], strict=True))
            each = ", ".join(f"{r:.2f}" for r in ratios)
            ratio = xunjian / peer
            print(f"PouchDB-server _bulk_docs:    {peer:8.0f} docs/s   xunjian/pouchdb = {ratio:.2f} (target ≥ 2)")
            print(f"  the rounds' ratios, lowest first: {each}; median {statistics.median(ratios):.2f}")
            # what the push could reach if HTTP cost nothing: the engine's own rate against the peer's
            print(f"  engine alone (no HTTP) / pouchdb = {engine / peer:.2f}: the most a faster HTTP layer could give")
        else:
            print(f"PouchDB-server _bulk_docs:    {skipped}")
        small, large = bench_merge(template, answers_for(template, 1), (1_000, 100_000), tmp)
        print(f"merge one edit, 1,000 stored:   {small * 1e3:.3f} ms   (edits alternating between the stores)")
        print(f"merge one edit, 100,000 stored: {large * 1e3:.3f} ms   ratio = {large / small:.2f} (target ≈ 1)")


if __name__ == "__main__":
    main()
