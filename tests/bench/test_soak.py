"""``bench.soak`` drives devices against a real server for a few seconds: every push and pull answered, ops applied."""

from __future__ import annotations

from typing import Any

import pytest

from bench.soak import OPS_PER_PUSH, Tally, main, percentiles


def test_a_short_soak_answers_every_push_and_pull_and_applies_every_op(capsys: pytest.CaptureFixture[str]) -> None:
    figures: dict[str, Any] = main(["--devices", "6", "--seconds", "3", "--think", "0.5"])
    tally: Tally = figures["tally"]
    assert tally.push and len(tally.pull) >= len(tally.push)
    assert set(tally.statuses) == {"200"}
    assert tally.outcomes == {"applied": len(tally.push) * OPS_PER_PUSH}
    assert set(figures["rss"]) == {"start", "end"} and all(kib > 0 for kib in figures["rss"].values())
    printed = capsys.readouterr().out
    for line in ("push  p50/p95/p99/max", "pull  p50/p95/p99/max", "pushes/s offered 12", "server RSS", "CPU"):
        assert line in printed


def test_percentiles_are_of_the_sorted_times_in_milliseconds() -> None:
    assert percentiles([]) == "none"
    assert percentiles([i / 1000 for i in range(100, 0, -1)]) == "51.0 / 96.0 / 100.0 / 100.0 ms"


def test_a_short_soak_on_postgresql_with_two_processes_sums_them(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--devices", "4", "--seconds", "3", "--think", "0.5", "--backend", "postgresql", "--workers", "2"]
    figures: dict[str, Any] = main(argv)
    tally: Tally = figures["tally"]
    assert set(tally.statuses) == {"200"}
    assert tally.outcomes == {"applied": len(tally.push) * OPS_PER_PUSH}
    assert figures["processes"] >= 3  # the parent and its two workers
    assert figures["cpu_database"] is not None and figures["cpu_database"] > 0  # our cluster did the writes
    printed = capsys.readouterr().out
    assert "server: postgresql, 2 process(es)" in printed
    assert f"server RSS (summed over its {figures['processes']} processes)" in printed
    assert ", PostgreSQL " in printed
