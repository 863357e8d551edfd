// The desk's reports: periods as China months and quarters, the headline figures.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { chinaMonth, daysUntil, exportQuery, headlineFigures, recentMonths, recentQuarters } from '../../src/desk/reports.js'

test('report periods are China months and quarters, this one first', () => {
  const lateNightUtc = Date.parse('2026-12-31T17:30:00Z') // already 1 January 2027 in China
  assert.deepEqual(chinaMonth(lateNightUtc), { year: 2027, month: 1 })
  assert.deepEqual(recentMonths(lateNightUtc, 3), ['2027-01', '2026-12', '2026-11'])
  assert.deepEqual(recentQuarters(lateNightUtc, 5), ['2027-Q1', '2026-Q4', '2026-Q3', '2026-Q2', '2026-Q1'])
  assert.deepEqual(recentQuarters(Date.parse('2026-06-30T12:00:00Z'), 1), ['2026-Q2'])
  assert.equal(daysUntil('2026-11-22', '2026-12-05'), 13)
  assert.equal(daysUntil('2026-11-22', '2026-11-22'), 0)
  assert.equal(daysUntil('2026-11-22', '2026-11-20'), -2)
  assert.equal(String(exportQuery({ kind: 'month', label: '2026-11' }, '')), 'month=2026-11')
  assert.equal(String(exportQuery({ kind: 'quarter', label: '2026-Q2', first: '2026-04-01', last: '2026-06-30' }, 'd1')),
    'from=2026-04-01&to=2026-06-30&district_id=d1')
})

test('headline figures: the API numbers, and changes computed where the API gives none', () => {
  const figures = (o) => ({ inspections: 0, planned: null, planned_done: null, average_score: null, pass_rate: null, failed_answers: 0, repeat_findings: 0,
    actions: { findings: 0, open: 0, overdue: 0, verified: 0, closed: 0, median_days_to_close: null }, ...o })
  const report = {
    current: figures({ inspections: 4, planned: 4, planned_done: 3, actions: { findings: 3, open: 1, overdue: 1, verified: 0, closed: 2, median_days_to_close: 4.5 } }),
    previous: figures({ planned: 2, planned_done: 2, actions: { findings: 1, open: 0, overdue: 0, verified: 0, closed: 1, median_days_to_close: 6 } }),
    change: { inspections: 4, average_score: null, pass_rate: null, failed_answers: 0, open_actions: 1, overdue_actions: 1, repeat_findings: 0 },
  }
  const byKey = Object.fromEntries(headlineFigures(report).map((f) => [f.key, f]))
  assert.equal(byKey.inspections.value, 4)
  assert.equal(byKey.planned.text, '3 / 4')
  assert.equal(byKey.coverage.value, 75)
  assert.equal(byKey.coverage.delta, -25)
  assert.equal(byKey.closed.delta, 1)
  assert.equal(byKey.median_days_to_close.delta, -1.5)
  assert.equal(byKey.median_days_to_close.better, 'down')
  assert.equal(byKey.overdue.delta, 1)
  assert.equal(byKey.average_score.delta, null)
})
