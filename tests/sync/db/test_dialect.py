"""Sequences read "after N" (the op log, the event feed) are gap-free in commit order, with two stores writing at once.

Two stores on one database stand for two app servers. Writer threads on both append ops (numbers
taken as ``last_seq + 1``) and events (numbered by the database) and linger before committing;
a puller reads "after the last number I saw" meanwhile and must, at the end, have seen every one.
On PostgreSQL this holds only because each appending transaction takes the sequence lock
(``sync.db.dialect.lock_sequence``) before taking a number: without it, two writers take the same
op number (one fails), and an event numbered 102 can commit and be pulled before 101.

The spelling tests below hold ``to_postgresql`` to changing each statement only where the dialects
differ; the last one runs on either backend: the same rows through SQLite's lists and PostgreSQL's arrays.
"""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

from sync.clock import now_iso
from sync.db.dialect import ANY_FROM, SCORE_AT_LEAST, SCORE_AT_MOST, VERDICT_IS, to_postgresql, to_postgresql_call
from sync.db.open import open_store
from sync.db.store import Store
from sync.engine.oplog import last_seq, server_op, write_ops
from sync.feed.events import emit

WRITERS_PER_STORE = 4
WRITES_PER_WRITER = 15


def _append(store: Store, rng: random.Random) -> None:
    with store.transaction() as conn:
        op = server_op(last_seq(conn) + 1, "inspection-1", "note", {}, {}, "user-1", now_iso())
        write_ops(conn, [op])
        emit(conn, "org-1", "inspection.submitted", "site-1", inspection_id="inspection-1")
        time.sleep(rng.random() / 100)  # linger before COMMIT: another writer may take the next number meanwhile


def _pull(store: Store, table: str, stop: threading.Event, seen: list[int]) -> None:
    after = 0
    while True:
        last_round = stop.is_set()
        rows = store.db.execute(f"SELECT seq FROM {table} WHERE seq > ? ORDER BY seq", [after]).fetchall()
        for (seq,) in rows:
            seen.append(seq)
            after = seq
        if last_round:
            return


def test_concurrent_writers_on_two_stores_never_let_a_puller_skip_a_number(tmp_path: Path, database_url: str) -> None:
    stores = [open_store(database_url, tmp_path / "data") for _ in range(2)]
    errors: list[BaseException] = []

    def writer(store: Store, seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(WRITES_PER_WRITER):
                _append(store, rng)
        except BaseException as exc:  # a duplicate op number, say
            errors.append(exc)

    stop = threading.Event()
    seen: dict[str, list[int]] = {"op_log": [], "event": []}
    pullers = [threading.Thread(target=_pull, args=[stores[1], table, stop, seen[table]]) for table in seen]
    writers = [
        threading.Thread(target=writer, args=[store, n * 10 + i])
        for n, store in enumerate(stores)
        for i in range(WRITERS_PER_STORE)
    ]
    try:
        for thread in pullers + writers:
            thread.start()
        for thread in writers:
            thread.join()
        stop.set()
        for thread in pullers:
            thread.join()
        assert errors == []
        total = 2 * WRITERS_PER_STORE * WRITES_PER_WRITER
        for table, pulled in seen.items():
            committed = [row[0] for row in stores[0].db.execute(f"SELECT seq FROM {table} ORDER BY seq").fetchall()]
            assert len(committed) == total
            assert pulled == committed, f"the puller of {table} skipped {sorted(set(committed) - set(pulled))}"
        assert seen["op_log"] == list(range(1, total + 1))  # op numbers: no gap at all
    finally:
        for store in stores:
            store.close()


def test_placeholders_the_user_table_and_functions_take_postgresqls_spelling() -> None:
    sql = "SELECT group_concat(u.id), json_object('a', x) FROM user u WHERE u.name = ? AND u.note LIKE '%?%'"
    assert to_postgresql(sql) == (
        "SELECT string_agg(u.id, ','), json_build_object('a', x)::text FROM \"user\" u"
        " WHERE u.name = %s AND u.note LIKE '%%?%%'"
    )


def test_the_queues_score_filters_are_plain_conditions_on_postgresql() -> None:
    # PostgreSQL estimates these from its statistics and reads the queue in its order; coalesce hid them
    where = f"{SCORE_AT_LEAST} AND {SCORE_AT_MOST} AND {VERDICT_IS}"
    assert to_postgresql(where) == "f.score_tenths >= %s AND f.score_tenths <= %s AND f.verdict = %s"


def test_long_in_lists_go_as_one_array_and_short_ones_as_they_are() -> None:
    sites = [f"site-{n}" for n in range(ANY_FROM)]
    marks = ",".join("?" * len(sites))
    sql = f"SELECT id FROM inspection WHERE org_id = ? AND site_id IN ({marks}) AND status IN (?, ?) AND n > ?"
    assert to_postgresql_call(sql, ["org", *sites, "a", "b", 3]) == (
        "SELECT id FROM inspection WHERE org_id = %s AND site_id = ANY(%s) AND status IN (%s, %s) AND n > %s",
        ["org", sites, "a", "b", 3],
    )
    excluded = f"SELECT 1 WHERE x NOT IN ({marks}) AND y IN ({marks}) AND note = 'IN ({marks})'"
    assert to_postgresql_call(excluded, [*sites, *sites]) == (
        f"SELECT 1 WHERE x <> ALL(%s) AND y = ANY(%s) AND note = 'IN ({marks})'",
        [sites, sites],
    )
    named = f"SELECT 1 WHERE x IN ({marks}) AND y = :y"  # a mapping of parameters is left alone
    assert to_postgresql_call(named, {"y": 1})[1] == {"y": 1}


def test_a_scope_as_one_array_reads_the_same_rows(store: Store) -> None:
    with store.transaction() as conn:
        conn.execute("CREATE TABLE scope_probe (id TEXT PRIMARY KEY, n INTEGER)")
        conn.executemany("INSERT INTO scope_probe VALUES (?, ?)", [(f"s{n}", n) for n in range(40)])
    wanted = [f"s{n}" for n in range(0, 40, 3)]
    sql = f"SELECT id FROM scope_probe WHERE id IN ({','.join('?' * len(wanted))}) AND n < ? ORDER BY n"
    assert [r[0] for r in store.db.execute(sql, [*wanted, 30])] == [f"s{n}" for n in range(0, 30, 3)]
    numbers = list(range(0, 40, 5))
    sql = f"SELECT count(*) FROM scope_probe WHERE n NOT IN ({','.join('?' * len(numbers))})"
    with store.transaction() as conn:
        assert conn.execute(sql, numbers).fetchone()[0] == 40 - len(numbers)
