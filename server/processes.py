"""``python -m server --workers N``: N server processes on one listening socket (one big machine).

The parent (``server.__main__``) has checked the templates, migrated and seeded the database; it
binds the socket and spawns the workers (fresh interpreters, not forks: the parent's store has
threads). Each worker builds its own app and store before its event loop and serves on the shared
socket, the kernel handing each connection to one of them. A worker that dies (``kill -9``) is
replaced; SIGTERM or SIGINT stops every worker gracefully, as a single server stops. The workers
share nothing but the database and the evidence store: they behave as several app servers do.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import socket
import threading
from dataclasses import replace
from multiprocessing.context import SpawnProcess

import uvicorn

from server.app import create_app
from server.fast_push import FastPush
from server.settings import Settings
from sync.faults import arm_kill


def run_worker(settings: Settings, sockets: list[socket.socket]) -> None:
    """One worker process (``--workers N``): its own app and store, built before its event loop."""
    arm_kill(settings.fault)
    app = create_app(replace(settings, demo=False))  # the parent seeded the demo data already
    gc.freeze()
    signal.signal(signal.SIGTERM, lambda signum, frame: None)  # as main(): a graceful stop exits 0
    config = uvicorn.Config(
        FastPush(app), log_level="info", timeout_graceful_shutdown=max(1, round(settings.stop_timeout_s))
    )
    uvicorn.Server(config).run(sockets=sockets)


def serve_workers(settings: Settings, workers: int) -> int:
    """N worker processes on one listening socket; a worker that dies is replaced; SIGTERM stops them all."""
    sock = socket.create_server((settings.host, settings.port), reuse_port=False)
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter each: no threads forked mid-flight
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda signum, frame: stopping.set())
    print(f"Xunjian 巡检 on http://{settings.host}:{settings.port}/ with {workers} worker processes", flush=True)
    procs: list[SpawnProcess] = []
    while not stopping.is_set():
        procs = [proc for proc in procs if proc.is_alive()]
        while len(procs) < workers:
            proc = spawn.Process(target=run_worker, args=(settings, [sock]), name="xunjian-worker")
            proc.start()
            procs.append(proc)
        stopping.wait(0.5)
    for proc in procs:
        proc.terminate()  # SIGTERM: each stops gracefully, as a single server does
    for proc in procs:
        proc.join()
    sock.close()
    return 0
