// The template editor's operations: a checklist built from nothing, items moved by index (as
// drag and drop and the up/down buttons ask), kinds changed, fields set by name, choices, and
// the template cleaned before it is sent.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  addItem,
  addOption,
  addSection,
  blankTemplate,
  cleanTemplate,
  conditionSources,
  itemIds,
  moveItem,
  moveSection,
  nextVersion,
  numberOf,
  removeItem,
  removeOption,
  renameItem,
  renameOption,
  sectionConditionSources,
  setFailValue,
  setField,
  setKind,
} from '../../src/desk/template_ops.js'

const ids = (template, s = 0) => template.sections[s].items.map((i) => i.id)

test('items get fresh ids and the kind’s defaults', () => {
  const tpl = blankTemplate()
  const a = addItem(tpl, 0, 'pass_fail')
  const b = addItem(tpl, 0, 'number')
  const c = addItem(tpl, 0, 'single_choice')
  assert.deepEqual(ids(tpl), ['item_1', 'item_2', 'item_3'])
  assert.equal(a.allow_na, true)
  assert.deepEqual([b.unit, b.decimals, b.acceptable], ['', 1, null])
  assert.deepEqual(c.options.map((o) => o.value), ['yes', 'no'])
  removeItem(tpl, 0, 0)
  assert.equal(addItem(tpl, 0, 'text').id, 'item_1') // the freed id is used again
  assert.deepEqual(itemIds(tpl), ['item_2', 'item_3', 'item_1'])
})

test('moving an item: within a section, up and down, to another section, clamped', () => {
  const tpl = blankTemplate()
  for (const kind of ['pass_fail', 'number', 'text']) addItem(tpl, 0, kind)
  moveItem(tpl, { section: 0, index: 2 }, { section: 0, index: 0 }) // dragged onto the first
  assert.deepEqual(ids(tpl), ['item_3', 'item_1', 'item_2'])
  moveItem(tpl, { section: 0, index: 0 }, { section: 0, index: 1 }) // ↓
  assert.deepEqual(ids(tpl), ['item_1', 'item_3', 'item_2'])
  moveItem(tpl, { section: 0, index: 0 }, { section: 0, index: -1 }) // ↑ on the first: stays
  assert.deepEqual(ids(tpl), ['item_1', 'item_3', 'item_2'])
  addSection(tpl)
  moveItem(tpl, { section: 0, index: 1 }, { section: 1, index: 99 }) // dropped on the foot of section 2
  assert.deepEqual([ids(tpl, 0), ids(tpl, 1)], [['item_1', 'item_2'], ['item_3']])
  moveSection(tpl, 1, 0)
  assert.deepEqual(tpl.sections.map((s) => s.id), ['section_2', 'section_1'])
})

test('removing an item drops the conditions that named it', () => {
  const tpl = blankTemplate()
  const gate = addItem(tpl, 0, 'single_choice')
  const shown = addItem(tpl, 0, 'text')
  shown.show_if = { item: gate.id, any_of: ['yes'] }
  assert.deepEqual(conditionSources(tpl, shown.id).map((i) => i.id), [gate.id])
  assert.deepEqual(conditionSources(tpl, gate.id), []) // only earlier items
  removeItem(tpl, 0, 0)
  assert.equal(tpl.sections[0].items[0].show_if, null)
})

test('a kind change keeps the common fields and what still fits', () => {
  const tpl = blankTemplate()
  const item = addItem(tpl, 0, 'number')
  setField(item, 'label.zh', '温度')
  setField(item, 'acceptable.max', 4)
  item.evidence_on_fail = ['photo']
  setKind(item, 'single_choice')
  assert.equal(item.kind, 'single_choice')
  assert.equal(item.label.zh, '温度')
  assert.equal(item.acceptable, undefined)
  assert.equal(item.options.length, 2)
  assert.deepEqual(item.evidence_on_fail, ['photo'])
  setKind(item, 'text')
  assert.deepEqual(item.evidence_on_fail, []) // text cannot fail
  assert.equal(item.options, undefined)
})

test('choices: added with a fresh value, removed with their failing mark', () => {
  const tpl = blankTemplate()
  const item = addItem(tpl, 0, 'single_choice')
  addOption(item)
  assert.equal(item.options[2].value, 'option_1')
  setFailValue(item, 'no', true)
  setFailValue(item, 'option_1', true)
  setFailValue(item, 'option_1', false)
  assert.deepEqual(item.fail_values, ['no'])
  removeOption(item, 1)
  assert.deepEqual(item.fail_values, [])
})

test('numbers as typed: full-width signs accepted, words kept as NaN', () => {
  assert.equal(numberOf(' −18 '), -18)
  assert.equal(numberOf('4。5'), 4.5)
  assert.equal(numberOf(''), null)
  assert.ok(Number.isNaN(numberOf('四')))
})

test('the template as sent: empty ranges, help and conditions left out, exclusive ends kept', () => {
  const tpl = blankTemplate()
  const n = addItem(tpl, 0, 'number')
  setField(n, 'acceptable.max', -18)
  setField(n, 'acceptable.max_exclusive', true)
  setField(n, 'acceptable.min_exclusive', true) // no min: the flag goes too
  setField(n, 'bounds.min', null)
  n.help = { zh: '', en: '' }
  const t = addItem(tpl, 0, 'text')
  t.show_if = { item: n.id, any_of: [] }
  const sent = cleanTemplate(tpl)
  assert.deepEqual(sent.sections[0].items[0].acceptable, { max: -18, max_exclusive: true })
  assert.equal('bounds' in sent.sections[0].items[0], false)
  assert.equal('help' in sent.sections[0].items[0], false)
  assert.equal('show_if' in sent.sections[0].items[1], false)
  assert.equal('show_if' in sent.sections[0], false)
  assert.equal(tpl.sections[0].items[0].bounds.min, null) // the editor's copy is untouched
})

test('the next version follows the latest; a new checklist starts at 1', () => {
  const list = [{ id: 'market_order', latest_version: 2, versions: [1, 2] }]
  assert.equal(nextVersion(list, 'market_order'), 3)
  assert.equal(nextVersion(list, 'stall_hygiene'), 1)
})

test('a section’s condition may name the choice items of the sections before it', () => {
  const tpl = blankTemplate()
  const gate = addItem(tpl, 0, 'pass_fail')
  addItem(tpl, 0, 'text')
  addSection(tpl)
  addItem(tpl, 1, 'single_choice')
  assert.deepEqual(sectionConditionSources(tpl, 0), [])
  assert.deepEqual(sectionConditionSources(tpl, 1).map((i) => i.id), [gate.id])
})

test('a choice renamed: its failing mark and the conditions naming it follow', () => {
  const tpl = blankTemplate()
  const gate = addItem(tpl, 0, 'single_choice')
  setFailValue(gate, 'no', true)
  const shown = addItem(tpl, 0, 'text')
  shown.show_if = { item: gate.id, any_of: ['no', 'yes'] }
  addSection(tpl)
  tpl.sections[1].show_if = { item: gate.id, any_of: ['no'] }
  gate.options[1].value = 'dirty' // as typed, then the edit is done
  renameOption(tpl, gate, 'no', 'dirty')
  assert.deepEqual(gate.options.map((o) => o.value), ['yes', 'dirty'])
  assert.deepEqual(gate.fail_values, ['dirty'])
  assert.deepEqual(shown.show_if.any_of, ['dirty', 'yes'])
  assert.deepEqual(tpl.sections[1].show_if.any_of, ['dirty'])
})

test('an item renamed: the conditions and signatures naming it follow', () => {
  const tpl = blankTemplate()
  const gate = addItem(tpl, 0, 'pass_fail')
  const shown = addItem(tpl, 0, 'text')
  shown.show_if = { item: gate.id, any_of: ['fail'] }
  const sign = addItem(tpl, 0, 'signature')
  sign.covers = [gate.id, shown.id]
  const old = gate.id
  gate.id = 'stall_clean'
  renameItem(tpl, old, 'stall_clean')
  assert.equal(shown.show_if.item, 'stall_clean')
  assert.deepEqual(sign.covers, ['stall_clean', shown.id])
})
