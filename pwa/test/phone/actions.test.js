// Corrective actions on the phone: the action state's text, the home page's counts per site, and
// the panel rendered on an inspection (DOM through linkedom).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseHTML } from 'linkedom'
import { actionStateText, actionsPanel, homeActions } from '../../src/phone/actions.js'
import { actionState, actionsBySite } from '../../src/model/findings.js'
import { formModel } from '../../src/model/form.js'
import { setLang } from '../../src/i18n/index.js'
import { SCHEMA } from '../fixture_schema.js'

const { document, window } = parseHTML('<!doctype html><html><body></body></html>')
Object.assign(globalThis, { document, Node: window.Node })

const finding = (over = {}) => ({
  id: 'f-1', pointer: '/licence', severity: 'major', status: 'active', action_status: 'open', confirmed: true,
  responsible: '店长 王经理', deadline: '2026-07-10', ...over,
})

test('the action state in Chinese and English; a withdrawn finding shows withdrawn', () => {
  setLang('zh')
  const states = ['open', 'fixed_reported', 'verified', 'closed'].map((s) => actionStateText(actionState(finding({ action_status: s }))))
  assert.deepEqual(states, ['整改中', '已报整改', '已验证', '已关闭'])
  assert.equal(actionStateText(actionState(finding({ status: 'withdrawn' }))), '已撤销')
  setLang('en')
  assert.equal(actionStateText('fixed_reported'), 'Fix reported')
  setLang('zh')
})

test('the home page counts open and overdue actions per site, the most overdue first', () => {
  const views = [
    { id: 'a', site_id: 's1', findings: [finding(), finding({ id: 'f-2', action_status: 'fixed_reported', deadline: '2026-08-01' })] },
    { id: 'b', site_id: 's2', findings: [finding({ id: 'f-3' }), finding({ id: 'f-4', action_status: 'closed' })] },
    { id: 'c', site_id: 's2', findings: [finding({ id: 'f-5', deadline: '2026-07-01' })] },
    { id: 'd', site_id: 's3', findings: [finding({ id: 'f-6', status: 'withdrawn' }), finding({ id: 'f-7', action_status: 'verified' })] },
    { id: 'e', site_id: 's4' },
  ]
  const rows = actionsBySite(views, '2026-07-20')
  assert.deepEqual(rows.map((r) => [r.site_id, r.open, r.to_fix, r.overdue]), [['s2', 2, 2, 2], ['s1', 2, 1, 1]])
  assert.deepEqual(rows[0].inspections, [{ id: 'b', open: 1, overdue: 1 }, { id: 'c', open: 1, overdue: 1 }])
  const app = { meta: { sites: [{ id: 's1', name: '联华超市' }] } }
  const card = homeActions(app, views)
  assert.ok(card)
  assert.match(card.textContent, /待整改/)
  assert.match(card.textContent, /联华超市/)
  assert.equal(card.querySelectorAll('a[data-open-actions]').length, 3)
  assert.equal(homeActions(app, [views[3], views[4]]), null)
})

test('the panel lists each finding with its item label, state, responsible, deadline and marks', () => {
  setLang('zh')
  const view = {
    id: 'i', status: 'submitted', site_id: 's', answers: { licence: 'fail' },
    findings: [
      finding({ deadline: '2000-01-03' }),
      finding({ id: 'f-2', pointer: '/frozen_temp', severity: 'critical', action_status: 'verified', repeat_of: 'f-0' }),
      finding({ id: 'f-3', action_status: 'open', responsible: undefined, deadline: undefined }),
    ],
  }
  const requests = [
    { id: 'r-1', finding_id: 'f-3', state: 'pending', body: { note: '已更换', photos: [] }, created_at: 1 },
    { id: 'r-2', finding_id: 'f-2', state: 'failed', body: { note: 'x', photos: [] }, created_at: 2,
      problem: { title: 'Invalid action transition', detail: 'a verified action cannot be reported fixed' } },
  ]
  const app = { page: { id: 'i', view, model: formModel(SCHEMA), requests, fix: null }, meta: {}, db: null }
  const panel = actionsPanel(app)
  assert.ok(panel)
  const [late, verified, waiting] = panel.querySelectorAll('[data-finding]')
  assert.match(late.textContent, /证照齐全/)
  assert.match(late.textContent, /整改中/)
  assert.match(late.textContent, /店长 王经理/)
  assert.match(late.textContent, /2000-01-03/)
  assert.equal(late.querySelector('[data-overdue-mark]').textContent, '已逾期')
  assert.ok(late.querySelector('[data-action=report-fix]'))
  assert.match(verified.textContent, /冷冻柜温度/)
  assert.match(verified.textContent, /已验证/)
  assert.match(verified.textContent, /重复问题/)
  assert.equal(verified.querySelector('[data-overdue-mark]'), null)
  assert.equal(verified.querySelector('[data-action=report-fix]'), null)
  assert.match(verified.querySelector('[data-request-state=failed]').textContent, /cannot be reported fixed/)
  assert.match(waiting.textContent, /待指定/)
  assert.match(waiting.querySelector('[data-request-state=pending]').textContent, /待同步/)
  assert.equal(waiting.querySelector('[data-action=report-fix]'), null) // already reported, waiting to sync
  assert.equal(actionsPanel({ ...app, page: { ...app.page, view: { ...view, findings: [] } } }), null)
})
