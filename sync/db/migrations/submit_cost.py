"""m075 (issue 13, submits at 1M): a submitted failure goes into one index fewer.

``finding_org_site`` (organisation, site, sequence) had no reader left: the organisation's findings
are walked newest first by ``finding_org_newest``, a site's by ``finding_site_newest``, an item's
at a site by ``finding_site_item``. Every finding recorded still paid for it, on a page of its own
in a large database.
"""

from __future__ import annotations

import sqlite_utils

from sync.db.migrations.registry import migrations


@migrations()
def m075_finding_index_unread(db: sqlite_utils.Database) -> None:
    """Drop ``finding_org_site``, which no query reads (see the module docstring)."""
    db.execute("DROP INDEX IF EXISTS finding_org_site")
