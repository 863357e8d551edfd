"""The scale bench's stores: a city's submitted inspections, built through the real sync engine.

:func:`build` fills ``<data>/<size>-v<SHAPE_VERSION>/xunjian.db`` (the folder a server takes as
``XUNJIAN_DATA_DIR``) with a city (:class:`Shape`): districts, supermarkets, an inspector for every
few sites, a supervisor per district, one admin. Time runs through ``months`` months in weeks; each
week's inspections go to their sites' inspectors, who push them in batches of up to 50 (``create`` →
``set`` of every visible answer, about 2.5 failed items, a few critical → ``sign`` → submit) with
``apply_push``, the week's time as the server's clock, so ``created_at`` and the findings' dates spread
over the months. Later inspections that answer an earlier failed item as passing verify its action
(the engine does it). Then the district supervisors return a few (``apply_server_op``, as the review
route does) that the inspectors correct and submit again, approve most (one push of approvals per
supervisor and week), and some actions get fix reports and closures (``sync.review.actions``).

Everything is drawn from a seeded RNG per week and every id is derived from it, so a week replayed
after an interruption sends the same ops: pushes answer them from the op log, and the other steps
skip what is already done. ``progress.json`` records the weeks finished and the clients' sequences;
a later run resumes after the last week it records. No SQL copies anything.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.scale_city import (
    BATCH,
    CHINA,
    WEEK_MS,
    City,
    Progress,
    Shape,
    SimClock,
    det_uuid4,
    det_uuid7,
    folder_of,
    make_city,
    simulated,
    user_of,
)
from bench.scale_ops import (
    SIGNED,
    Answers,
    Made,
    answer_plan,
    draw_answers,
    inspection_ops,
    numbered,
    signature,
    weak_items,
)
from schemas.catalog import Catalog, load_catalog
from sync.db.open import open_store
from sync.db.store import Store
from sync.engine import duplicate_flags, facts, rollups
from sync.engine.document import answers_of
from sync.engine.ops import Op, PushBatch, SetAnswers, Sign, Transition, make_hlc
from sync.engine.rows import load_row
from sync.errors import DomainError
from sync.push import apply_push, apply_server_op
from sync.review.actions import Closure, FixReport, close_action, report_fix

# ---- one week ----


class Week:
    """One week's work, all of it drawn from the week's own RNG."""

    def __init__(
        self, store: Store, catalog: Catalog, plan: Answers, shape: Shape, city: City, n: int, progress: Progress
    ) -> None:
        self.store, self.catalog, self.plan, self.shape, self.city = store, catalog, plan, shape, city
        self.progress = progress
        self.rng = random.Random(f"{shape.seed}:week:{n}")
        self.start = city.start_ms + n * WEEK_MS
        first, last = shape.inspections * n // shape.weeks, shape.inspections * (n + 1) // shape.weeks
        self.count = last - first
        self.submitted: list[tuple[str, int]] = []  # (inspection id, site index)

    def client(self, username: str) -> str:
        return det_uuid4(f"{self.shape.seed}:client:{username}")

    def ops_for(self, username: str, made: list[Made]) -> list[Op]:
        """Ops with the user's next client sequences."""
        seq = self.progress.next_seq.get(username, 1)
        self.progress.next_seq[username] = seq + len(made)
        return numbered(self.rng, made, seq)

    def push(self, clock: SimClock, username: str, ops: list[Op], now_ms: int) -> None:
        clock.ms = now_ms
        user = user_of(self.city, username)
        result = apply_push(
            self.store, self.catalog, user, "bench", PushBatch(self.client(username), ops), now_ms=now_ms
        )
        refused = [r for r in result.results if r.outcome not in ("applied", "merged")]
        assert not refused, refused[:2]

    def inspections(self, clock: SimClock) -> None:
        """This week's inspections, pushed by their inspectors in batches of up to 50, oldest batch first."""
        drawn: dict[int, list[tuple[int, int, dict[str, Any]]]] = {}
        for _ in range(self.count):
            site = self.rng.randrange(len(self.city.sites))
            millis = self.start + self.rng.randrange(WEEK_MS - 3_600_000)
            weak = weak_items(self.plan, self.shape, site)
            drawn.setdefault(self.city.site_inspector[site], []).append(
                (millis, site, draw_answers(self.plan, self.rng, weak))
            )
        batches = []
        for inspector, work in drawn.items():
            work.sort(key=lambda w: w[0])
            batches += [
                (chunk[-1][0], inspector, chunk) for chunk in (work[i : i + BATCH] for i in range(0, len(work), BATCH))
            ]
        for last, inspector, chunk in sorted(batches, key=lambda b: b[0]):
            username = self.city.inspectors[inspector]
            made: list[Made] = []
            for millis, site, answers in chunk:
                inspection_id = det_uuid7(self.rng, millis)
                made += inspection_ops(self.plan, self.city.sites[site], inspection_id, answers, username, millis)
                self.submitted.append((inspection_id, site))
            self.push(clock, username, self.ops_for(username, made), last + 60_000)

    def reviews(self, clock: SimClock) -> None:
        """Returns (corrected and submitted again), then approvals, one push per district supervisor."""
        end = self.start + WEEK_MS - 1_800_000
        clock.ms = end
        returned = [(i, s) for i, s in self.submitted if self.rng.random() < self.shape.returned]
        for inspection_id, site in returned:
            boss = user_of(self.city, self.city.supervisors[site // self.shape.sites_per_district])
            op_id = det_uuid7(self.rng, end)
            if self.store.db.execute("SELECT 1 FROM op_log WHERE op_id = ?", [op_id]).fetchone():
                continue
            back = Transition(
                op_id=op_id,
                client_seq=1,
                inspection_id=inspection_id,
                hlc=make_hlc(end),
                to="returned",
                reason="请补充整改说明",
            )
            apply_server_op(self.store, self.catalog, boss, back, now_ms=end)
        for inspection_id, site in returned:
            username = self.city.inspectors[self.city.site_inspector[site]]
            row = load_row(self.store.db.conn, inspection_id)
            assert row is not None
            base = {"inspector_remarks": row.doc.fields["inspector_remarks"].fv}
            remark = {"inspector_remarks": "已补充整改说明。"}
            signed_now = signature(self.plan, {**answers_of(row.doc), **remark}, username)
            signed = {"path": SIGNED, "value": signed_now, "base_fv": row.doc.fields[SIGNED].fv}
            made: list[Made] = [
                (SetAnswers, end + 60_000, {"inspection_id": inspection_id, "answers": remark, "base": base}),
                (Sign, end + 60_001, {"inspection_id": inspection_id, **signed}),
                (Transition, end + 60_002, {"inspection_id": inspection_id, "to": "submitted"}),
            ]
            self.push(clock, username, self.ops_for(username, made), end + 120_000)
        approvals: dict[int, list[Made]] = {}
        for inspection_id, site in self.submitted:
            if self.rng.random() < self.shape.approved:
                district = site // self.shape.sites_per_district
                approvals.setdefault(district, []).append(
                    (Transition, end + 180_000, {"inspection_id": inspection_id, "to": "approved"})
                )
        for district, made in sorted(approvals.items()):
            username = self.city.supervisors[district]
            for start in range(0, len(made), 500):
                self.push(clock, username, self.ops_for(username, made[start : start + 500]), end + 240_000)

    def actions(self, clock: SimClock) -> None:
        """Fix reports on some open actions from this week; closures of a few verified ones."""
        clock.ms = self.start + WEEK_MS - 600_000
        today = (datetime.fromtimestamp(clock.ms / 1000, UTC) + CHINA).date()
        for inspection_id, site in self.submitted:
            if self.rng.random() >= self.shape.fixed:
                continue
            found = self.store.db.execute(
                "SELECT f.id FROM finding f JOIN corrective_action a ON a.finding_id = f.id"
                " WHERE f.inspection_id = ? AND a.status = 'open' ORDER BY f.id LIMIT 1",
                [inspection_id],
            ).fetchone()
            if found:
                who = user_of(self.city, self.city.inspectors[self.city.site_inspector[site]])
                with suppress(DomainError):  # a replayed week finds it done
                    report_fix(self.store, who, found[0], FixReport("已整改。"), today=today)
        sites = {site for _, site in self.submitted}
        for site in sorted(sites)[: self.shape.closed_per_week]:
            found = self.store.db.execute(
                "SELECT f.id FROM finding f JOIN corrective_action a ON a.finding_id = f.id"
                " WHERE f.site_id = ? AND a.status = 'verified' LIMIT 1",
                [self.city.sites[site]],
            ).fetchone()
            if found:
                boss = user_of(self.city, self.city.supervisors[site // self.shape.sites_per_district])
                with suppress(DomainError):
                    close_action(self.store, boss, found[0], Closure("复查合格,关闭。"), today=today)


# ---- the build ----


def _load(path: Path, kind: type[Any]) -> Any:
    return kind(**json.loads(path.read_text())) if path.exists() else None


def _save(path: Path, value: Any) -> None:
    temp = path.with_suffix(".tmp")
    temp.write_text(json.dumps(asdict(value), ensure_ascii=False))
    temp.replace(path)


def start_of_span(shape: Shape) -> int:
    """The first week's start: ``months`` months of whole weeks before today (China), at midnight."""
    today = (datetime.now(UTC) + CHINA).date()
    first = today - timedelta(days=shape.weeks * 7)
    return int(datetime(first.year, first.month, first.day, tzinfo=UTC).timestamp() * 1000) - 8 * 3_600_000


def build(data: Path, shape: Shape, *, say: Callable[[str], None] = print, url: str = "") -> City:
    """Build (or finish building) the store of ``shape`` under ``data``; returns its city.

    With ``url`` the records go to that database (PostgreSQL: :mod:`bench.scale_pg`), ``data`` keeping
    the city and the progress only.
    """
    folder = folder_of(data, shape)
    folder.mkdir(parents=True, exist_ok=True)
    # The build needs no durability per push (a week interrupted is replayed), so no fsync per commit;
    # the server that reads the store later opens it with its own settings.
    store = open_store(url) if url else Store(folder / "xunjian.db", durable=False)
    catalog = load_catalog()
    try:
        city: City | None = _load(folder / "city.json", City)
        if city is None:
            city = make_city(store, shape, start_of_span(shape))
            _save(folder / "city.json", city)
        progress = _load(folder / "progress.json", Progress) or Progress()
        _weeks(store, catalog, shape, city, progress, folder, say)
        # What a server's first start does to a store made before its markers (server.startup): done
        # here once, so a server on a copy starts at once instead of rebuilding every rollup (a
        # quarter of a gigabyte of WAL at 1M, copied back while the timed reads run).
        facts.backfill(store, catalog)
        rollups.backfill(store)
        duplicate_flags.backfill(store)
    finally:
        store.close()
    return city


def _weeks(
    store: Store,
    catalog: Catalog,
    shape: Shape,
    city: City,
    progress: Progress,
    folder: Path,
    say: Callable[[str], None],
) -> None:
    plan, clock = answer_plan(catalog), SimClock()
    if progress.weeks_done >= shape.weeks:
        return
    if not shape.inspections:  # the empty store: the city alone
        progress.weeks_done = shape.weeks
        _save(folder / "progress.json", progress)
        return
    say(f"building {shape.name}: {shape.inspections:,} inspections, week {progress.weeks_done + 1} of {shape.weeks}")
    with simulated(clock):
        for n in range(progress.weeks_done, shape.weeks):
            started = time.perf_counter()
            saved = dict(progress.next_seq)
            week = Week(store, catalog, plan, shape, city, n, progress)
            try:
                week.inspections(clock)
                week.reviews(clock)
                week.actions(clock)
            except BaseException:
                progress.next_seq = saved
                raise
            progress.weeks_done, progress.inspections = n + 1, progress.inspections + week.count
            progress.seconds += time.perf_counter() - started
            _save(folder / "progress.json", progress)
            if (n + 1) % 4 == 0 or n + 1 == shape.weeks:
                rate = progress.inspections / progress.seconds if progress.seconds else 0.0
                say(f"  week {n + 1}/{shape.weeks}: {progress.inspections:,} inspections, {rate:,.0f} inspections/s")


def build_rate(data: Path, shape: Shape) -> float:
    """Inspections per second over the whole build, as ``progress.json`` records it."""
    progress = _load(folder_of(data, shape) / "progress.json", Progress)
    return progress.inspections / progress.seconds if progress and progress.seconds else 0.0


def span_days(city: City) -> date:
    """The China date of the span's first day."""
    return (datetime.fromtimestamp(city.start_ms / 1000, UTC) + CHINA).date()
