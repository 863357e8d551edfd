"""``bench.scale`` builds its stores through the engine, resumes them, and times every read it names."""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from pathlib import Path

import pytest

from bench.pg import Cluster
from bench.scale import run, table
from bench.scale_build import build
from bench.scale_city import Shape, store_path
from bench.scale_pg import PostgresStores
from sync.db.open import open_store as open_url
from sync.db.store import Store, open_store
from sync.engine import duplicate_flags, facts, rollups

TINY = Shape(60, districts=3, sites_per_district=3, inspectors=3, months=2)
EMPTY = Shape(0, districts=3, sites_per_district=3, inspectors=3, months=2)
ROWS = [
    "build rate (inspections/s)",
    "store size (MB)",
    "load average (1 min) at start",
    "queue, first page (admin)",
    "queue, first page (supervisor)",
    "queue, min_score=90 (admin)",
    "queue, verdict=fail (admin)",
    "queue, page 50 (admin)",
    "one inspection",
    "findings (admin)",
    "findings (supervisor)",
    "overdue summary (admin)",
    "events, first 500 (admin)",
    "due list (inspector)",
    "duplicates (admin)",
    "directory (supervisor)",
    "conflicts, first page, every status (admin)",
    "monthly report, district",
    "monthly report, organisation",
    "quarterly report, district",
    "quarterly report, organisation",
    "coverage, 12 months (supervisor)",
    "coverage, 12 months, weekly plans too (supervisor)",
    "coverage, 12 months, daily plans too (supervisor)",
    "answers CSV, one month (admin)",
    "answers CSV: rows",
    "answers CSV: µs per row",
    "first sync, inspector: MB on the wire (gzip, br)",
    "first sync, inspector: s (gzip, br)",
    "first sync, inspector: MB on the wire (identity)",
    "first sync, inspector: s (identity)",
    "health alone, p50",
    "health under load, p50",
    "health under load, p99",
    "submit 50 inspections, one push",
    "submit 50 inspections, empty store",
    "submit throughput vs empty store (ratio)",
    "server RSS (MB)",
    "server peak RSS (MB)",
    "load average (1 min) at end",
]
LAST_READ = "coverage, 12 months, daily plans too (supervisor)"
READS = ROWS[ROWS.index("queue, first page (admin)") : ROWS.index(LAST_READ) + 1]


def counts(path: Path) -> dict[str, int]:
    store = open_store(path.parent)
    try:
        queries = {
            "submitted": "SELECT count(*) FROM inspection WHERE status IN ('submitted', 'approved')",
            "approved": "SELECT count(*) FROM inspection WHERE status = 'approved'",
            "findings": "SELECT count(*) FROM finding",
            "verified": "SELECT count(*) FROM corrective_action WHERE status IN ('verified', 'closed')",
            "returned": "SELECT count(*) FROM op_log WHERE kind = 'transition' AND result_json LIKE '%applied%'"
            ' AND op_json LIKE \'%"to":"returned"%\'',
            "months": "SELECT count(DISTINCT substr(created_at, 1, 7)) FROM inspection",
        }
        return {name: store.db.execute(sql).fetchone()[0] for name, sql in queries.items()}
    finally:
        store.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bench data folder holding the tiny store, built once for this module."""
    data = tmp_path_factory.mktemp("bench-scale")
    build(data, TINY, say=lambda _: None)
    return data


def test_the_builder_makes_submitted_inspections_with_findings_reviews_and_verifications(built: Path) -> None:
    made = counts(store_path(built, TINY))
    assert made["submitted"] == TINY.inspections  # every one submitted (or approved since)
    assert 0 < made["approved"] < TINY.inspections
    assert made["findings"] > TINY.inspections  # about 2.5 failed items each
    assert made["verified"] > 0  # later inspections answered earlier failures as passing
    assert made["months"] >= 2  # created_at spreads over the simulated span, not the build's day
    progress = json.loads((store_path(built, TINY).parent / "progress.json").read_text())
    assert progress["inspections"] == TINY.inspections and progress["weeks_done"] == TINY.weeks


def test_a_built_store_carries_what_a_servers_first_start_would_add_so_a_copy_starts_at_once(built: Path) -> None:
    store = Store(store_path(built, TINY))
    try:
        marked = {row[0] for row in store.db.execute("SELECT key FROM server_meta")}
        assert {facts.BACKFILLED_KEY, rollups.BUILT_KEY, duplicate_flags.FLAGGED_KEY} <= marked
        with store.transaction() as conn:
            assert rollups.stored(conn) == rollups.computed(conn)  # the rollups kept by the pushes, as rebuilt
    finally:
        store.close()


def test_a_build_interrupted_mid_week_resumes_to_the_same_store(built: Path, tmp_path: Path) -> None:
    whole, broken = built, tmp_path / "broken"
    build(broken, TINY, say=lambda _: None)
    folder = store_path(broken, TINY).parent
    progress = json.loads((folder / "progress.json").read_text())
    progress["weeks_done"] -= 2  # the last two weeks replayed, as after a kill before progress was saved
    (folder / "progress.json").write_text(json.dumps(progress))
    build(broken, TINY, say=lambda _: None)
    assert counts(store_path(broken, TINY)) == counts(store_path(whole, TINY))
    ids = "SELECT id FROM inspection ORDER BY id"
    first, second = open_store(whole / TINY.name), open_store(folder)
    try:
        assert [r[0] for r in first.db.execute(ids)] == [r[0] for r in second.db.execute(ids)]
    finally:
        first.close()
        second.close()


def test_every_read_is_timed_and_printed_as_a_number(built: Path) -> None:
    results = run(built, [TINY], EMPTY, reps=1)
    figures = results[f"{TINY.inspections:,}"]
    assert list(figures) == ROWS
    assert all(isinstance(v, float) and math.isfinite(v) and v >= 0 for v in figures.values()), figures
    assert figures["answers CSV: rows"] > 0
    printed = table(results)
    assert all(name in printed for name in ROWS)


def test_only_reads_times_the_reads_alone_after_one_untimed_pass(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = run(built, [TINY], EMPTY, reps=1, only="reads", warm=True)
    figures = results[f"{TINY.inspections:,}"]
    assert list(figures) == [
        "load average (1 min) at start",
        *READS,
        "reads: seconds in all",
        "load average (1 min) at end",
    ]
    assert all(isinstance(v, float) and math.isfinite(v) and v >= 0 for v in figures.values()), figures
    assert "(one untimed pass first)" in capsys.readouterr().out
    assert not [p for p in built.iterdir() if p.name.startswith("run")]  # its working copy is gone


def test_on_postgresql_the_store_is_built_through_the_engine_and_every_read_timed_on_a_copy(tmp_path: Path) -> None:
    folder = Path(tempfile.mkdtemp(prefix="xunjian-scale-pg-"))  # the postgres user cannot reach tmp_path as root
    cluster = Cluster(folder, max_connections=60)
    try:
        stores = PostgresStores(tmp_path, cluster)
        results = run(tmp_path, [TINY], EMPTY, reps=1, stores=stores)
        figures = results[f"{TINY.inspections:,}"]
        assert list(figures) == ROWS
        assert all(isinstance(v, float) and math.isfinite(v) and v >= 0 for v in figures.values()), figures
        assert figures["store size (MB)"] > 0
        built = open_url(cluster.url(PostgresStores.database(TINY)))
        try:  # the built database holds the city's inspections; the served copies added theirs elsewhere
            submitted = "SELECT count(*) FROM inspection WHERE status IN ('submitted', 'approved')"
            assert built.db.execute(submitted).fetchone()[0] == TINY.inspections
        finally:
            built.close()
        with cluster.admin() as conn:
            names = {str(r[0]) for r in conn.execute("SELECT datname FROM pg_database WHERE NOT datistemplate")}
        assert names == {"postgres", PostgresStores.database(TINY), PostgresStores.database(EMPTY)}  # copies dropped
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_on_postgresql_a_store_moved_from_the_cached_sqlite_one_holds_its_records(built: Path, tmp_path: Path) -> None:
    folder = Path(tempfile.mkdtemp(prefix="xunjian-scale-pg-"))
    cluster = Cluster(folder, max_connections=60)
    try:
        stores = PostgresStores(tmp_path, cluster, from_sqlite=built, in_place=True)
        results = run(tmp_path, [TINY], EMPTY, reps=1, stores=stores, only="reads")
        figures = results[f"{TINY.inspections:,}"]
        assert all(isinstance(v, float) and math.isfinite(v) and v >= 0 for v in figures.values()), figures
        ids = "SELECT id, status FROM inspection ORDER BY id"
        moved, cached = open_url(cluster.url(PostgresStores.database(TINY))), open_store(built / TINY.name)
        try:  # the same inspections as the SQLite store built through the engine
            assert [tuple(r) for r in moved.db.execute(ids)] == [tuple(r) for r in cached.db.execute(ids)]
        finally:
            moved.close()
            cached.close()
        assert (tmp_path / TINY.name / "city.json").read_text() == (built / TINY.name / "city.json").read_text()
        with cluster.admin() as conn:
            names = {str(r[0]) for r in conn.execute("SELECT datname FROM pg_database WHERE NOT datistemplate")}
        assert names == {"postgres", PostgresStores.database(TINY)}  # reads alone: no copy, no empty store
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
