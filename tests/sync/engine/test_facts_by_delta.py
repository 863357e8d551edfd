"""Facts written by difference (answers scored only when they change; a move writes the status alone) equal the
facts computed from scratch from every document, after random edits, moves, deletions and reworks."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.scoring import answer_outcomes, score_outcomes
from sync.db.store import Store, open_store
from sync.engine import rollups
from sync.engine.document import answers_of
from sync.engine.facts import period_keys
from sync.engine.rows import rows_where
from tests.sync.engine.test_rollups import Desk, run, work_step
from tests.sync.office import new_office
from tests.sync.review.field_work import FieldWork
from tests.sync.review.random_work import CATALOG

answer = st.sampled_from(["pass", "fail", "na"])
edit_step = st.tuples(
    st.just("edit"), st.integers(0, 40), answer, st.integers(-40, 5), st.sampled_from(["", "备注", "备注二"])
)
move_step = st.tuples(st.just("move"), st.integers(0, 40), st.sampled_from(["returned", "approved", "rejected"]))
delete_step = st.tuples(st.just("delete"), st.integers(0, 40))
rework_step = st.tuples(st.just("rework"), st.integers(0, 40), st.sampled_from(["pass", "fail"]), st.integers(0, 30))
steps = st.lists(
    st.one_of(work_step, work_step, edit_step, edit_step, move_step, delete_step, rework_step), max_size=14
)


def oracle(store: Store) -> tuple[dict[str, tuple[Any, ...]], dict[tuple[str, str], tuple[Any, ...]]]:
    """Every inspection's facts and failed items from its document, by ``schemas.scoring``'s own definition."""
    facts, failures = {}, {}
    for row in rows_where(store.db, "1 = 1", []):
        template = CATALOG.get(row.checklist_id, row.version)
        assert template is not None
        outcomes = list(answer_outcomes(template, answers_of(row.doc)))
        score = score_outcomes(template, outcomes)
        failed = [a for a in outcomes if a.outcome == "fail"]
        facts[row.id] = (
            row.site_id,
            row.status,
            *period_keys(row.created_at),
            None if score.score is None else round(score.score * 10),
            None if score.passed is None else int(score.passed),
            len(score.failed_critical),
            len(failed),
        )
        for path, count in Counter(a.item_path for a in failed).items():
            item = next(a.item for a in failed if a.item_path == path)
            failures[(row.id, path)] = (item.clause, item.severity, count)
    return facts, failures


def stored(store: Store) -> tuple[dict[str, tuple[Any, ...]], dict[tuple[str, str], tuple[Any, ...]]]:
    facts = {
        r[0]: tuple(r[1:])
        for r in store.db.execute(
            "SELECT inspection_id, site_id, status, china_day, china_month, china_quarter, score_tenths, verdict,"
            " failed_critical, failed_answers FROM inspection_fact"
        )
    }
    failures = {
        (r[0], r[1]): tuple(r[2:])
        for r in store.db.execute("SELECT inspection_id, item_path, clause, severity, count FROM inspection_failure")
    }
    return facts, failures


def nth(store: Store, k: int, statuses: tuple[str, ...]) -> str | None:
    marks = ",".join("?" * len(statuses))
    found = [
        r[0]
        for r in store.db.execute(f"SELECT id FROM inspection WHERE status IN ({marks}) ORDER BY created_seq", statuses)
    ]
    return found[k % len(found)] if found else None


def step_on(work: FieldWork, desk: Desk, step: tuple[Any, ...]) -> None:
    """Edit a draft or returned inspection's answers, move a submitted one, delete a draft; or the shared steps."""
    if step[0] == "edit":
        _, k, licence, temp, note = step
        target = nth(work.store, k, ("draft", "returned"))
        if target is not None:
            work.edit(target, {"licence": licence, "frozen_temp": temp, "notes": note or None}, desk.after(1))
    elif step[0] == "move":
        target = nth(work.store, step[1], ("submitted",))
        if target is not None:
            work.review(target, step[2], desk.after(1))
    elif step[0] == "delete":
        target = nth(work.store, step[1], ("draft",))
        if target is not None:
            work.delete(target, desk.after(1))
    else:
        run(work, work.store, work.office, desk, step)
    desk.at += timedelta(seconds=2)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_facts_kept_by_difference_equal_facts_computed_from_every_document(step_list: list[Any]) -> None:
    store = open_store(None)
    try:
        office = new_office(store, PasswordHasher(time_cost=1, memory_cost=1024))
        work, desk = FieldWork(store, CATALOG, office), Desk()
        for step in step_list:
            step_on(work, desk, step)
            assert stored(store) == oracle(store)
            assert rollups.stored(store.db) == rollups.computed(store.db)
    finally:
        store.close()
