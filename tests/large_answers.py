"""Large answers, and a function held mid-way in whichever thread runs it (work kept off the event loop)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench.live import serve, server_settings


def a_year_of_daily_plans(http: Any, headers: dict[str, str]) -> str:
    """Two daily plans begun over a year ago; the coverage URL of the last year (a large answer)."""
    sites = http.get("/api/sites", headers=headers).json()
    today = date.today()
    for site in sites[:2]:
        body = {"site_id": site["id"], "checklist_id": "supermarket_service", "kind": "daily_check",
                "starts_on": (today - timedelta(days=400)).isoformat()}  # fmt: skip
        assert http.post("/api/schedules/", json=body, headers=headers).status_code == 201
    return f"/api/schedules/coverage?first={(today - timedelta(days=365)).isoformat()}&last={today.isoformat()}"


class Held:
    """``real`` replaced: once :attr:`armed` is set (after the test's set-up), each call notes its
    thread, signals :attr:`started`, then waits for :attr:`release` before doing the real work (on the
    event loop this would hold every request)."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real = real
        self.threads: list[str] = []
        self.armed, self.started, self.release = threading.Event(), threading.Event(), threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.armed.is_set():
            self.threads.append(threading.current_thread().name)
            self.started.set()
            self.release.wait(60)
        return self.real(*args, **kwargs)


def coverage_while_held(tmp_path: Path, held: Held, headers: dict[str, str]) -> httpx.Response:
    """A year's coverage asked of a live server while ``held`` (armed once the plans are made) holds its
    work: health and a pull are answered meanwhile, and the coverage only once it is released."""
    with serve(server_settings(tmp_path)) as live, ThreadPoolExecutor(1) as asking:
        admin = live.client("admin")
        url = a_year_of_daily_plans(admin, {})
        held.armed.set()
        answer = asking.submit(admin.get, url, headers=headers)
        try:
            assert held.started.wait(60), "the held work never started"
            assert live.client().get("/api/health").status_code == 200  # answered while it is held
            pulled = live.client("inspector1").get("/api/sync/pull", params={"checkpoint": 0})
            assert pulled.status_code == 200
            assert not answer.done()
        finally:
            held.release.set()
        return answer.result()
