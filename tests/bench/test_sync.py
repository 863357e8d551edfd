"""``bench.sync`` keeps measuring what it says: its pushes are all applied, its edits all merged."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

import bench.sync
from bench.backend import Backend
from bench.merge import bench_merge
from bench.scale_ops import SIGNED
from bench.sync import answers_for, bench_engine, push_bodies, push_xunjian, submitted_docs
from schemas.catalog import load_catalog
from sync.clock import uuid7
from sync.engine.ops import Create, SetAnswers, Sign, Transition, push_decoder


def test_the_bench_pushes_whole_inspections_as_the_app_does(tmp_path: Path) -> None:
    template = load_catalog().get("supermarket_service", 1)
    assert template is not None
    docs = [answers_for(template, n) for n in range(120)]
    ids = [uuid7() for _ in docs]
    bodies = push_bodies(docs, ids, "site")
    assert len(bodies) == 3  # 50 documents a batch
    first = push_decoder.decode(bodies[0])
    sets = [op for op in first.ops if isinstance(op, SetAnswers)]
    assert [op.answers for op in sets] == docs[:50]
    assert [op.client_seq for op in first.ops] == list(range(1, 101))
    # every op applied (bench_engine asserts it) through the same code as the server
    assert bench_engine(docs, ids, tmp_path) > 0


def test_submitted_inspections_are_pushed_whole_and_every_op_applied(tmp_path: Path) -> None:
    docs = submitted_docs(60)
    ids = [uuid7() for _ in docs]
    first = push_decoder.decode(push_bodies(docs, ids, "site")[0])
    assert [type(op) for op in first.ops[:4]] == [Create, SetAnswers, Sign, Transition]
    assert len(first.ops) == 200  # four ops for each of 50 inspections
    sign, submit = first.ops[2], first.ops[3]
    assert isinstance(sign, Sign) and sign.value == docs[0][SIGNED]
    assert isinstance(submit, Transition) and submit.to == "submitted"
    # every op applied (bench_engine asserts it): the signature fits the answers, the submit is complete
    assert bench_engine(docs, ids, tmp_path) > 0


def test_the_merge_bench_merges_its_edits_into_each_store(tmp_path: Path) -> None:
    template = load_catalog().get("supermarket_service", 1)
    assert template is not None
    small, large = bench_merge(template, answers_for(template, 1), (5, 40), tmp_path, edits=20)
    assert small > 0 and large > 0


def test_with_backend_postgresql_and_two_workers_the_pushes_go_to_postgresql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = load_catalog().get("supermarket_service", 1)
    assert template is not None
    docs = [answers_for(template, n) for n in range(60)]
    ids = [uuid7() for _ in docs]
    with Backend("postgresql") as backend:
        assert backend.cluster is not None
        monkeypatch.setattr(bench.sync, "UNDER", [backend])
        monkeypatch.setattr(bench.sync, "WORKERS", [2])
        # every op applied (both assert it): over HTTP to two worker processes, then in process
        assert push_xunjian(docs, ids, tmp_path / "http") > 0
        assert bench_engine(docs, ids, tmp_path / "engine") > 0
        with backend.cluster.admin() as conn:
            databases = [
                str(r[0])
                for r in conn.execute(
                    "SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres'"
                )
            ]
        assert len(databases) == 2  # a fresh database for the server and one for the engine
        for name in databases:
            with psycopg.connect(backend.cluster.url(name)) as conn:
                row = conn.execute("SELECT count(*) FROM inspection").fetchone()
                assert row is not None and row[0] >= len(docs)
