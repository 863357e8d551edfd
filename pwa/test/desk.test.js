// The supervisor's desk: who gets it, and answers shown in the item's own terms.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseHTML } from 'linkedom'
import { valueView } from '../src/desk_inspection.js'
import { isDesk, when, who } from '../src/desk_queue.js'
import { formModel } from '../src/form.js'
import { setLang } from '../src/i18n.js'
import { SCHEMA } from './fixture_schema.js'

const { document, window } = parseHTML('<!doctype html><html><body></body></html>')
Object.assign(globalThis, { document, Node: window.Node })

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
