// Finding every item's schema in a published checklist schema, conditional items included.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { entryItems, itemSchemas } from '../../src/lib/schema.js'

const temp = { type: 'number', 'x-kind': 'number' }
const licence = { type: 'string', enum: ['pass', 'fail'], 'x-kind': 'pass_fail' }
const photo = { type: 'array', 'x-kind': 'photo' }

test('a conditional item is found in patternProperties, beside the items always shown', () => {
  const schema = {
    type: 'object',
    properties: { licence },
    patternProperties: { '^frozen_temp$': temp },
    allOf: [{ if: { properties: { licence: { enum: ['fail'] } }, required: ['licence'] }, then: { properties: { frozen_temp: temp } } }],
  }
  assert.deepEqual(itemSchemas(schema), { licence, frozen_temp: temp })
})

test('a schema published with every item in properties reads the same', () => {
  assert.deepEqual(itemSchemas({ properties: { licence, frozen_temp: temp } }), { licence, frozen_temp: temp })
  assert.deepEqual(itemSchemas(undefined), {})
})

test('patterns that are not one item id are not items', () => {
  assert.deepEqual(itemSchemas({ patternProperties: { '^[0-9a-f-]{36}$': temp, '^a|b$': temp } }), {})
})

test("a group entry's items come in x-order, conditional ones in their place", () => {
  const entry = {
    properties: { licence, note: licence },
    patternProperties: { '^licence_photo$': photo },
    'x-order': ['licence', 'licence_photo', 'note'],
  }
  assert.deepEqual(entryItems(entry).map(([id]) => id), ['licence', 'licence_photo', 'note'])
  assert.deepEqual(entryItems({ properties: { b: licence, a: temp } }).map(([id]) => id), ['b', 'a'])
})
