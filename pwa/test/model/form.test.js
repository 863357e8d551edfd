// The form model and rules read from a published schema.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  decimalsProblem,
  evidenceNeeded,
  evidencePhotoItem,
  failedPointers,
  formModel,
  hasDecimals,
  holds,
  inRange,
  missingPointers,
  outcome,
  pointerLabel,
  progress,
  rangeText,
  visibleItems,
  visibleSections,
} from '../../src/model/form.js'
import { SCHEMA } from '../fixture_schema.js'

const model = formModel(SCHEMA)
const zh = (/** @type {any} */ l) => l.zh
const ENTRY = '0b9f6a8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b'

test('sections and items come from x-sections and the properties', () => {
  assert.deepEqual(model.sections.map((s) => s.id), ['general', 'cold', 'sign'])
  assert.equal(model.items.frozen_temp.kind, 'number')
  assert.deepEqual(model.items.frozen_temp.acceptable, { max: -18 })
  assert.equal(model.items.frozen_temp.unit, '℃')
  assert.equal(model.items.licence.allow_na, true)
  assert.deepEqual(model.items.stalls.children?.map((c) => c.id), ['stall_no', 'prices', 'stall_photos'])
  assert.equal(model.items.manager_sign.witness_on_refusal, true)
  assert.equal(model.items.photos.required, false)
})

test('conditional sections and items appear and disappear with the answers', () => {
  assert.deepEqual(visibleSections(model, {}).map((s) => s.id), ['general', 'sign'])
  assert.deepEqual(visibleItems(model.sections[0], {}).map((i) => i.id), ['fresh', 'photos', 'licence'])
  const fresh = { fresh: 'yes' }
  assert.deepEqual(visibleSections(model, fresh).map((s) => s.id), ['general', 'cold', 'sign'])
  assert.deepEqual(visibleItems(model.sections[0], fresh).map((i) => i.id), ['fresh', 'categories', 'photos', 'licence'])
  assert.deepEqual(visibleItems(model.sections[1], { ...fresh, categories: ['dairy'] }).map((i) => i.id), ['stalls'])
  assert.equal(holds({ item: 'categories', any_of: ['frozen'] }, { categories: ['dairy', 'frozen'] }), true)
  assert.equal(holds({ item: 'fresh', any_of: ['yes'] }, { fresh: null }), false)
})

test('a reading outside the acceptable range is a failed item, not an error', () => {
  const item = model.items.frozen_temp
  assert.equal(outcome(item, -20), 'pass')
  assert.equal(outcome(item, -18), 'pass')
  assert.equal(outcome(item, -12.5), 'fail')
  assert.equal(outcome(item, null), null)
  assert.equal(rangeText(item.acceptable, '℃'), '≤ -18 ℃')
  assert.equal(rangeText({ min: -2, max: 5 }, '℃'), '-2 ~ 5 ℃')
  assert.equal(rangeText({ min: 60 }, '℃'), '≥ 60 ℃')
  const answers = { fresh: 'yes', categories: ['frozen'], frozen_temp: -12, licence: 'fail' }
  assert.deepEqual(failedPointers(model, answers), ['/licence', '/frozen_temp'])
  assert.deepEqual(failedPointers(model, { ...answers, categories: ['dairy'] }), ['/licence']) // hidden: not failed
})

test('an exclusive limit is not reached: -18 fails below -18 ℃, an exclusive bound reads from exclusiveMinimum', () => {
  const frozen = formModel({
    ...SCHEMA,
    properties: {
      ...SCHEMA.properties,
      frozen_temp: {
        ...SCHEMA.properties.frozen_temp,
        exclusiveMinimum: -60,
        minimum: undefined,
        'x-acceptable': { max: -18, max_exclusive: true },
      },
    },
  }).items.frozen_temp
  assert.equal(outcome(frozen, -18), 'fail')
  assert.equal(outcome(frozen, -18.1), 'pass')
  assert.equal(rangeText(frozen.acceptable, '℃'), '< -18 ℃')
  assert.deepEqual(frozen.bounds, { min: -60, max: 40, min_exclusive: true, max_exclusive: false })
  assert.equal(inRange(-60, frozen.bounds), false)
  assert.equal(inRange(40, frozen.bounds), true)
  assert.equal(rangeText({ min: 0, max: 5, min_exclusive: true }, '℃'), '> 0, ≤ 5 ℃')
})

test('a failed item asks for the evidence its x-evidence-on-fail names', () => {
  assert.deepEqual(evidenceNeeded(model.items.licence, 'fail'), ['photo', 'signature'])
  assert.deepEqual(evidenceNeeded(model.items.licence, 'pass'), [])
  assert.deepEqual(evidenceNeeded(model.items.frozen_temp, -3), ['photo'])
  assert.equal(evidencePhotoItem(model)?.id, 'photos')
})

test('what a submission still lacks, as the server checks it', () => {
  assert.deepEqual(missingPointers(model, {}), ['/fresh', '/licence', '/manager_sign'])
  const answers = { fresh: 'yes', categories: [], licence: 'pass', stalls: { [ENTRY]: { prices: 'pass' } } }
  assert.deepEqual(missingPointers(model, answers), ['/categories', `/stalls/${ENTRY}/stall_no`, '/manager_sign'])
  assert.equal(missingPointers(model, { ...answers, categories: ['frozen'] })[0], '/frozen_temp')
  assert.deepEqual(progress(model.sections, {}), { done: 0, total: 3 })
  assert.deepEqual(progress(model.sections, { fresh: 'no', licence: 'na', notes: 'x' }), { done: 3, total: 4 })
})

test('JSON pointers from problems read as item labels', () => {
  const answers = { stalls: { [ENTRY]: {} } }
  assert.equal(pointerLabel(model, '/frozen_temp', zh), '冷冻柜温度')
  assert.equal(pointerLabel(model, '/answers/licence', zh), '证照齐全')
  assert.equal(pointerLabel(model, `/stalls/${ENTRY}/prices`, zh, answers), '摊位 › 摊位 1 › 明码标价')
  assert.equal(pointerLabel(model, '/manager_sign/signer_name', zh), '负责人签字 › signer_name')
  assert.equal(pointerLabel(model, '/nothing', zh), '/nothing')
})

test('decimals: a reading has at most the declared places, as the server rounds to check', () => {
  assert.ok(hasDecimals(2, 0) && hasDecimals(2.0, 0) && hasDecimals(36.6, 1) && hasDecimals(-18, 1))
  assert.ok(hasDecimals(7.25, 2) && hasDecimals(0.000001, 6) && hasDecimals(1e300, 0))
  assert.ok(!hasDecimals(1.5, 0) && !hasDecimals(36.65, 1) && !hasDecimals(0.1 + 0.2, 1) && !hasDecimals(1.0000001, 6))
  const frozen = model.items.frozen_temp
  assert.equal(frozen.decimals, 1)
  assert.equal(decimalsProblem(frozen, -18.5), '')
  assert.equal(decimalsProblem(frozen, -18.25), '最多 1 位小数 / at most 1 decimal places')
  assert.equal(decimalsProblem({ ...frozen, decimals: 0 }, 1.5), '应为整数 / a whole number')
})

test('a schema with conditional items as if/then reads as the same form', () => {
  const { frozen_temp: frozen, ...always } = SCHEMA.properties
  const stalls = SCHEMA.properties.stalls
  const entry = stalls.additionalProperties
  const [first, ...rest] = Object.keys(entry.properties)
  const published = {
    ...SCHEMA,
    properties: always,
    patternProperties: { '^frozen_temp$': frozen },
    allOf: [{ if: { properties: { categories: { type: 'array', contains: { enum: ['frozen'] } } }, required: ['categories'] }, then: { properties: { frozen_temp: frozen } } }],
  }
  // a group's entry: its first item moved to patternProperties, the order kept by x-order
  published.properties = {
    ...always,
    stalls: {
      ...stalls,
      additionalProperties: {
        ...entry,
        properties: Object.fromEntries(rest.map((id) => [id, entry.properties[id]])),
        patternProperties: { [`^${first}$`]: entry.properties[first] },
        'x-order': Object.keys(entry.properties),
      },
    },
  }
  const read = formModel(published)
  assert.deepEqual(Object.keys(read.items).sort(), Object.keys(model.items).sort())
  assert.deepEqual(read.items.frozen_temp, model.items.frozen_temp)
  assert.deepEqual(read.items.stalls.children, model.items.stalls.children)
  assert.deepEqual(read.sections.map((s) => s.items.map((i) => i.id)), model.sections.map((s) => s.items.map((i) => i.id)))
})

test('pass/fail published as oneOf of const and title reads the same', () => {
  const verdict = (/** @type {string} */ v) => ({ const: v, title: v })
  const { enum: _, ...licence } = SCHEMA.properties.licence
  const withNa = formModel({ ...SCHEMA, properties: { ...SCHEMA.properties, licence: { ...licence, oneOf: ['pass', 'fail', 'na'].map(verdict) } } })
  const withoutNa = formModel({ ...SCHEMA, properties: { ...SCHEMA.properties, licence: { ...licence, oneOf: ['pass', 'fail'].map(verdict) } } })
  assert.equal(withNa.items.licence.allow_na, true)
  assert.equal(withoutNa.items.licence.allow_na, false)
})
