"""The scale bench: every read a supervisor or a phone makes, timed on stores of 10k, 100k and 1M inspections.

Run: ``.venv/bin/python -m bench.scale [--sizes 10000,100000,1000000] [--data DIR] [--reps 3]
[--backend postgresql]`` (PostgreSQL: :mod:`bench.scale_pg`).

For each size it builds the store (:mod:`bench.scale_build`: through the real engine, cached in
``--data``, default ``$XUNJIAN_BENCH_DATA`` or ``~/.cache/xunjian/bench-scale``, resumable), copies it
to a working folder (the server migrates it at start, and the submit figures add inspections), starts
``python -m server`` on the copy and times over HTTP, as the admin, a district supervisor and an
inspector, each read ``--reps`` times (the median; ``GET /api/health`` under load: p50 and p99). It
prints one table, a row per figure and a column per size, with the growth from the smallest size to
the largest, and writes it to ``<data>/results-<when>.json`` (and ``results-latest.json``) so a later
run can be set beside it. Figures are in ms unless the row says otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from bench.live import ServerProcess
from bench.procs import load_average
from bench.scale_build import build_rate
from bench.scale_city import CHECKLIST, CHINA, City, Shape, folder_of
from bench.scale_ops import fresh_push
from bench.scale_pg import default_data_pg, postgres_stores
from bench.scale_stores import SqliteStores, Stores
from sync.org.demo import DEMO_PASSWORD

SIZES = (10_000, 100_000, 1_000_000)
PAGE_DEPTH = 50


def default_data() -> Path:
    return Path(os.environ.get("XUNJIAN_BENCH_DATA") or Path.home() / ".cache" / "xunjian" / "bench-scale")


def median_ms(run: Callable[[], object], reps: int) -> float:
    """The median of ``reps`` runs of ``run``, in ms."""
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Api:
    """Logged-in HTTP clients of one server by role, and timed GETs."""

    def __init__(self, base: str, city: City, reps: int) -> None:
        self.base, self.city, self.reps = base, city, reps
        self.clients: dict[str, httpx.Client] = {}
        for role, username in (
            ("admin", city.admin),
            ("supervisor", city.supervisors[0]),
            ("inspector", city.inspectors[0]),
        ):
            self.clients[role] = self.login(username)

    def login(self, username: str) -> httpx.Client:
        client = httpx.Client(base_url=self.base, timeout=3600)
        body = {"username": username, "password": DEMO_PASSWORD, "device_name": "bench-scale"}
        response = client.post("/api/auth/login", json=body)
        assert response.status_code == 200, response.text
        client.headers["Authorization"] = f"Bearer {response.json()['token']}"
        return client

    def get(self, role: str, url: str, **params: Any) -> httpx.Response:
        response = self.clients[role].get(url, params=params)
        assert response.status_code == 200, f"{url}: {response.status_code} {response.text[:300]}"
        return response

    def timed(self, role: str, url: str, **params: Any) -> float:
        return median_ms(lambda: self.get(role, url, **params).content, self.reps)

    def warm(self, shape: Shape) -> None:
        """One untimed pass of :func:`reads` (``--warm``): the page cache holds what they read before timing."""
        print("    (one untimed pass first)", flush=True)
        reads(self, shape)
        self.close()

    def close(self) -> None:
        for client in self.clients.values():
            client.close()


def periods(today: date) -> dict[str, str]:
    """The last whole month and quarter before ``today``, and the twelve months before this one."""
    month_start = today.replace(day=1)
    last_month = month_start - timedelta(days=1)
    quarter = (today.month - 1) // 3
    year, quarter = (today.year, quarter) if quarter else (today.year - 1, 4)
    year_ago = (month_start - timedelta(days=365)).replace(day=1)
    return {
        "month": last_month.strftime("%Y-%m"),
        "quarter": f"{year}-Q{quarter}",
        "first": year_ago.isoformat(),
        "last": last_month.isoformat(),
    }


def deep_page(api: Api, shape: Shape) -> tuple[str, float]:
    """Page 50 of the queue (admin): by ``Link: rel=next`` when the listing gives one, else by ``until``."""
    client = api.clients["admin"]
    response = api.get("admin", "/api/inspections")
    for _ in range(PAGE_DEPTH - 1):
        following = response.links.get("next", {}).get("url")
        if following is None:
            break
        response = client.get(following)
        assert response.status_code == 200, response.text[:300]
    else:
        return "link", median_ms(partial(client.get, str(response.url)), api.reps)
    per_day = max(shape.inspections / (shape.weeks * 7), 1e-9)
    back = int((PAGE_DEPTH - 1) * 200 / per_day) + 1
    until = ((datetime.now(UTC) + CHINA).date() - timedelta(days=back)).isoformat()
    return "until", api.timed("admin", "/api/inspections", until=until)


def first_sync(api: Api, encoding: str) -> tuple[int, float]:
    """An inspector's pull from checkpoint 0 to the end: bytes on the wire with ``Accept-Encoding``, and seconds."""
    client, checkpoint, wire = api.clients["inspector"], 0, 0
    started = time.perf_counter()
    while True:
        response = client.get(
            "/api/sync/pull", params={"checkpoint": checkpoint, "limit": 100}, headers={"Accept-Encoding": encoding}
        )
        assert response.status_code == 200, response.text[:300]
        wire += response.num_bytes_downloaded
        page = response.json()
        checkpoint = page["checkpoint"]
        if not page["has_more"]:
            return wire, time.perf_counter() - started


def submit_ms(api: Api, shape: Shape, seed: int) -> float:
    """One push of 50 whole inspections (create, answers, signature, submit) by the first inspector."""
    body = fresh_push(api.city, shape, api.city.inspectors[0], seed)
    started = time.perf_counter()
    response = api.clients["inspector"].post(
        "/api/sync/push", content=body, headers={"Content-Type": "application/json"}
    )
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.text[:300]
    assert all(r["outcome"] == "applied" for r in response.json()["results"]), response.text[:300]
    return elapsed


SUBMITS = 11  # timed pushes per figure at least (one push varies by ±25% on this machine)


def paired_submit_ms(at_size: Api, empty: Api, shape: Shape, bare_shape: Shape, reps: int) -> tuple[float, float]:
    """The medians of ``max(reps, SUBMITS)`` pushes of :func:`submit_ms` to a store of ``shape`` and to an
    empty one, taken in turns (the one to go first alternating), each server warmed by one untimed push.

    Taken in turns because this machine's speed drifts by a third from minute to minute: measured
    minutes apart, the ratio of the two said more about the drift than about the store's size.
    """
    submit_ms(at_size, shape, 7999)
    submit_ms(empty, bare_shape, 8999)
    sized: list[float] = []
    bare: list[float] = []
    for n in range(max(reps, SUBMITS)):
        turns = [(sized, at_size, shape, 8000 + n), (bare, empty, bare_shape, 9000 + n)]
        for figures, api, of, seed in turns if n % 2 == 0 else turns[::-1]:
            figures.append(submit_ms(api, of, seed))
    return statistics.median(sized), statistics.median(bare)


def health_under_load(api: Api, shape: Shape, quarter: str) -> tuple[float, float, float]:
    """``GET /api/health`` alone (p50), then p50 and p99 while a quarterly organisation report and a submit run."""
    health = api.clients["inspector"]
    alone = median_ms(lambda: health.get("/api/health").content, 20)

    def report() -> None:
        admin = api.login(api.city.admin)
        try:
            assert admin.get("/api/reports/quarterly", params={"quarter": quarter}).status_code == 200
        finally:
            admin.close()

    busy = [threading.Thread(target=report), threading.Thread(target=lambda: submit_ms(api, shape, 7001))]
    for thread in busy:
        thread.start()
    times: list[float] = []
    while any(t.is_alive() for t in busy) or len(times) < 20:
        started = time.perf_counter()
        assert health.get("/api/health", timeout=3600).status_code == 200
        times.append((time.perf_counter() - started) * 1000)
        time.sleep(0.01)
    for thread in busy:
        thread.join()
    return alone, percentile(times, 0.5), percentile(times, 0.99)


def reads(api: Api, shape: Shape) -> dict[str, float]:
    """Every timed read of one server, by row name."""
    today = (datetime.now(UTC) + CHINA).date()
    span = periods(today)
    district = api.city.districts[0]
    rows: dict[str, float] = {}
    rows["queue, first page (admin)"] = api.timed("admin", "/api/inspections")
    rows["queue, first page (supervisor)"] = api.timed("supervisor", "/api/inspections")
    rows["queue, min_score=90 (admin)"] = api.timed("admin", "/api/inspections", min_score=90)
    rows["queue, verdict=fail (admin)"] = api.timed("admin", "/api/inspections", verdict="fail")
    how, rows["queue, page 50 (admin)"] = deep_page(api, shape)
    print(f"    (page {PAGE_DEPTH} reached by {how})", flush=True)
    listed = api.get("supervisor", "/api/inspections", limit=1).json()
    rows["one inspection"] = api.timed("supervisor", f"/api/inspections/{listed[0]['id']}")
    rows["findings (admin)"] = api.timed("admin", "/api/findings")
    rows["findings (supervisor)"] = api.timed("supervisor", "/api/findings")
    rows["overdue summary (admin)"] = api.timed("admin", "/api/findings/overdue-summary")
    rows["events, first 500 (admin)"] = api.timed("admin", "/api/events", after=0, limit=500)
    rows["due list (inspector)"] = api.timed("inspector", "/api/schedules/due")
    rows["duplicates (admin)"] = api.timed("admin", "/api/schedules/duplicates")
    rows["directory (supervisor)"] = api.timed("supervisor", "/api/directory")
    rows["conflicts, first page, every status (admin)"] = api.timed("admin", "/api/conflicts", status="")
    rows["monthly report, district"] = api.timed(
        "supervisor", "/api/reports/monthly", month=span["month"], district_id=district
    )
    rows["monthly report, organisation"] = api.timed("admin", "/api/reports/monthly", month=span["month"])
    rows["quarterly report, district"] = api.timed(
        "supervisor", "/api/reports/quarterly", quarter=span["quarter"], district_id=district
    )
    rows["quarterly report, organisation"] = api.timed("admin", "/api/reports/quarterly", quarter=span["quarter"])
    rows["coverage, 12 months (supervisor)"] = api.timed(
        "supervisor", "/api/schedules/coverage", first=span["first"], last=span["last"]
    )
    for at, kind, cadence in ((1, "weekly_full_inspection", "weekly"), (2, "daily_check", "daily")):
        client = planned(api, at, kind, cadence)
        rows[f"coverage, 12 months, {cadence} plans too (supervisor)"] = median_ms(
            partial(coverage_of, client, span), api.reps
        )
        client.close()
    return rows


def planned(api: Api, district: int, kind: str, cadence: str) -> httpx.Client:
    """The supervisor of ``district`` (logged in), who plans ``kind`` at each of its sites beside the monthly
    spot checks every site has (once: a plan of this cadence already there is kept), from the city's first
    day, so twelve months of such periods are asked for.

    The city is built with monthly plans only; a district's supervisor in a real administration also
    plans weekly full inspections and daily checks (服务质量检验办法 4.1–4.3), whose periods the
    coverage reads probe one by one.
    """
    client = api.login(api.city.supervisors[district])
    held = client.get("/api/schedules/")
    assert held.status_code == 200, held.text[:300]
    if not any(plan["cadence"] == cadence for plan in held.json()):
        per = len(api.city.sites) // len(api.city.districts)
        starts = datetime.fromtimestamp(api.city.start_ms / 1000, UTC).date().isoformat()
        for site_id in api.city.sites[district * per : (district + 1) * per]:
            body = {"site_id": site_id, "checklist_id": CHECKLIST, "kind": kind, "starts_on": starts}
            made = client.post("/api/schedules/", json=body)
            assert made.status_code == 201, made.text[:300]
        planned = [plan for plan in client.get("/api/schedules/").json() if plan["cadence"] == cadence]
        assert len(planned) == per, planned
    return client


def coverage_of(client: httpx.Client, span: dict[str, str]) -> bytes:
    response = client.get("/api/schedules/coverage", params={"first": span["first"], "last": span["last"]})
    assert response.status_code == 200, response.text[:300]
    return response.content


def exports(api: Api) -> dict[str, float]:
    """The month's answers CSV and an inspector's first sync, by row name."""
    span = periods((datetime.now(UTC) + CHINA).date())
    rows: dict[str, float] = {}
    csv = api.get("admin", "/api/exports/answers.csv", month=span["month"]).content
    lines = max(csv.count(b"\n") - 1, 1)
    total = api.timed("admin", "/api/exports/answers.csv", month=span["month"])
    rows["answers CSV, one month (admin)"] = total
    rows["answers CSV: rows"] = float(lines)
    rows["answers CSV: µs per row"] = total * 1000 / lines
    for label, encoding in (("gzip, br", "gzip, br"), ("identity", "identity")):
        wire, seconds = first_sync(api, encoding)
        rows[f"first sync, inspector: MB on the wire ({label})"] = wire / 1e6
        rows[f"first sync, inspector: s ({label})"] = seconds
    return rows


def memory_mb(server: ServerProcess) -> tuple[float, float]:
    """The server's resident set now and at its peak (VmRSS, VmHWM), in MB."""
    assert server.proc is not None
    status = Path(f"/proc/{server.proc.pid}/status").read_text()
    found = {line.split(":")[0]: int(line.split()[1]) for line in status.splitlines() if line.startswith("Vm")}
    return found.get("VmRSS", 0) / 1024, found.get("VmHWM", 0) / 1024


def reads_only(data: Path, shape: Shape, reps: int, warm: bool, stores: Stores | None = None) -> dict[str, float]:
    """``--only reads``: the supervisor's and admin's reads alone (after one untimed pass when ``warm``)."""
    stores = stores or SqliteStores(data)
    city = stores.build(shape)
    rows: dict[str, float] = {"load average (1 min) at start": os.getloadavg()[0]}
    with stores.serve(shape, 600 + shape.inspections / 200) as server:
        api = Api(server.base, city, reps)
        if warm:
            Api(server.base, city, 1).warm(shape)
        started = time.perf_counter()
        rows.update(reads(api, shape))
        rows["reads: seconds in all"] = time.perf_counter() - started
        rows["load average (1 min) at end"] = os.getloadavg()[0]
        api.close()
    return rows


def measure(data: Path, shape: Shape, empty: Shape, reps: int, stores: Stores | None = None) -> dict[str, float]:
    """Build (or reuse) the store of ``shape`` and time every read on it; the submit against an empty store too."""
    stores = stores or SqliteStores(data)
    city = stores.build(shape)
    stores.build(empty)
    rows: dict[str, float] = {
        "build rate (inspections/s)": build_rate(data, shape),
        "store size (MB)": stores.size_mb(shape),
        "load average (1 min) at start": os.getloadavg()[0],
    }
    timeout = 600 + shape.inspections / 200
    with stores.serve(shape, timeout) as server:
        api = Api(server.base, city, reps)
        rows.update(reads(api, shape))
        rows.update(exports(api))
        alone, p50, p99 = health_under_load(api, shape, periods((datetime.now(UTC) + CHINA).date())["quarter"])
        rows["health alone, p50"], rows["health under load, p50"], rows["health under load, p99"] = alone, p50, p99
        with stores.serve(empty, timeout) as empty_server:
            empty_api = Api(empty_server.base, city_of(data, empty), reps)
            at_size, empty_ms = paired_submit_ms(api, empty_api, shape, empty, reps)
            empty_api.close()
        rows["submit 50 inspections, one push"] = at_size
        rows["submit 50 inspections, empty store"] = empty_ms
        rows["submit throughput vs empty store (ratio)"] = empty_ms / at_size
        rows["server RSS (MB)"], rows["server peak RSS (MB)"] = memory_mb(server)
        rows["load average (1 min) at end"] = os.getloadavg()[0]
        api.close()
    return rows


def city_of(data: Path, shape: Shape) -> City:
    return City(**json.loads((folder_of(data, shape) / "city.json").read_text()))


def table(results: dict[str, dict[str, float]]) -> str:
    """The figures, a row each, a column per size, and the growth from the first size to the last."""
    sizes = list(results)
    names = list(dict.fromkeys(name for figures in results.values() for name in figures))
    width = max(len(n) for n in names) + 2
    lines = ["".join([f"{'figure':<{width}}", *(f"{s:>14}" for s in sizes), f"{'growth':>10}"])]
    for name in names:
        cells = [results[s].get(name) for s in sizes]
        first, last = cells[0], cells[-1]
        growth = f"{last / first:>9.2f}×" if first and last is not None and len(sizes) > 1 else f"{'':>10}"
        shown = [f"{c:>14,.2f}" if c is not None else f"{'—':>14}" for c in cells]
        lines.append("".join([f"{name:<{width}}", *shown, growth]))
    return "\n".join(lines)


def run(
    data: Path,
    shapes: list[Shape],
    empty: Shape,
    reps: int,
    stores: Stores | None = None,
    *,
    only: str | None = None,
    warm: bool = False,
) -> dict[str, dict[str, float]]:
    """Measure every shape in turn; the results by size (as text, the JSON's keys)."""
    results: dict[str, dict[str, float]] = {}
    for shape in shapes:
        print(f"== {shape.inspections:,} inspections; load average {load_average()}", flush=True)
        if only == "reads":
            results[f"{shape.inspections:,}"] = reads_only(data, shape, reps, warm, stores)
        else:
            results[f"{shape.inspections:,}"] = measure(data, shape, empty, reps, stores)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes", default=",".join(str(s) for s in SIZES), help="inspections per store, comma-separated"
    )
    parser.add_argument("--data", type=Path, default=default_data(), help="the bench data folder (stores, results)")
    parser.add_argument("--reps", type=int, default=3, help="repetitions of each timed read (the median is shown)")
    parser.add_argument("--build-only", action="store_true", help="build the stores, time nothing")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite", help="see bench.scale_pg")
    parser.add_argument(
        "--only",
        choices=["reads"],
        help="reads: time the queue, findings, reports and coverage alone (no exports, first sync, load or submits)",
    )
    parser.add_argument("--warm", action="store_true", help="one untimed pass of the reads before the timed ones")
    parser.add_argument(
        "--from-sqlite",
        action="store_true",
        help="PostgreSQL: make each store by moving the SQLite bench's cached one with sync.migrate",
    )
    parser.add_argument(
        "--in-place", action="store_true", help="PostgreSQL, with --only reads: serve the built database, not a copy"
    )
    args = parser.parse_args()
    if args.in_place and args.only != "reads":
        parser.error("--in-place serves the built store itself: only with --only reads")
    shapes = [Shape(int(size)) for size in args.sizes.split(",")]
    if args.backend == "postgresql":
        from_sqlite = default_data() if args.from_sqlite else None  # the SQLite bench's cached stores
        if args.data == default_data():
            args.data = default_data_pg()
        with postgres_stores(args.data, from_sqlite=from_sqlite, in_place=args.in_place) as stores:
            measured(args, shapes, stores)
    else:
        measured(args, shapes, SqliteStores(args.data))


def measured(args: argparse.Namespace, shapes: list[Shape], stores: Stores) -> None:
    """Build, or build and time, the stores of ``shapes``; the table printed and written."""
    if args.build_only:
        for shape in shapes:
            stores.build(shape)
        return
    results = run(args.data, shapes, Shape(0), args.reps, stores, only=args.only, warm=args.warm)
    print(table(results))
    print(f"load average at the end: {load_average()}")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    document = json.dumps({"when": stamp, "results": results}, ensure_ascii=False, indent=1)
    # a partial run (``--only``) never stands as the latest full table
    names = [f"results-{stamp}-{args.only}.json"] if args.only else [f"results-{stamp}.json", "results-latest.json"]
    for name in names:
        (args.data / name).write_text(document)
    print(f"written: {args.data / names[0]}")


if __name__ == "__main__":
    main()
