"""The database schema, as migrations in code (sqlite-utils ``Migrations``), applied in order.

One module per stage of the schema. A migration is registered when its module is imported, and
the order of registration is the order of application, so the stages are imported here one by
one from ``STAGES`` (not by import statements, which a formatter may sort). The names already
recorded in databases must never change; a new stage gets a new module, added to ``STAGES`` last,
its migrations numbered after every earlier one (``tests/sync/db/migrations/test_registry.py`` holds it).
"""

from __future__ import annotations

from importlib import import_module

from sync.db.migrations.registry import migrations

STAGES = (
    "first_wave",  # m001–m006: accounts and sites, sync, evidence, findings, schedules, events
    "scale",  # m007–m012 (issue 13): facts, open actions, the device window, rollups, duplicate flags
    "security",  # m013–m014 (issue 14): login failures by client address, webhook delivery classifications
    "quotas",  # m015 (issue 14): who holds each blob's bytes, who added each evidence reference
    "audit",  # m017 (issue 14): the audit trail of administration
    "epochs",  # m020–m021 (issue 15): the database's epoch, restores, devices back and what they recovered
    "objects",  # m035 (issue 16): the bytes of an unfinished upload held in an object store
    "cluster",  # m050 (issue 16): job leases, so several app servers run each periodic job once
    "originals",  # m055 (issue 18): each light photo's chain of custody, linking it to its camera original
    "read_cost",  # m060–m061 (issue 13): district rollups, the overdue summary's covering indexes
    "voice",  # m070 (issue 18): voice memos on item notes, blobs of the kind audio
    "submit_cost",  # m075 (issue 13): an index no query reads dropped, so a submitted failure writes less
    "queue_cost",  # m080 (issue 13): the queue's walk of changes passes over other sites' rows in its index
    "repeat_cost",  # m085 (issue 13): a repeated failure found in the index of findings by site and item alone
    "export_cost",  # m090 (issue 13): the exports page through inspections in time order, not by site
    "coverage_cost",  # m095 (issue 13): each site's and checklist's first done inspection of every month, kept
    "period_cost",  # m100 (issue 13): a period's first done inspection read in the order asked, no sort
    "week_cost",  # m101 (issue 13): each site's and checklist's first done inspection of every ISO week, kept
    "conflict_cost",  # m105 (issue 13): the conflicts listing in pages, each read from an index in its order
    "directory_cost",  # m106 (issue 13): who ever inspected at each site, so the desk's names never read inspections
    "day_cost",  # m107 (issue 13): each site's and checklist's first done inspection of every day, kept
    "device_cost",  # m108 (issue 13): a user's live device tokens, from an index without the revoked ones
    "unread_indexes",  # m109 (issue 13): two indexes no query reads, dropped (open actions by item, conflicts by site)
)

for _stage in STAGES:
    import_module(f"{__name__}.{_stage}")

__all__ = ["STAGES", "migrations"]
