// A conflict at the desk: the input for entering a value fits the item; the item a path names.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseHTML } from 'linkedom'
import { itemAt, valueEntry } from '../../src/desk/conflict.js'
import { setLang } from '../../src/i18n/index.js'
import { formModel } from '../../src/model/form.js'
import { SCHEMA } from '../fixture_schema.js'

const { document, window } = parseHTML('<!doctype html><html><body></body></html>')
Object.assign(globalThis, { document, Node: window.Node, window })

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
