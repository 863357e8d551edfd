"""``sync.db.dialect.to_postgresql``: each statement written once in SQLite's spelling, changed only where they differ.

The last test runs on either backend (the ``store`` fixture): the same rows through SQLite's lists and
PostgreSQL's arrays.
"""

from __future__ import annotations

from sync.db.dialect import ANY_FROM, SCORE_AT_LEAST, SCORE_AT_MOST, VERDICT_IS, to_postgresql, to_postgresql_call
from sync.db.store import Store


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
