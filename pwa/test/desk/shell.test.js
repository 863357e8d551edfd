// The desk's frame and shared helpers: who gets the desk, people and times, the navigation, scores.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseHTML } from 'linkedom'
import { deskSection, isDesk, scoreText, when, who } from '../../src/desk/shell.js'
import { setLang } from '../../src/i18n/index.js'

const { document, window } = parseHTML('<!doctype html><html><body></body></html>')
Object.assign(globalThis, { document, Node: window.Node, window })

const app = (role) => ({ meta: { user: { id: 'u1', role, display_name: '李主管' }, token: 't' }, db: null })

test('supervisors and admins get the desk, inspectors do not', () => {
  assert.equal(isDesk(app('supervisor')), true)
  assert.equal(isDesk(app('admin')), true)
  assert.equal(isDesk(app('inspector')), false)
  assert.equal(isDesk({ meta: {} }), false)
})

test('users are named when known, else shown by a short id; times are China time to the minute', () => {
  assert.equal(who(app('supervisor'), 'u1'), '李主管')
  assert.equal(who(app('supervisor'), '1a8c5941-0000-4000-8000-000000000000'), '#1a8c5941')
  assert.equal(when('2026-11-22T09:30:00+08:00'), '2026-11-22 09:30')
  assert.equal(when('2026-11-21T20:30:00-05:00'), '2026-11-22 09:30') // New York's evening is Shanghai's morning
  assert.equal(when('2026-12-31T16:05:00Z'), '2027-01-01 00:05')
  assert.equal(when(null), '')
})

test('the desk navigation marks the page a location belongs to', () => {
  assert.equal(deskSection('#/'), 'queue')
  assert.equal(deskSection(''), 'queue')
  assert.equal(deskSection('#/d/1a8c5941-0000-4000-8000-000000000000'), 'queue')
  assert.equal(deskSection('#/findings'), 'findings')
  assert.equal(deskSection('#/f/1a8c5941-0000-4000-8000-000000000000'), 'findings')
  assert.equal(deskSection('#/reports'), 'reports')
  assert.equal(deskSection('#/plans'), 'plans')
})

test('scores read the way a supervisor reads them', () => {
  setLang('zh')
  const row = document.createElement('td')
  row.append(...[scoreText({ score: 90, verdict: 'fail', failed_critical: 1 })].flat())
  assert.equal(row.textContent, '90不合格严重 1')
  assert.equal(scoreText({ score: null, verdict: null }).textContent, '—')
})
