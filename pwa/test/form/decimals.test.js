// The number widget refuses a reading with more decimal places than its item declares.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseHTML } from 'linkedom'
import { formModel } from '../../src/model/form.js'
import { widget } from '../../src/form/widgets.js'
import { SCHEMA } from '../fixture_schema.js'

const { document, window } = parseHTML('<!doctype html><html><body></body></html>')
Object.assign(globalThis, { document, Node: window.Node })

const model = formModel(SCHEMA)

function numberWidget(/** @type {any} */ item) {
  const calls = []
  const actions = new Proxy({}, { get: (_, name) => (...args) => calls.push([name, ...args]) })
  const el = widget(item, item.id, null, { readOnly: false, actions: /** @type {any} */ (actions) })
  document.body.replaceChildren(el)
  const input = el.querySelector('input')
  /** @param {string} text */
  const type = (text) => {
    input.value = text
    input.dispatchEvent(new window.Event('input'))
    input.dispatchEvent(new window.Event('change'))
    return el.querySelector('.num-note')
  }
  return { type, calls }
}

test('a reading with one decimal place too many is refused with a message, then a fitting one is set', () => {
  const { type, calls } = numberWidget(model.items.frozen_temp)
  const note = type('-18.25')
  assert.equal(note.textContent, '最多 1 位小数 / at most 1 decimal places')
  assert.ok(note.classList.contains('bad'))
  assert.deepEqual(calls, [])
  assert.equal(type('-18.5').textContent, '')
  assert.deepEqual(calls, [['set', 'frozen_temp', -18.5]])
})

test('a whole-number item refuses a fraction, and takes 2 and "2.0"', () => {
  const { type, calls } = numberWidget({ ...model.items.frozen_temp, decimals: 0, acceptable: null })
  assert.equal(type('1.5').textContent, '应为整数 / a whole number')
  assert.deepEqual(calls, [])
  type('2')
  type('2.0')
  assert.deepEqual(calls, [['set', 'frozen_temp', 2], ['set', 'frozen_temp', 2]])
})
