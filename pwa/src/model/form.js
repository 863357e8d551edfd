// @ts-check
// The form model read from a checklist version's published JSON Schema and its x- annotations,
// and the rules the form applies: visibility (x-show-if, sections' show_if), outcomes (a
// reading outside x-acceptable fails), progress, what a submission still lacks (as
// schemas/answers.py checks it), the evidence a failure asks for, pointers → item labels.
// Pure functions: no DOM.
import { entryItems, itemSchemas } from '../lib/schema.js'

/**
 * @typedef {{id: string, kind: string, label: {zh: string, en: string}, help: any, clause: string,
 *   severity: string, weight: number, required: boolean, evidence_on_fail: string[], show_if: any,
 *   merge: string, unit?: string, decimals?: number, acceptable?: Range|null,
 *   bounds?: Range, options?: {value: string, label: any}[],
 *   fail_values?: string[], min_selected?: number, max_selected?: number, allow_na?: boolean,
 *   min_count?: number, max_count?: number, multiline?: boolean, max_length?: number,
 *   signer?: any, covers?: string[], witness_on_refusal?: boolean, date_only?: boolean,
 *   entry_label?: any, min_entries?: number, max_entries?: number, children?: Item[],
 *   section?: string}} Item
 */

/** @typedef {{id: string, title: {zh: string, en: string}, show_if: any, items: Item[]}} Section */

/** A limit pair; an end marked exclusive is not reached. @typedef {{min?: number, max?: number, min_exclusive?: boolean, max_exclusive?: boolean}} Range */

/** @param {any} schema @param {string} id @param {string} [section] @returns {Item} */
function readItem(schema, id, section) {
  /** @type {Item} */
  const item = {
    id,
    kind: schema['x-kind'],
    label: schema['x-label'] || { zh: schema.title || id, en: schema.title || id },
    help: schema['x-help'] || null,
    clause: schema['x-clause'] || '',
    severity: schema['x-severity'] || 'minor',
    weight: schema['x-weight'] ?? 1,
    required: schema['x-required'] !== false,
    evidence_on_fail: schema['x-evidence-on-fail'] || [],
    show_if: schema['x-show-if'] || null,
    merge: schema['x-merge'] || 'manual',
    section,
  }
  switch (item.kind) {
    case 'pass_fail':
      item.allow_na = (schema.enum || schema.oneOf?.map((/** @type {any} */ o) => o.const) || []).includes('na')
      break
    case 'number':
      item.unit = schema['x-unit'] || ''
      item.decimals = schema['x-decimals'] ?? 1
      item.acceptable = schema['x-acceptable'] || null
      item.bounds = {
        min: schema.minimum ?? schema.exclusiveMinimum,
        max: schema.maximum ?? schema.exclusiveMaximum,
        min_exclusive: schema.exclusiveMinimum !== undefined,
        max_exclusive: schema.exclusiveMaximum !== undefined,
      }
      break
    case 'single_choice':
    case 'multi_choice':
      item.options = schema['x-options'] || []
      item.fail_values = schema['x-fail-values'] || []
      item.min_selected = schema['x-min-selected'] || 0
      item.max_selected = schema.maxItems
      break
    case 'text':
      item.multiline = !!schema['x-multiline']
      item.max_length = schema.maxLength
      break
    case 'photo':
      item.min_count = schema['x-min-count'] ?? 1
      item.max_count = schema.maxItems ?? 10
      break
    case 'signature':
      item.signer = schema['x-signer'] || null
      item.covers = schema['x-covers'] || []
      item.witness_on_refusal = !!schema['x-witness-on-refusal']
      break
    case 'datetime':
      item.date_only = schema.format === 'date'
      break
    case 'group': {
      item.children = entryItems(schema.additionalProperties).map(([cid, c]) => readItem(c, cid))
      item.entry_label = schema['x-entry-label'] || item.label
      item.min_entries = schema['x-min-entries'] || 0
      item.max_entries = schema.maxProperties
      break
    }
  }
  return item
}

/** The model of one checklist version. @param {any} schema */
export function formModel(schema) {
  const properties = itemSchemas(schema)
  /** @type {Record<string, Item>} */
  const items = {}
  /** @type {Section[]} */
  const sections = (schema['x-sections'] || []).map((/** @type {any} */ s) => ({
    id: s.id,
    title: s.title,
    show_if: s.show_if || null,
    items: s.items.map((/** @type {string} */ id) => (items[id] = readItem(properties[id], id, s.id))),
  }))
  const x = schema['x-checklist'] || {}
  return { id: x.id, version: x.version, title: x.title, description: x.description, sections, items, schema }
}

/** Whether a show-if condition holds (null always holds). @param {any} condition @param {Record<string, any>} answers */
export function holds(condition, answers) {
  if (!condition) return true
  const value = answers?.[condition.item]
  if (Array.isArray(value)) return value.some((v) => condition.any_of.includes(v))
  return value !== null && value !== undefined && condition.any_of.includes(value)
}

/** Sections shown for these answers. @param {ReturnType<typeof formModel>} model @param {Record<string, any>} answers */
export function visibleSections(model, answers) {
  return model.sections.filter((s) => holds(s.show_if, answers))
}

/** @param {{items: Item[]}} section @param {Record<string, any>} answers */
export function visibleItems(section, answers) {
  return section.items.filter((item) => holds(item.show_if, answers))
}

/**
 * Whether a number has at most `places` decimal places: rounding it there leaves it unchanged, as
 * schemas/answer_records.py has_decimals() checks (toFixed and Python's round are both exact).
 * @param {number} value @param {number|undefined} places
 */
export function hasDecimals(value, places) {
  return Number.isInteger(value) || Number(value.toFixed(places ?? 1)) === value
}

/**
 * What is wrong with a reading's decimals, zh-CN / English, or '' when it fits.
 * @param {Item} item @param {number} value
 */
export function decimalsProblem(item, value) {
  if (hasDecimals(value, item.decimals)) return ''
  const places = item.decimals ?? 1
  return places === 0 ? '应为整数 / a whole number' : `最多 ${places} 位小数 / at most ${places} decimal places`
}

/**
 * Within the range, as schemas/answers.py decides: an exclusive end is not reached, an inclusive one may be.
 * @param {number} value @param {Range|null|undefined} range
 */
export function inRange(value, range) {
  if (!range) return true
  const lo = range.min === undefined || range.min === null ||
    value > range.min || (value === range.min && !range.min_exclusive)
  const hi = range.max === undefined || range.max === null ||
    value < range.max || (value === range.max && !range.max_exclusive)
  return lo && hi
}

/**
 * 'pass' | 'fail' | 'na' | null, as schemas/answers.py outcome() decides.
 * @param {Item} item @param {any} value
 */
export function outcome(item, value) {
  if (value === null || value === undefined) return null
  if (item.kind === 'pass_fail') return value
  if (item.kind === 'number') {
    if (!item.acceptable || typeof value !== 'number') return null
    return inRange(value, item.acceptable) ? 'pass' : 'fail'
  }
  if (item.kind === 'single_choice') {
    if (!item.fail_values?.length) return null
    return item.fail_values.includes(value) ? 'fail' : 'pass'
  }
  if (item.kind === 'multi_choice') {
    if (!item.fail_values?.length || !Array.isArray(value)) return null
    return value.some((v) => item.fail_values?.includes(v)) ? 'fail' : 'pass'
  }
  return null
}

/** A range as text: "≤ -18 ℃", "< -18 ℃", "-2 ~ 5 ℃", "≥ 60 ℃". @param {Range|null|undefined} range @param {string} unit */
export function rangeText(range, unit) {
  if (!range) return ''
  const lo = range.min
  const hi = range.max
  const u = unit ? ` ${unit}` : ''
  const hasLo = lo !== undefined && lo !== null
  const hasHi = hi !== undefined && hi !== null
  const loText = hasLo ? `${range.min_exclusive ? '>' : '≥'} ${lo}` : ''
  const hiText = hasHi ? `${range.max_exclusive ? '<' : '≤'} ${hi}` : ''
  if (hasLo && hasHi && !range.min_exclusive && !range.max_exclusive) return `${lo} ~ ${hi}${u}`
  if (hasLo && hasHi) return `${loText}, ${hiText}${u}`
  return hasLo || hasHi ? `${loText}${hiText}${u}` : ''
}

/** Whether an item counts as answered. @param {Item} item @param {any} value */
export function isAnswered(item, value) {
  if (value === null || value === undefined) return false
  if (item.kind === 'photo') return Array.isArray(value) && value.length >= (item.min_count || 0) && value.length > 0
  if (item.kind === 'multi_choice') return Array.isArray(value) && value.length >= (item.min_selected || 0)
  if (item.kind === 'group') return Object.keys(value).length >= (item.min_entries || 0)
  return true
}

/**
 * Every pointer a submission still lacks, as schemas/answers.py _missing() finds them.
 * @param {ReturnType<typeof formModel>} model @param {Record<string, any>} answers
 * @returns {string[]}
 */
export function missingPointers(model, answers) {
  const out = []
  for (const section of visibleSections(model, answers)) {
    for (const item of visibleItems(section, answers)) {
      const value = answers[item.id]
      const at = `/${item.id}`
      if (value === null || value === undefined) {
        if (item.required || (item.kind === 'group' && (item.min_entries || 0) > 0)) out.push(at)
        continue
      }
      if (item.kind === 'photo' && Array.isArray(value) && value.length < (item.min_count || 0)) out.push(at)
      if (item.kind === 'multi_choice' && Array.isArray(value) && value.length < (item.min_selected || 0)) out.push(at)
      if (item.kind === 'group' && typeof value === 'object') {
        if (Object.keys(value).length < (item.min_entries || 0)) out.push(at)
        for (const [entryId, entry] of Object.entries(value)) {
          for (const child of item.children || []) {
            if (holds(child.show_if, entry) && child.required && (entry?.[child.id] ?? null) === null) {
              out.push(`${at}/${entryId}/${child.id}`)
            }
          }
        }
      }
    }
  }
  return out
}

/**
 * Progress of a section or the whole form: answered / to answer (visible, required or answered).
 * @param {{items: Item[]}[]} sections @param {Record<string, any>} answers
 */
export function progress(sections, answers) {
  let done = 0
  let total = 0
  for (const section of sections) {
    for (const item of visibleItems(section, answers)) {
      const answered = isAnswered(item, answers[item.id])
      if (!item.required && !answered) continue
      total += 1
      if (answered) done += 1
    }
  }
  return { done, total }
}

/** The failed visible items (pointers), as schemas/answers.py failed_items(). @param {ReturnType<typeof formModel>} model @param {Record<string, any>} answers */
export function failedPointers(model, answers) {
  const out = []
  for (const section of visibleSections(model, answers)) {
    for (const item of visibleItems(section, answers)) {
      const value = answers[item.id]
      if (item.kind === 'group') {
        for (const [entryId, entry] of Object.entries(value || {})) {
          for (const child of item.children || []) {
            if (holds(child.show_if, entry) && outcome(child, entry?.[child.id]) === 'fail') {
              out.push(`/${item.id}/${entryId}/${child.id}`)
            }
          }
        }
      } else if (outcome(item, value) === 'fail') out.push(`/${item.id}`)
    }
  }
  return out
}

/** The evidence a failed answer asks for: a subset of ['photo', 'signature']. @param {Item} item @param {any} value */
export function evidenceNeeded(item, value) {
  return outcome(item, value) === 'fail' ? item.evidence_on_fail : []
}

/** The first photo item of the form (where failure photos are attached). @param {ReturnType<typeof formModel>} model */
export function evidencePhotoItem(model) {
  return Object.values(model.items).find((i) => i.kind === 'photo') || null
}

/** The signature items of the form. @param {ReturnType<typeof formModel>} model */
export function signatureItems(model) {
  return Object.values(model.items).filter((i) => i.kind === 'signature')
}

/**
 * A JSON Pointer from a problem's errors as the inspector reads it: item labels, entry numbers.
 * @param {ReturnType<typeof formModel>} model @param {string} pointer @param {(l: any) => string} label
 * @param {Record<string, any>} [answers] to number group entries
 */
export function pointerLabel(model, pointer, label, answers = {}) {
  const parts = pointer.replace(/^\/answers(?=\/)/, '').split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
  const item = model.items[parts[0]]
  if (!item) return pointer
  const out = [label(item.label)]
  if (item.kind === 'group' && parts[1]) {
    const keys = Object.keys(answers[item.id] || {})
    const n = keys.indexOf(parts[1])
    out.push(`${label(item.entry_label)} ${n >= 0 ? n + 1 : '?'}`)
    const child = item.children?.find((c) => c.id === parts[2])
    if (child) out.push(label(child.label))
  } else if (parts[1]) out.push(parts.slice(1).join('.'))
  return out.join(' › ')
}

/** The section index holding an item. @param {ReturnType<typeof formModel>} model @param {string} itemId */
export function sectionOf(model, itemId) {
  return model.sections.findIndex((s) => s.items.some((i) => i.id === itemId))
}
