// The difference from the published version: added, removed, moved (by section or out of the
// order the others keep, not every item after an insertion) and changed field by field; and
// how the desk draws it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseHTML } from 'linkedom'
import { diffTemplates, diffView, flatFields } from '../../src/desk/template_diff.js'
import { setLang } from '../../src/i18n/index.js'

const { document, window } = parseHTML('<!doctype html><html><body></body></html>')
Object.assign(globalThis, { document, Node: window.Node })

const item = (id, extra = {}) => ({ id, kind: 'pass_fail', label: { zh: id, en: id }, clause: 'c', ...extra })
const template = (sections, version = 1) => ({
  checklist_id: 'x', version, title: { zh: 'x', en: 'x' }, description: { zh: '', en: '' }, sources: [{ title: 's' }],
  sections: Object.entries(sections).map(([id, items]) => ({ id, title: { zh: id, en: id }, items })),
})

test('a new checklist: everything added', () => {
  const diff = diffTemplates(null, template({ s: [item('a'), item('b')] }))
  assert.deepEqual(diff, { base_version: null, added: ['a', 'b'], removed: [], moved: [], changed: [] })
})

test('added, removed, moved and changed, each named once', () => {
  const base = template({ s: [item('a'), item('b'), item('c'), item('d')], t: [item('e')] }, 2)
  const next = template({
    s: [item('new'), item('b'), item('c', { severity: 'major', label: { zh: '改', en: 'c' } }), item('a')],
    t: [item('d'), item('e')],
  })
  const diff = diffTemplates(base, next)
  assert.equal(diff.base_version, 2)
  assert.deepEqual(diff.added, ['new'])
  assert.deepEqual(diff.removed, [])
  assert.deepEqual(diff.moved, ['a', 'd']) // b, c, e keep their order: not moved
  assert.deepEqual(diff.changed, [
    { item: 'c', field: 'severity', before: 'minor', after: 'major' },
    { item: 'c', field: 'label.zh', before: 'c', after: '改' },
  ])
  assert.deepEqual(diffTemplates(base, template({ s: [item('a'), item('b'), item('c')], t: [item('e')] }, 3)).removed, ['d'])
})

test('a default written out is no change; limits compare by their ends', () => {
  const base = template({ s: [item('n', { kind: 'number', unit: '℃', acceptable: { max: -18 } })] })
  const same = template({ s: [item('n', { kind: 'number', unit: '℃', acceptable: { max: -18 }, severity: 'minor', weight: 1, decimals: 1 })] })
  assert.deepEqual(diffTemplates(base, same).changed, [])
  const stricter = template({ s: [item('n', { kind: 'number', unit: '℃', acceptable: { max: -18, max_exclusive: true } })] })
  assert.deepEqual(diffTemplates(base, stricter).changed, [{ item: 'n', field: 'acceptable.max_exclusive', before: null, after: true }])
  assert.equal(flatFields(item('z')).required, true)
})

test('the diff drawn: lists by kind and a before/after table, labels beside ids', () => {
  setLang('zh')
  const base = template({ s: [item('a'), item('b')] }, 1)
  const next = template({ s: [item('b', { label: { zh: '地面', en: 'Floor' } }), item('c')] })
  const el = diffView(diffTemplates(base, next), next, base)
  assert.equal(el.querySelector('[data-diff=added] li').getAttribute('data-item'), 'c')
  assert.match(el.querySelector('[data-diff=removed] li').textContent, /a/)
  const row = el.querySelector('tr[data-item=b][data-field="label.zh"]')
  assert.equal(row.querySelector('.before').textContent, 'b')
  assert.equal(row.querySelector('.after').textContent, '地面')
  assert.match(el.textContent, /对比第 1 版/)
  assert.equal(diffView(diffTemplates(base, base), base, base).getAttribute('data-diff'), 'none')
})
