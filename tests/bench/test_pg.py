"""``bench.pg``: a kept cluster keeps its databases between runs, and a run that finds it running shares it."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from bench.pg import Cluster


@pytest.fixture
def kept() -> Iterator[Path]:
    """A folder the ``postgres`` user can reach (``tmp_path`` is under root's private folder when root)."""
    folder = Path(tempfile.mkdtemp(prefix="xunjian-kept-pg-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_kept_cluster_keeps_its_databases_and_is_shared_while_running(kept: Path) -> None:
    first = Cluster(kept, max_connections=20)
    first.create(name="built")
    with first.admin() as conn:
        conn.execute('CREATE DATABASE "copy" TEMPLATE "built"')  # what the scale bench serves
    second = Cluster(kept, max_connections=20)  # another run while the first runs: the same server
    assert second.port == first.port and second.server_pid() == first.server_pid()
    with psycopg.connect(second.url("built")):
        first.stop()  # the second run is still connected: left running
        assert second.exists("built")
    second.stop()  # the last one: stopped
    assert not (kept / "data" / "postmaster.pid").exists()
    third = Cluster(kept, max_connections=20)  # started again on the same folder
    try:
        assert third.exists("built") and third.exists("copy") and third.size_mb("built") > 0
    finally:
        third.stop()


def test_a_throwaway_cluster_is_removed_when_it_stops() -> None:
    cluster = Cluster(fast=True, max_connections=20)
    folder = cluster.folder
    assert cluster.exists("postgres")
    cluster.stop()
    assert not folder.exists()
