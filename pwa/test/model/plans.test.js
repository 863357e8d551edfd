// Plans on the phone and at the desk: periods as the server counts them, their text, what is
// due offline (ended periods missed, the next one estimated), inspections in progress, coverage.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setLang } from '../../src/i18n/index.js'
import {
  cadenceOf, chinaDay, chipText, coverageByPlan, dueRows, duplicateIds, monthRange, periodOf, periodText, startedIn,
} from '../../src/model/plans.js'
import { DAILY, WEEKLY, item } from '../fixture_plans.js'

test('periods follow sync/schedules.py: the day, the Monday-to-Sunday week, the calendar month', () => {
  assert.deepEqual(periodOf('2026-11-22', 'daily'), { start: '2026-11-22', end: '2026-11-22' })
  assert.deepEqual(periodOf('2026-11-22', 'weekly'), { start: '2026-11-16', end: '2026-11-22' }) // a Sunday
  assert.deepEqual(periodOf('2026-11-23', 'weekly'), { start: '2026-11-23', end: '2026-11-29' })
  assert.deepEqual(periodOf('2026-12-31', 'weekly'), { start: '2026-12-28', end: '2027-01-03' })
  assert.deepEqual(periodOf('2028-02-14', 'monthly'), { start: '2028-02-01', end: '2028-02-29' })
  assert.deepEqual(periodOf('2026-02-14', 'monthly'), { start: '2026-02-01', end: '2026-02-28' })
  assert.deepEqual(monthRange('2026-11'), ['2026-11-01', '2026-11-30'])
  assert.equal(cadenceOf('2026-11-16', '2026-11-22'), 'weekly')
  assert.equal(cadenceOf('2026-11-17', '2026-11-23'), '') // seven days, not a week
  assert.equal(cadenceOf('2026-11-01', '2026-11-30'), 'monthly')
  assert.equal(cadenceOf('2026-11-22', '2026-11-22'), 'daily')
})

test('a China date is UTC+8 whatever the device time zone', () => {
  assert.equal(chinaDay(Date.parse('2026-11-22T15:59:59Z')), '2026-11-22')
  assert.equal(chinaDay(Date.parse('2026-11-22T16:00:00Z')), '2026-11-23')
})

test('periods read as this week, last week, today, or dates alone', () => {
  setLang('zh')
  assert.equal(periodText({ start: '2026-11-16', end: '2026-11-22' }, '2026-11-18'), '本周 2026-11-16 ~ 2026-11-22')
  assert.equal(periodText({ start: '2026-11-09', end: '2026-11-15' }, '2026-11-18'), '上周 2026-11-09 ~ 2026-11-15')
  assert.equal(periodText({ start: '2026-11-02', end: '2026-11-08' }, '2026-11-18'), '2026-11-02 ~ 2026-11-08')
  assert.equal(periodText({ start: '2026-11-18', end: '2026-11-18' }, '2026-11-18'), '今天 2026-11-18')
  assert.equal(periodText({ start: '2026-11-17', end: '2026-11-17' }, '2026-11-18'), '昨天 2026-11-17')
  assert.equal(periodText({ start: '2026-10-01', end: '2026-10-31' }, '2026-11-18'), '上月 2026-10-01 ~ 2026-10-31')
  setLang('en')
  assert.equal(periodText({ start: '2026-11-01', end: '2026-11-30' }, '2026-11-18'), 'This month 2026-11-01 ~ 2026-11-30')
  setLang('zh')
  assert.equal(chipText({ start: '2026-11-16', end: '2026-11-22' }), '11-16~11-22')
  assert.equal(chipText({ start: '2026-11-01', end: '2026-11-30' }), '2026-11')
  assert.equal(chipText({ start: '2026-11-18', end: '2026-11-18' }), '11-18')
})

// fetched on Wednesday 18 November: this week due, the daily check missed the two days before
const CACHE = {
  at: Date.parse('2026-11-18T02:00:00Z'),
  today: '2026-11-18',
  plans: [WEEKLY, DAILY],
  items: [
    item(WEEKLY, '2026-11-16', '2026-11-22', 'due'),
    item(DAILY, '2026-11-16', '2026-11-16', 'missed'),
    item(DAILY, '2026-11-17', '2026-11-17', 'missed'),
    item(DAILY, '2026-11-18', '2026-11-18', 'due'),
  ],
}

test('due rows: due first with a start button, missed folded per plan with their count', () => {
  const rows = dueRows(CACHE, [], '2026-11-18')
  assert.deepEqual(rows.map((r) => [r.plan_id, r.start, r.status, r.state]), [
    ['p2', '2026-11-18', 'due', 'start'],
    ['p1', '2026-11-16', 'due', 'start'],
    ['p2', '2026-11-17', 'missed', 'missed'],
  ])
  assert.equal(rows[2].missed_count, 2)
  assert.equal(rows[1].kind, 'weekly_full_inspection')
  assert.equal(rows.some((r) => r.estimated), false)
  assert.deepEqual(dueRows(undefined, [], '2026-11-18'), [])
})

test('offline on a later day: ended periods turn missed, the current ones are estimated from the plans', () => {
  const rows = dueRows(CACHE, [], '2026-11-23') // the next Monday, not synced since Wednesday
  const byKey = Object.fromEntries(rows.map((r) => [`${r.plan_id}:${r.start}`, r]))
  assert.equal(byKey['p1:2026-11-23'].status, 'due')
  assert.equal(byKey['p1:2026-11-23'].estimated, true)
  assert.equal(byKey['p1:2026-11-23'].end, '2026-11-29')
  assert.equal(byKey['p1:2026-11-16'].status, 'missed')
  assert.equal(byKey['p2:2026-11-23'].status, 'due')
  assert.equal(byKey['p2:2026-11-18'].missed_count, 3) // 16, 17 and 18: only the latest shown
  assert.equal(rows.length, 4)
  // fetched the same week and not listed: the server counted it done, nothing is estimated
  const done = { ...CACHE, items: CACHE.items.filter((i) => i.plan_id !== 'p1') }
  assert.equal(dueRows(done, [], '2026-11-20').some((r) => r.plan_id === 'p1'), false)
  // a plan that starts later is not due yet
  const later = { ...CACHE, plans: [{ ...WEEKLY, starts_on: '2026-12-01' }], items: [] }
  assert.deepEqual(dueRows(later, [], '2026-11-23'), [])
})

test('an inspection started on the phone in the period is in progress; submitted covers it', () => {
  const draft = { id: 'i1', site_id: 's1', checklist_id: 'c1', status: 'draft', created_at: '2026-11-17T01:00:00.000Z' }
  const rows = dueRows(CACHE, [draft], '2026-11-18')
  const weekly = rows.find((r) => r.plan_id === 'p1')
  assert.equal(weekly?.state, 'in_progress')
  assert.equal(weekly?.started?.id, 'i1')
  const submitted = { ...draft, id: 'i2', status: 'submitted' }
  assert.equal(startedIn(item(WEEKLY, '2026-11-16', '2026-11-22', 'due'), [draft, submitted])?.id, 'i2')
  assert.equal(dueRows(CACHE, [submitted], '2026-11-18').find((r) => r.plan_id === 'p1')?.state, 'submitted')
  // another site, another checklist, last week, or deleted: not this one
  for (const other of [
    { ...draft, site_id: 's9' },
    { ...draft, checklist_id: 'c9' },
    { ...draft, created_at: '2026-11-15T15:59:00.000Z' }, // Sunday 23:59 in China
    { ...draft, status: 'deleted' },
  ]) assert.equal(dueRows(CACHE, [other], '2026-11-18').find((r) => r.plan_id === 'p1')?.state, 'start')
  // Monday 00:30 in China is Sunday in UTC: still this week
  const early = { ...draft, created_at: '2026-11-15T16:30:00.000Z' }
  assert.equal(dueRows(CACHE, [early], '2026-11-18').find((r) => r.plan_id === 'p1')?.state, 'in_progress')
})

test('coverage per plan: periods in order, counts and the share done', () => {
  const coverage = { periods: [
    { plan_id: 'p1', start: '2026-11-09', end: '2026-11-15', status: 'missed' },
    { plan_id: 'p1', start: '2026-11-02', end: '2026-11-08', status: 'done', inspection_id: 'i1' },
    { plan_id: 'p1', start: '2026-11-16', end: '2026-11-22', status: 'due' },
  ] }
  const [weekly, daily] = coverageByPlan(coverage, [WEEKLY, DAILY])
  assert.deepEqual(weekly.periods.map((p) => p.start), ['2026-11-02', '2026-11-09', '2026-11-16'])
  assert.deepEqual([weekly.planned, weekly.done, weekly.due, weekly.missed, weekly.percent], [3, 1, 1, 1, 33.3])
  assert.deepEqual([daily.planned, daily.percent], [0, null])
  assert.deepEqual([...duplicateIds([{ inspection_ids: ['a', 'b'] }, { inspection_ids: ['c'] }])], ['a', 'b', 'c'])
})
