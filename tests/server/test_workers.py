"""No request blocks another: reports held mid-way in the long-job pool while health, a push and a pull are answered.

Deterministic: a report is held on a :class:`threading.Event` inside its long job (the test
replaces ``sync.review.reports.build_report`` with one that signals it has started, then
waits), and nothing is timed. Before the handlers left the event loop, a held report held
the loop too, and every other request here ran into the client's timeout.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.device import Device
from bench.live import LiveServer, serve, server_settings
from server.settings import Settings
from server.workers import Workers, configure
from sync.review import reports

QUARTER = {"quarter": "2026-Q1"}


class Held:
    """``build_report`` replaced: each call counts itself in, then waits for :attr:`release`."""

    def __init__(self, real: Callable[..., Any], expected: int) -> None:
        self.real = real
        self.expected = expected
        self.entered = 0
        self.count_lock = threading.Lock()
        self.started = threading.Event()  # set once ``expected`` calls are in
        self.release = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self.count_lock:
            self.entered += 1
            if self.entered == self.expected:
                self.started.set()
        self.release.wait()
        return self.real(*args, **kwargs)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    with serve(server_settings(tmp_path)) as server:
        yield server


def hold(monkeypatch: pytest.MonkeyPatch, expected: int) -> Held:
    held = Held(reports.build_report, expected)
    monkeypatch.setattr(reports, "build_report", held)
    return held


def phone_work(live: LiveServer) -> None:
    """Health, a push through the fast lane and a pull: each answered 200 while the reports are held."""
    http = live.client("inspector1")
    assert http.get("/api/health").status_code == 200
    phone = Device(http, http.headers["Authorization"].partition(" ")[2], "phone")
    site = http.get("/api/sites").json()[0]["id"]
    inspection_id = phone.create(site, "supermarket_service")
    phone.set(inspection_id, {"sales_area_m2": 800.0})
    answered = live.lane.answered
    pushed = http.post("/api/sync/push", json={"client_id": phone.client_id, "ops": phone.pending()})
    assert pushed.status_code == 200, pushed.text
    assert [r["outcome"] for r in pushed.json()["results"]] == ["applied", "applied"]
    assert live.lane.answered == answered + 1  # the fast lane answered it
    pulled = http.get("/api/sync/pull", params={"checkpoint": 0})
    assert pulled.status_code == 200, pulled.text
    assert inspection_id in {view["id"] for view in pulled.json()["documents"]}


def ask_reports(live: LiveServer, how_many: int) -> tuple[ThreadPoolExecutor, list[Future[httpx.Response]]]:
    admin = live.client("admin")
    asking = ThreadPoolExecutor(max_workers=how_many)
    return asking, [asking.submit(admin.get, "/api/reports/quarterly", params=QUARTER) for _ in range(how_many)]


def test_health_a_push_and_a_pull_are_answered_while_a_report_is_held_mid_way(
    live: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = hold(monkeypatch, 1)
    asking, (report,) = ask_reports(live, 1)
    try:
        assert held.started.wait(60), "the report never started"
        phone_work(live)
        assert not report.done()  # still held: the phone's requests went past it
    finally:
        held.release.set()
        asking.shutdown()
    answer = report.result()
    assert answer.status_code == 200, answer.text


def test_more_long_jobs_than_their_threads_still_let_a_push_through(
    live: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = live.settings.long_job_threads
    held = hold(monkeypatch, limit)
    asking, asked = ask_reports(live, limit + 3)
    try:
        assert held.started.wait(60), "the long jobs never started"
        phone_work(live)
        assert held.entered == limit  # the others wait for a long-job thread, holding no request worker
        assert not any(report.done() for report in asked)
    finally:
        held.release.set()
        asking.shutdown()
    assert [report.result().status_code for report in asked] == [200] * (limit + 3)
    assert held.entered == limit + 3


def test_the_pools_are_sized_by_the_settings_and_shared_by_apps_of_one_size() -> None:
    workers = configure(Settings(worker_threads=3, long_job_threads=1))
    try:
        assert (workers.requests._max_workers, workers.long_jobs._max_workers) == (3, 1)
        assert configure(Settings(worker_threads=3, long_job_threads=1)) == workers
        assert Settings.from_env({"XUNJIAN_WORKER_THREADS": "24", "XUNJIAN_LONG_JOB_THREADS": "3"}).worker_threads == 24
    finally:
        configure(Settings())  # the default pools again for the tests after this one


def test_a_long_jobs_steps_run_in_its_pool() -> None:
    workers = Workers(ThreadPoolExecutor(1, thread_name_prefix="steps-test"), ThreadPoolExecutor(1, "long-test"))

    def steps() -> Iterator[str]:
        yield threading.current_thread().name
        yield threading.current_thread().name

    async def collect() -> list[str]:
        return [name async for name in workers.long_steps(steps())]

    async def one() -> str:
        return await workers.long_job(lambda: threading.current_thread().name)

    with ThreadPoolExecutor(1) as elsewhere:  # a loop of its own, whatever runs in this thread (the browser tests')
        names = elsewhere.submit(asyncio.run, collect()).result()
        name = elsewhere.submit(asyncio.run, one()).result()
    assert len(names) == 2 and all(name.startswith("long-test") for name in names)
    assert name.startswith("long-test")
