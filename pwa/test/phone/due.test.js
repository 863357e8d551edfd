// The phone's due section on the home page (DOM through linkedom).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseHTML } from 'linkedom'
import { setLang } from '../../src/i18n/index.js'
import { chinaDay, periodOf } from '../../src/model/plans.js'
import { dueSection } from '../../src/phone/due.js'
import { DAILY, WEEKLY, item } from '../fixture_plans.js'

const { document, window } = parseHTML('<!doctype html><html><body></body></html>')
Object.assign(globalThis, { document, Node: window.Node, window })

test('the due section: updated time, missed ones in red, start, in progress and never fetched', async () => {
  setLang('zh')
  const today = chinaDay(Date.now())
  const week = periodOf(today, 'weekly')
  const yesterday = periodOf(new Date(Date.parse(`${today}T00:00:00Z`) - 86400000).toISOString().slice(0, 10), 'daily')
  const cache = {
    at: Date.now(),
    today,
    plans: [WEEKLY, DAILY],
    items: [item(WEEKLY, week.start, week.end, 'due'), item(DAILY, yesterday.start, yesterday.end, 'missed')],
  }
  const app = {
    meta: {
      due: cache,
      sites: [{ id: 's1', name: '联华超市' }, { id: 's2', name: '菜市场' }],
      checklists: [{ id: 'c1', title: { zh: '超市检查', en: 'Supermarket' } }],
    },
  }
  const started = []
  const box = document.createElement('div')
  box.append(...dueSection(app, [], async (c, s) => (started.push([c, s]), '')).filter(Boolean))
  const rows = [...box.querySelectorAll('[data-due-item]')]
  assert.deepEqual(rows.map((r) => [r.dataset.plan, r.dataset.state]), [['p1', 'start'], ['p2', 'missed']])
  assert.match(rows[0].textContent, /超市检查.*联华超市.*每周全面检查 · 本周/)
  assert.match(rows[1].className, /missed/)
  assert.match(rows[1].querySelector('.badge.st-fail').textContent, /已逾期/)
  assert.equal(rows[1].querySelector('[data-action=start-due]'), null)
  assert.match(box.querySelector('[data-updated]').textContent, /^更新于 \d{4}-\d\d-\d\d \d\d:\d\d$/)
  rows[0].querySelector('[data-action=start-due]').dispatchEvent(new window.Event('click'))
  await new Promise((resolve) => setTimeout(resolve, 0))
  assert.deepEqual(started, [['c1', 's1']])

  const draft = { id: 'i1', site_id: 's1', checklist_id: 'c1', status: 'draft', created_at: new Date().toISOString() }
  const again = document.createElement('div')
  again.append(...dueSection(app, [draft], async () => '').filter(Boolean))
  const busy = again.querySelector('[data-plan=p1]')
  assert.equal(busy.dataset.state, 'in_progress')
  assert.equal(busy.querySelector('[data-action=open-due]').getAttribute('href'), '#/i/i1')
  assert.equal(busy.querySelector('[data-action=open-due]').dataset.started, 'i1')
  assert.match(busy.textContent, /进行中/)

  const never = document.createElement('div')
  never.append(...dueSection({ meta: {} }, [], async () => '').filter(Boolean))
  assert.match(never.textContent, /尚未获取/)
})
