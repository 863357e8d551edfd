// The supervisor's desk: who gets it, and answers shown in the item's own terms.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseHTML } from 'linkedom'
import { opText, pathLabel } from '../../src/desk/audit.js'
import { itemAt, valueEntry } from '../../src/desk/conflict.js'
import { valueView } from '../../src/desk/answer.js'
import { capturedText, sizeText } from '../../src/desk/photos.js'
import { isDesk, scoreText, when, who } from '../../src/desk/shell.js'
import { deviceName, loadDirectory, makeDirectory } from '../../src/desk/directory.js'
import { formModel } from '../../src/model/form.js'
import { setLang } from '../../src/i18n/index.js'
import { SCHEMA } from '../fixture_schema.js'

const { document, window } = parseHTML('<!doctype html><html><body></body></html>')
Object.assign(globalThis, { document, Node: window.Node, window })

const app = (role) => ({ meta: { user: { id: 'u1', role, display_name: '李主管' }, token: 't' }, db: null })

test('supervisors and admins get the desk, inspectors do not', () => {
  assert.equal(isDesk(app('supervisor')), true)
  assert.equal(isDesk(app('admin')), true)
  assert.equal(isDesk(app('inspector')), false)
  assert.equal(isDesk({ meta: {} }), false)
})

test('users are named when known, else shown by a short id; times are local minutes', () => {
  assert.equal(who(app('supervisor'), 'u1'), '李主管')
  assert.equal(who(app('supervisor'), '1a8c5941-0000-4000-8000-000000000000'), '#1a8c5941')
  assert.match(when('2026-11-22T09:30:00+08:00'), /^2026-11-2\d \d\d:30$/)
  assert.equal(when(null), '')
})

test('answers read in the item terms: pass/fail, options, numbers with units, blanks', () => {
  setLang('zh')
  const model = formModel(SCHEMA)
  const items = Object.values(model.items)
  const pf = items.find((i) => i.kind === 'pass_fail')
  const fail = valueView(app('supervisor'), pf, 'fail')
  assert.equal(fail.textContent, '不合格')
  assert.match(fail.className, /v-fail/)
  assert.equal(valueView(app('supervisor'), pf, undefined).textContent, '—')
  const number = items.find((i) => i.kind === 'number')
  if (number) assert.ok(String(valueView(app('supervisor'), number, -20)).startsWith('-20'))
  const choice = items.find((i) => i.kind === 'single_choice')
  if (choice) {
    const option = choice.options[0]
    assert.equal(valueView(app('supervisor'), choice, option.value), option.label.zh)
  }
})

test('the desk navigation marks the page a location belongs to', async () => {
  const { deskSection } = await import('../../src/desk/shell.js')
  assert.equal(deskSection('#/'), 'queue')
  assert.equal(deskSection(''), 'queue')
  assert.equal(deskSection('#/d/1a8c5941-0000-4000-8000-000000000000'), 'queue')
  assert.equal(deskSection('#/findings'), 'findings')
  assert.equal(deskSection('#/f/1a8c5941-0000-4000-8000-000000000000'), 'findings')
  assert.equal(deskSection('#/reports'), 'reports')
})

test('report periods are China months and quarters, this one first', async () => {
  const { chinaMonth, daysUntil, exportQuery, recentMonths, recentQuarters } = await import('../../src/desk/reports.js')
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

test('headline figures: the API numbers, and changes computed where the API gives none', async () => {
  const { headlineFigures } = await import('../../src/desk/reports.js')
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

test('the findings filters become the query; failed answers read as text', async () => {
  const { findingsQuery } = await import('../../src/desk/findings.js')
  const { answerText } = await import('../../src/desk/finding.js')
  assert.equal(String(findingsQuery({ status: '', overdue: false, repeat: false, severity: '', site_id: '' })), '')
  assert.equal(String(findingsQuery({ status: 'open', overdue: true, repeat: true, severity: 'critical', site_id: 's1' })),
    'status=open&overdue=true&repeat=true&severity=critical&site_id=s1')
  setLang('zh')
  assert.equal(answerText('fail'), '不合格')
  assert.equal(answerText(-10), '-10')
  assert.equal(answerText(['dirty', 'dark']), 'dirty、dark')
  assert.equal(answerText(null), '—')
})

const ZHANG = '1a8c5941-0000-4000-8000-000000000000'
const PHONE = 'd0d0d0d0-0000-4000-8000-000000000000'
const withDirectory = () => ({
  ...app('supervisor'),
  directory: makeDirectory({
    users: [{ id: ZHANG, username: 'inspector1', display_name: '张巡检 Zhang', role: 'inspector', active: true }],
    devices: [{ id: PHONE, name: '手机A', user_id: ZHANG }],
  }),
})

test('with the directory loaded, users and devices show by name; unknown ones by a short id', () => {
  const desk = withDirectory()
  assert.equal(who(desk, ZHANG), '张巡检 Zhang')
  assert.equal(who(desk, 'u1'), '李主管')
  assert.equal(who(desk, 'ffffffff-0000-4000-8000-000000000000'), '#ffffffff')
  assert.equal(deviceName(desk, PHONE, 'c1'), '手机A')
  assert.equal(deviceName(desk, null, 'c0ffee00-1111'), '#c0ffee00')
  assert.equal(deviceName(desk, null, null, 'server'), 'server')
})

test('a value is entered with an input fitting the item, and refused when blank or not a number', () => {
  setLang('zh')
  const model = formModel(SCHEMA)
  const number = valueEntry(model.items.frozen_temp)
  const input = number.el.querySelector('input')
  assert.equal(input.getAttribute('type'), 'number')
  assert.ok(number.read().error)
  input.value = '-19.5'
  assert.deepEqual(number.read(), { value: -19.5 })
  input.value = 'abc'
  assert.ok(number.read().error)
  const pf = valueEntry(model.items.licence)
  assert.deepEqual([...pf.el.querySelectorAll('option')].map((o) => o.getAttribute('value')), ['', 'pass', 'fail', 'na'])
  assert.ok(pf.read().error)
  pf.el.querySelector('option[value=fail]').setAttribute('selected', '')
  assert.deepEqual(pf.read(), { value: 'fail' })
  const multi = valueEntry(model.items.categories)
  multi.el.querySelectorAll('input')[1].checked = true
  assert.deepEqual(multi.read(), { value: ['dairy'] })
  assert.equal(valueEntry(model.items.photos), null)
  assert.equal(valueEntry(undefined), null)
  assert.equal(itemAt(model, 'licence').id, 'licence')
  assert.equal(itemAt(model, 'nothing/x/y'), undefined)
})

test('scores, sizes and capture times read the way a supervisor reads them', () => {
  setLang('zh')
  const row = document.createElement('td')
  row.append(...[scoreText({ score: 90, verdict: 'fail', failed_critical: 1 })].flat())
  assert.equal(row.textContent, '90不合格严重 1')
  assert.equal(scoreText({ score: null, verdict: null }).textContent, '—')
  assert.equal(sizeText(512), '512 B')
  assert.equal(sizeText(2048), '2 KB')
  assert.equal(sizeText(3 * 1024 * 1024 + 200000), '3.2 MB')
  assert.equal(capturedText('2025-03-14T09:26:53+08:00'), '2025-03-14 09:26:53 (+08:00)')
  assert.equal(capturedText('2025-03-14T01:26:53Z'), '2025-03-14 01:26:53 (UTC)')
  assert.equal(capturedText('sometime'), 'sometime')
})

test('audit entries say what they did with item labels', () => {
  setLang('zh')
  const model = formModel(SCHEMA)
  assert.equal(pathLabel('licence', model), '证照齐全')
  assert.equal(opText({ kind: 'set', op: { answers: { licence: 'fail' } } }, model), '填写: 证照齐全 = 不合格')
  assert.equal(opText({ kind: 'set', op: { changes: [{ path: 'licence', value: 'fail' }] } }, model), '填写: 证照齐全 = 不合格')
  assert.equal(opText({ kind: 'transition', op: { to: 'submitted' } }, model), '状态变更 → 已提交')
  assert.equal(opText({ kind: 'resolve', op: { value: -20, note: '复测' } }, model), '处理冲突: -20 · 复测')
  assert.equal(opText({ kind: 'mystery', op: {} }, model), 'mystery')
})

test('the directory is fetched once per signed-in token and again after a failure', async () => {
  const calls = []
  let fail = false
  const realFetch = globalThis.fetch
  globalThis.fetch = async (url, init) => {
    calls.push([url, init.headers.Authorization])
    if (fail) return new Response('{"type":"urn:xunjian:problem:forbidden"}', { status: 403 })
    return new Response(JSON.stringify({ users: [{ id: ZHANG, username: 'inspector1', display_name: '张巡检 Zhang' }], devices: [] }))
  }
  try {
    const desk = { meta: { token: 'token-a', user: { id: 'u1' } } }
    await loadDirectory(desk)
    await loadDirectory(desk)
    assert.deepEqual(calls, [['/api/directory', 'Bearer token-a']])
    assert.equal(who(desk, ZHANG), '张巡检 Zhang')
    fail = true
    const other = { meta: { token: 'token-b', user: { id: 'u2' } } }
    assert.equal(await loadDirectory(other), null)
    assert.equal(who(other, ZHANG), '#1a8c5941')
    fail = false
    await loadDirectory(other)
    assert.equal(calls.length, 3)
    assert.equal(who(other, ZHANG), '张巡检 Zhang')
  } finally {
    globalThis.fetch = realFetch
  }
})
