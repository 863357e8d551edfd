// Carrying a draft to a newer checklist version: the phone's rule on the server's shared cases.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { carryAnswers, itemAt, misfit, valueFits } from '../../src/model/carry.js'
import { formModel } from '../../src/model/form.js'

const SHARED = JSON.parse(readFileSync(new URL('../../../tests/fixtures/carry.json', import.meta.url), 'utf-8'))
const [from, to] = SHARED.schemas.map(formModel)

for (const c of SHARED.cases) {
  test(`the server's case: ${c.name}`, () => {
    const moved = carryAnswers(from, to, c.answers)
    assert.deepEqual(moved.answers, c.carried)
    assert.deepEqual(Object.fromEntries(moved.uncarried.map((u) => [u.path, u.reason])), c.uncarried)
    for (const u of moved.uncarried) assert.equal(u.version, 1)
  })
}

test('every uncarried answer keeps its old value and kind', () => {
  const moved = carryAnswers(from, to, { notes: '门口堆放杂物', issues: ['dirty', 'noisy'] })
  const listed = moved.uncarried.map((u) => [u.path, u.value, u.kind]).sort()
  assert.deepEqual(listed, [
    ['issues', ['dirty', 'noisy'], 'multi_choice'],
    ['notes', '门口堆放杂物', 'text'],
  ])
})

test('values are checked as the server checks them', () => {
  assert.equal(valueFits(to.items.temp, -40), true)
  assert.equal(valueFits(to.items.temp, -41), false)
  assert.equal(valueFits(to.items.temp, '5'), false)
  assert.equal(valueFits(to.items.issues, ['dirty', 'dirty']), false)
  assert.equal(valueFits(to.items.photos, ['a1'.repeat(32)]), true)
  assert.equal(valueFits(to.items.photos, Array.from({ length: 6 }, (_, i) => String(i).repeat(64))), false)
  assert.equal(valueFits(from.items.position, { lat: 91, lon: 0 }), false)
  assert.equal(misfit(from.items.licence, to.items.licence, null), null)
  assert.equal(itemAt(to, 'stalls/e/prices'), null)
})
