"""``bench.backends`` runs the sync bench's pushes and a pull on SQLite and on PostgreSQL with several app
processes, and prints one row per contender."""

from __future__ import annotations

import re

import pytest

from bench.backends import Contender, main, parse_configs, split


def test_a_tiny_matrix_pushes_and_pulls_on_sqlite_and_on_postgresql_with_two_processes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    contenders = main(
        ["--docs", "120", "--clients", "2", "--rounds", "1", "--configs", "sqlite:1,postgresql:2", "--no-pouchdb"]
    )
    # every push answered 200 with every op applied, and the pull read every document (the bench asserts both)
    assert [(c.name, c.processes, len(c.runs)) for c in contenders] == [("sqlite", 1, 1), ("postgresql", 2, 1)]
    for contender in contenders:
        run = contender.runs[0]
        assert run.push > 0 and run.pull > 0 and run.cpu_ms_per_doc is not None and run.cpu_ms_per_doc > 0
        assert len(run.times) == 3  # 120 documents: three batches of at most 50
    printed = capsys.readouterr().out
    assert "PouchDB-server: skipped: --no-pouchdb" in printed
    rows = {tuple(line.split()[:2]) for line in printed.splitlines() if re.match(r"(sqlite|postgresql)\s+\d", line)}
    assert rows == {("sqlite", "1"), ("postgresql", "2")}
    sqlite_row = next(line for line in printed.splitlines() if line.startswith("sqlite "))
    assert sqlite_row.split()[-2:] == ["1.00", "—"]  # its own ratio to SQLite-1; no PouchDB in this run
    assert "load average at the end" in printed


def test_the_documents_are_shared_out_in_whole_batches() -> None:
    docs = [{"n": n} for n in range(230)]
    ids = [str(n) for n in range(230)]
    shares = split(docs, ids, 3)
    assert [len(d) for d, _ in shares] == [100, 100, 30]  # five batches: 2, 2, 1
    assert [i for _, named in shares for i in named] == ids
    assert len(split(docs[:40], ids[:40], 4)) == 1  # fewer batches than clients: no empty shares


def test_configs_name_a_backend_and_its_processes() -> None:
    assert parse_configs("sqlite:1, postgresql:4,postgresql") == [("sqlite", 1), ("postgresql", 4), ("postgresql", 1)]
    assert Contender("pouchdb", 1).runs == []
