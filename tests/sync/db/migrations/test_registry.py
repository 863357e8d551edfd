"""The migrations apply in the order of their numbers, each stage's after the stages before it."""

from __future__ import annotations

import re
from pathlib import Path

import sqlite_utils

from sync.db.migrations import STAGES, migrations

PACKAGE = Path(__file__).parents[4] / "sync" / "db" / "migrations"


def names() -> list[str]:
    return [migration.name for migration in migrations._migrations]


def test_migrations_register_in_the_order_of_their_numbers() -> None:
    numbers = [int(re.fullmatch(r"m(\d{3})_\w+", name).group(1)) for name in names()]  # type: ignore[union-attr]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == len(numbers)
    assert names()[0].startswith("m001_")


def test_every_stage_module_is_imported_by_the_package() -> None:
    modules = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__", "registry"}
    assert set(STAGES) == modules


def test_a_new_database_applies_every_migration_in_that_order(tmp_path: Path) -> None:
    db = sqlite_utils.Database(tmp_path / "x.db")
    migrations.apply(db)
    applied = [row["name"] for row in db.query("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    assert applied == names()
