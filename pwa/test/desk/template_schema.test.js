// Template ↔ published schema: a version's schema read back as its template, and the schema of a
// template being edited read by the phone's own form model exactly as the published one is.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formModel } from '../../src/model/form.js'
import { schemaFromTemplate, templateFromSchema } from '../../src/desk/template_schema.js'
import { SCHEMA } from '../fixture_schema.js'

/** The form model without its schema (which differs in what only validation reads). */
const modelOf = (schema) => {
  const { schema: _, ...rest } = formModel(schema)
  return JSON.parse(JSON.stringify(rest))
}

test('a published schema read back as a template gives the phone the same form', () => {
  const template = templateFromSchema(SCHEMA)
  assert.deepEqual(modelOf(schemaFromTemplate(template)), modelOf(SCHEMA))
})

test('a template read back from its own schema is the same template', () => {
  const template = templateFromSchema(SCHEMA)
  assert.deepEqual(templateFromSchema(schemaFromTemplate(template)), template)
})

test('limits: exclusive ends become exclusiveMinimum/Maximum and stay on x-acceptable', () => {
  const template = {
    checklist_id: 'cold', version: 1, title: { zh: '冷库', en: 'Cold' }, description: { zh: '', en: '' },
    sources: [{ title: '超市服务管理规范' }], scoring: { pass_mark: 80, critical_fails_inspection: true }, site_types: [],
    sections: [{ id: 's', title: { zh: '冷冻', en: 'Frozen' }, show_if: null, items: [{
      id: 'freezer', kind: 'number', label: { zh: '冷冻柜温度', en: 'Freezer' }, clause: '6.2.1', severity: 'critical', weight: 2,
      required: true, evidence_on_fail: ['photo'], show_if: null, help: null, unit: '℃', decimals: 1,
      acceptable: { max: -18, max_exclusive: true }, bounds: { min: -60, max: 30, max_exclusive: true },
    }] }],
  }
  const schema = schemaFromTemplate(template)
  const prop = schema.properties.freezer
  assert.deepEqual([prop.minimum, prop.exclusiveMaximum, prop.maximum], [-60, 30, undefined])
  assert.deepEqual(prop['x-acceptable'], { max: -18, max_exclusive: true })
  assert.deepEqual(templateFromSchema(schema).sections[0].items[0].bounds, { min: -60, max: 30, max_exclusive: true })
  const item = formModel(schema).items.freezer
  assert.equal(item.severity, 'critical')
  assert.deepEqual(item.evidence_on_fail, ['photo'])
})

test('the merge policy in effect is written back only where it is not the kind’s default', () => {
  const items = templateFromSchema(SCHEMA).sections.flatMap((s) => s.items)
  const merges = Object.fromEntries(items.map((i) => [i.kind, i.merge]))
  assert.equal(merges.single_choice, undefined) // "manual", the default of its kind
  assert.equal(merges.multi_choice, 'manual') // not "set", its default: written
  const schema = schemaFromTemplate(templateFromSchema(SCHEMA))
  for (const [id, p] of Object.entries(schema.properties)) assert.equal(p['x-merge'], SCHEMA.properties[id]['x-merge'], id)
})
