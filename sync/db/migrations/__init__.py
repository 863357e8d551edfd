"""The database schema, as migrations in code (sqlite-utils ``Migrations``), applied in order.

One module per stage of the schema, imported here in order, since a migration is registered when
its module is imported and the names already recorded in databases must never change:
``first_wave`` (m001–m006), ``scale`` (m007–m012), ``quotas`` (m015–m016). A new stage gets a new module, imported last.
"""

from __future__ import annotations

from sync.db.migrations import first_wave, scale

# isort: split
from sync.db.migrations import quotas  # after scale: registration order is migration order
from sync.db.migrations.registry import migrations

__all__ = ["first_wave", "migrations", "quotas", "scale"]
