// The form's shortcuts: 本节全部合格 marks only shown, unanswered pass/fail items; 下一个未填项
// goes forward from the section shown, then wraps; the ± key where the range allows negatives.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formModel } from '../../src/model/form.js'
import { allowsNegative, flipSign, nextUnanswered, passableItems } from '../../src/model/shortcuts.js'
import { SCHEMA } from '../fixture_schema.js'

const model = formModel(SCHEMA)
const [general, cold, sign] = model.sections

test('section all pass: the unanswered pass/fail items shown, nothing else', () => {
  assert.deepEqual(passableItems(general, {}), ['licence'])
  assert.deepEqual(passableItems(general, { licence: 'fail' }), []) // a failed item stays failed
  assert.deepEqual(passableItems(general, { licence: null }), ['licence'])
  assert.deepEqual(passableItems(cold, {}), []) // no pass/fail items here
  assert.deepEqual(passableItems(sign, {}), [])
})

test('next unanswered: from the section shown onwards, then from the start; null when done', () => {
  assert.deepEqual(nextUnanswered(model, {}, 0), { pointer: '/fresh', section: 0 })
  assert.deepEqual(nextUnanswered(model, { fresh: 'no' }, 0), { pointer: '/licence', section: 0 })
  // the cold section is hidden until frozen food is chosen: signing is the second shown
  assert.deepEqual(nextUnanswered(model, { fresh: 'no' }, 1), { pointer: '/manager_sign', section: 1 })
  assert.deepEqual(nextUnanswered(model, { licence: 'pass', manager_sign: { status: 'signed' } }, 1), { pointer: '/fresh', section: 0 })
  assert.equal(nextUnanswered(model, { fresh: 'no', licence: 'pass', manager_sign: { status: 'signed' } }, 0), null)
})

test('a ± key where the range allows a value below zero; the sign flips as typed', () => {
  assert.equal(allowsNegative(model.items.frozen_temp), true) // -60 … 40
  assert.equal(allowsNegative({ ...model.items.frozen_temp, bounds: { min: 0, max: 40 } }), false)
  assert.equal(allowsNegative({ ...model.items.frozen_temp, bounds: {} }), true)
  assert.equal(flipSign('18'), '-18')
  assert.equal(flipSign('-18.5'), '18.5')
  assert.equal(flipSign('−3'), '3')
  assert.equal(flipSign(''), '-')
})
