"""The report rollups, as migration ``m011_report_rollups`` creates them: a period's sums per site and China month.

Reports cover whole months (a month or a quarter), so they add up these rows instead of every
inspection of the period. Kept current by deltas in the transaction of every change that moves
them (:mod:`sync.engine.rollups`); only the *done* inspections (``submitted``, ``returned``,
``approved``) count, and a row whose count falls to zero is deleted.

* ``rollup_total``: per site, month and status, how many inspections, the sum and count of their
  scores (tenths), passes and verdicts, and failed answers;
* ``rollup_failure``: per site, month, checklist, item and clause, how many failed answers, and the
  greatest id of the inspections failing it (whose version names the item's label);
* ``rollup_action``: per site, month, action status, repeat or not, and days from the finding to
  the closing (``-1`` unless closed with a time), how many actions of active findings.

Migration ``m060_district_rollups`` adds the same three tables per *district* and month
(``rollup_district_total``, ``rollup_district_failure``, ``rollup_district_action``: ``district_id``
where the site's tables have ``site_id``): a report covers whole districts (a district, a
supervisor's districts, the organisation), so it adds up ten rows where it added up a thousand.

Applied databases record the migration by name: change the schema with a new migration, never here.
"""

ROLLUP_TABLES = """
CREATE TABLE rollup_total (
    site_id TEXT NOT NULL,
    china_month TEXT NOT NULL,
    status TEXT NOT NULL,
    inspections INTEGER NOT NULL,
    score_tenths INTEGER NOT NULL,
    scored INTEGER NOT NULL,
    passed INTEGER NOT NULL,
    verdicts INTEGER NOT NULL,
    failed_answers INTEGER NOT NULL,
    PRIMARY KEY (site_id, china_month, status)
);
CREATE TABLE rollup_failure (
    site_id TEXT NOT NULL,
    china_month TEXT NOT NULL,
    checklist_id TEXT NOT NULL,
    item_path TEXT NOT NULL,
    clause TEXT NOT NULL,
    count INTEGER NOT NULL,
    latest TEXT NOT NULL,
    PRIMARY KEY (site_id, china_month, checklist_id, item_path, clause)
);
CREATE TABLE rollup_action (
    site_id TEXT NOT NULL,
    china_month TEXT NOT NULL,
    status TEXT NOT NULL,
    is_repeat INTEGER NOT NULL,
    days_to_close INTEGER NOT NULL,
    actions INTEGER NOT NULL,
    PRIMARY KEY (site_id, china_month, status, is_repeat, days_to_close)
)
"""

# m060: the same sums per district and China month (the site's district never changes)
DISTRICT_ROLLUP_TABLES = """
CREATE TABLE rollup_district_total (
    district_id TEXT NOT NULL,
    china_month TEXT NOT NULL,
    status TEXT NOT NULL,
    inspections INTEGER NOT NULL,
    score_tenths INTEGER NOT NULL,
    scored INTEGER NOT NULL,
    passed INTEGER NOT NULL,
    verdicts INTEGER NOT NULL,
    failed_answers INTEGER NOT NULL,
    PRIMARY KEY (district_id, china_month, status)
);
CREATE TABLE rollup_district_failure (
    district_id TEXT NOT NULL,
    china_month TEXT NOT NULL,
    checklist_id TEXT NOT NULL,
    item_path TEXT NOT NULL,
    clause TEXT NOT NULL,
    count INTEGER NOT NULL,
    latest TEXT NOT NULL,
    PRIMARY KEY (district_id, china_month, checklist_id, item_path, clause)
);
CREATE TABLE rollup_district_action (
    district_id TEXT NOT NULL,
    china_month TEXT NOT NULL,
    status TEXT NOT NULL,
    is_repeat INTEGER NOT NULL,
    days_to_close INTEGER NOT NULL,
    actions INTEGER NOT NULL,
    PRIMARY KEY (district_id, china_month, status, is_repeat, days_to_close)
)
"""

# m060 and ``sync.engine.rollups.rebuild``: each district's rows added up from its sites' rows, in one pass
DISTRICT_FROM_SITES = """
INSERT INTO rollup_district_total
    (district_id, china_month, status, inspections, score_tenths, scored, passed, verdicts, failed_answers)
SELECT s.district_id, r.china_month, r.status, sum(r.inspections), sum(r.score_tenths), sum(r.scored),
    sum(r.passed), sum(r.verdicts), sum(r.failed_answers)
FROM rollup_total r JOIN site s ON s.id = r.site_id
GROUP BY s.district_id, r.china_month, r.status;
INSERT INTO rollup_district_failure (district_id, china_month, checklist_id, item_path, clause, count, latest)
SELECT s.district_id, r.china_month, r.checklist_id, r.item_path, r.clause, sum(r.count), max(r.latest)
FROM rollup_failure r JOIN site s ON s.id = r.site_id
GROUP BY s.district_id, r.china_month, r.checklist_id, r.item_path, r.clause;
INSERT INTO rollup_district_action (district_id, china_month, status, is_repeat, days_to_close, actions)
SELECT s.district_id, r.china_month, r.status, r.is_repeat, r.days_to_close, sum(r.actions)
FROM rollup_action r JOIN site s ON s.id = r.site_id
GROUP BY s.district_id, r.china_month, r.status, r.is_repeat, r.days_to_close
"""
