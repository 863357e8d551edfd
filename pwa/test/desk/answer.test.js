// Answers at the desk, shown in the item's own terms.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseHTML } from 'linkedom'
import { valueView } from '../../src/desk/answer.js'
import { setLang } from '../../src/i18n/index.js'
import { formModel } from '../../src/model/form.js'
import { SCHEMA } from '../fixture_schema.js'

const { document, window } = parseHTML('<!doctype html><html><body></body></html>')
Object.assign(globalThis, { document, Node: window.Node, window })

const app = (role) => ({ meta: { user: { id: 'u1', role, display_name: '李主管' }, token: 't' }, db: null })

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
