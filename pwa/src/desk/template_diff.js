// @ts-check
// The difference between the published version and the template being edited: items added,
// removed, moved (to another section, or out of the order the others keep) and changed field by
// field — in the shape POST /api/checklists/validate answers ({base_version, added, removed,
// moved, changed: [{item, field, before, after}]}), computed here while no answer has come, and
// its rendering. diffTemplates is pure; diffView builds DOM.
import { h } from '../lib/dom.js'
import { L, t } from '../i18n/index.js'
import { cleanTemplate, kindDefaults } from './template_ops.js'

/** Defaults an item's fields take when left out (schemas/template.py). */
const ITEM_DEFAULTS = { severity: 'minor', weight: 1, required: true, evidence_on_fail: [] }

/** Every item by id, with its section and place, group children after their group. @param {any} template */
function itemsOf(template) {
  /** @type {Map<string, {item: any, section: string, order: number}>} */
  const out = new Map()
  let order = 0
  for (const section of cleanTemplate(template).sections) {
    for (const item of section.items) {
      out.set(item.id, { item, section: section.id, order: order++ })
      for (const child of item.items || []) out.set(child.id, { item: child, section: section.id, order: order++ })
    }
  }
  return out
}

/** An item's fields flattened one level ("label.zh", "acceptable.min"), defaults filled in. @param {any} item */
export function flatFields(item) {
  const full = { ...ITEM_DEFAULTS, ...kindDefaults(item.kind), ...item }
  /** @type {Record<string, any>} */
  const out = {}
  for (const [key, value] of Object.entries(full)) {
    if (key === 'id' || key === 'items' || value === null || value === undefined) continue
    if (typeof value === 'object' && !Array.isArray(value)) {
      for (const [sub, v] of Object.entries(value)) out[`${key}.${sub}`] = v
    } else out[key] = value
  }
  return out
}

/** The longest increasing run of a list of numbers, as a set of its members (patience sorting). @param {number[]} seq */
function longestIncreasing(seq) {
  /** @type {number[]} */
  const tails = []
  /** @type {number[]} */
  const prev = new Array(seq.length).fill(-1)
  /** @type {number[]} */
  const tailAt = []
  seq.forEach((value, i) => {
    let lo = 0
    let hi = tails.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (tails[mid] < value) lo = mid + 1
      else hi = mid
    }
    tails[lo] = value
    tailAt[lo] = i
    prev[i] = lo > 0 ? tailAt[lo - 1] : -1
  })
  const keep = new Set()
  for (let i = tails.length ? tailAt[tails.length - 1] : -1; i >= 0; i = prev[i]) keep.add(seq[i])
  return keep
}

/** The same value, compared as JSON. @param {any} a @param {any} b */
const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/**
 * What changed from `base` (the published version, or null for a new checklist) to `next`.
 * @param {any|null} base @param {any} next
 */
export function diffTemplates(base, next) {
  const after = itemsOf(next)
  if (!base) return { base_version: null, added: [...after.keys()], removed: [], moved: [], changed: [] }
  const before = itemsOf(base)
  const common = [...after.keys()].filter((id) => before.has(id))
  const kept = longestIncreasing(common.map((id) => /** @type {any} */ (before.get(id)).order))
  /** @type {{item: string, field: string, before: any, after: any}[]} */
  const changed = []
  for (const id of common) {
    const a = flatFields(/** @type {any} */ (before.get(id)).item)
    const b = flatFields(/** @type {any} */ (after.get(id)).item)
    for (const field of [...new Set([...Object.keys(a), ...Object.keys(b)])]) {
      if (!same(a[field], b[field])) changed.push({ item: id, field, before: a[field] ?? null, after: b[field] ?? null })
    }
  }
  return {
    base_version: base.version ?? null,
    added: [...after.keys()].filter((id) => !before.has(id)),
    removed: [...before.keys()].filter((id) => !after.has(id)),
    moved: common.filter((id) => before.get(id)?.section !== after.get(id)?.section || !kept.has(before.get(id)?.order)),
    changed,
  }
}

/** Whether a diff holds no change. @param {any} diff */
export function isEmptyDiff(diff) {
  return !diff.added.length && !diff.removed.length && !diff.moved.length && !diff.changed.length
}

/** A diff entry's item id (the server may send ids or {item} objects). @param {any} entry */
const idOf = (entry) => (typeof entry === 'string' ? entry : entry?.item || entry?.id || '')

/** A value as the diff shows it. @param {any} value */
export function valueText(value) {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'boolean') return value ? t('te_yes') : t('te_no')
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/**
 * The diff as lists: added, removed, moved, and a table of changed fields. Item ids are shown
 * with their label in the edited (or, for removed items, the published) template.
 * @param {any} diff @param {any} next @param {any|null} base
 */
export function diffView(diff, next, base) {
  const labels = new Map([...(base ? itemsOf(base) : new Map()), ...itemsOf(next)].map(([id, v]) => [id, v.item.label]))
  const name = (/** @type {any} */ entry) => {
    const id = idOf(entry)
    if (!id) return t('desk_checklist') // a field of the checklist itself (item null)
    const label = labels.get(id)
    return label && (label.zh || label.en) ? `${L(label)} (${id})` : id
  }
  const list = (/** @type {string} */ kind, /** @type {any[]} */ entries) =>
    entries.length > 0 && h('div', { class: 'diff-group', 'data-diff': kind },
      h('h4', null, `${t(/** @type {any} */ (`te_diff_${kind}`))} (${entries.length})`),
      h('ul', null, entries.map((e) => h('li', { 'data-item': idOf(e) }, name(e)))))
  if (isEmptyDiff(diff)) return h('p', { class: 'muted', 'data-diff': 'none' }, t('te_diff_none'))
  return h('div', { class: 'template-diff' },
    h('p', { class: 'muted' }, diff.base_version ? t('te_diff_against', { version: diff.base_version }) : t('te_diff_new')),
    list('added', diff.added),
    list('removed', diff.removed),
    list('moved', diff.moved),
    diff.changed.length > 0 && h('div', { class: 'diff-group', 'data-diff': 'changed' },
      h('h4', null, `${t('te_diff_changed')} (${diff.changed.length})`),
      h('table', { class: 'desk-table diff-table' },
        h('thead', null, h('tr', null, h('th', null, t('te_item')), h('th', null, t('te_field')), h('th', null, t('te_before')), h('th', null, t('te_after')))),
        h('tbody', null, diff.changed.map((/** @type {any} */ c) => h('tr', { 'data-item': c.item, 'data-field': c.field },
          h('td', null, name(c.item)), h('td', null, c.field), h('td', { class: 'before' }, valueText(c.before)), h('td', { class: 'after' }, valueText(c.after))))))),
  )
}
