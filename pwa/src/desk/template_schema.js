// @ts-check
// Template JSON ↔ a version's published JSON Schema, for the template editor. A published
// schema carries its whole template in x- annotations (schemas/json_schema.py), so an admin can
// start from any version with only the routes the phone uses; the schema of the template being
// edited is what the live preview hands to the phone's own form model (model/form.js formModel).
// Pure functions: no DOM.
import { entryItems, itemSchemas } from '../lib/schema.js'

/** The merge policy of each kind when a template names none (schemas/template.py DEFAULT_MERGE). */
/** @type {Record<string, string>} */
const DEFAULT_MERGE = { multi_choice: 'set', photo: 'set', signature: 'immutable', group: 'items', gps: 'lww' }

/** @param {any} label */
const copyLabel = (label) => (label ? { zh: label.zh, en: label.en } : null)

/** A published range: its ends and exclusive flags. @param {any} range */
function rangeOf(range) {
  if (!range) return null
  const out = /** @type {Record<string, any>} */ ({})
  if (range.min !== undefined && range.min !== null) out.min = range.min
  if (range.max !== undefined && range.max !== null) out.max = range.max
  if (range.min_exclusive) out.min_exclusive = true
  if (range.max_exclusive) out.max_exclusive = true
  return Object.keys(out).length ? out : null
}

/** The bounds of a number schema (minimum / exclusiveMinimum …) as a template range. @param {any} schema */
function boundsOf(schema) {
  const out = /** @type {Record<string, any>} */ ({})
  if (schema.exclusiveMinimum !== undefined) Object.assign(out, { min: schema.exclusiveMinimum, min_exclusive: true })
  else if (schema.minimum !== undefined) out.min = schema.minimum
  if (schema.exclusiveMaximum !== undefined) Object.assign(out, { max: schema.exclusiveMaximum, max_exclusive: true })
  else if (schema.maximum !== undefined) out.max = schema.maximum
  return Object.keys(out).length ? out : null
}

/** The options of a choice item: x-options, else oneOf [{const, title}]. @param {any} schema */
function optionsOf(schema) {
  if (schema['x-options']) return schema['x-options'].map((/** @type {any} */ o) => ({ value: o.value, label: copyLabel(o.label) }))
  const oneOf = schema.oneOf || schema.items?.oneOf || schema.items?.anyOf || []
  return oneOf.map((/** @type {any} */ o) => ({ value: o.const, label: o['x-label'] || { zh: o.title, en: o.title } }))
}

/** The kind's own fields, read back from its schema. @param {string} kind @param {any} schema */
function kindFields(kind, schema) {
  switch (kind) {
    case 'pass_fail':
      return { allow_na: (schema.enum || (schema.oneOf || []).map((/** @type {any} */ o) => o.const)).includes('na') }
    case 'number':
      return { unit: schema['x-unit'] || '', decimals: schema['x-decimals'] ?? 1, acceptable: rangeOf(schema['x-acceptable']), bounds: boundsOf(schema) }
    case 'single_choice':
      return { options: optionsOf(schema), fail_values: [...(schema['x-fail-values'] || [])] }
    case 'multi_choice': {
      const out = /** @type {Record<string, any>} */ ({ options: optionsOf(schema), fail_values: [...(schema['x-fail-values'] || [])],
        min_selected: schema['x-min-selected'] || 0 })
      if (schema.maxItems !== undefined) out.max_selected = schema.maxItems
      return out
    }
    case 'text':
      return { max_length: schema.maxLength ?? 2000, multiline: !!schema['x-multiline'] }
    case 'photo':
      return { min_count: schema['x-min-count'] ?? 1, max_count: schema.maxItems ?? 10 }
    case 'signature':
      return { signer: copyLabel(schema['x-signer']), covers: [...(schema['x-covers'] || [])], witness_on_refusal: !!schema['x-witness-on-refusal'] }
    case 'gps':
      return schema['x-max-accuracy-m'] !== undefined ? { max_accuracy_m: schema['x-max-accuracy-m'] } : {}
    case 'datetime':
      return { date_only: schema.format === 'date' }
    default:
      return {}
  }
}

/** One item of a published schema as template JSON. @param {string} id @param {any} schema @returns {any} */
function itemFromSchema(id, schema) {
  const kind = schema['x-kind']
  const item = /** @type {Record<string, any>} */ ({
    id,
    kind,
    label: copyLabel(schema['x-label']) || { zh: schema.title || id, en: schema.title || id },
    clause: schema['x-clause'] || '',
    severity: schema['x-severity'] || 'minor',
    weight: schema['x-weight'] ?? 1,
    required: schema['x-required'] !== false,
    evidence_on_fail: [...(schema['x-evidence-on-fail'] || [])],
    show_if: schema['x-show-if'] ? structuredClone(schema['x-show-if']) : null,
    help: copyLabel(schema['x-help']),
    ...kindFields(kind, schema),
  })
  // the schema carries the merge policy in effect: a kind's default stays unwritten
  if (schema['x-merge'] && schema['x-merge'] !== (DEFAULT_MERGE[kind] || 'manual')) item.merge = schema['x-merge']
  if (kind === 'group') {
    const entry = schema.additionalProperties || {}
    item.entry_label = copyLabel(schema['x-entry-label'])
    item.items = entryItems(entry).map(([cid, c]) => itemFromSchema(cid, c))
    item.min_entries = schema['x-min-entries'] || 0
    if (schema.maxProperties !== undefined) item.max_entries = schema.maxProperties
  }
  return item
}

/** A published version's schema as the template it was published from. @param {any} schema */
export function templateFromSchema(schema) {
  const x = schema['x-checklist'] || {}
  const properties = itemSchemas(schema) // conditional items are in patternProperties (if/then)
  return {
    checklist_id: x.id,
    version: x.version,
    title: copyLabel(x.title),
    description: copyLabel(x.description) || { zh: '', en: '' },
    sources: structuredClone(x.sources || []),
    sections: (schema['x-sections'] || []).map((/** @type {any} */ s) => ({
      id: s.id,
      title: copyLabel(s.title),
      show_if: s.show_if ? structuredClone(s.show_if) : null,
      items: s.items.map((/** @type {string} */ id) => itemFromSchema(id, properties[id])),
    })),
    scoring: structuredClone(schema['x-scoring'] || { pass_mark: 80, critical_fails_inspection: true }),
    site_types: [...(x.site_types || [])],
  }
}

/** The schema of a number item's answer. @param {any} item */
function numberSchema(item) {
  const out = /** @type {Record<string, any>} */ ({ type: 'number', 'x-unit': item.unit || '', 'x-decimals': item.decimals ?? 1 })
  const b = item.bounds || {}
  if (typeof b.min === 'number') out[b.min_exclusive ? 'exclusiveMinimum' : 'minimum'] = b.min
  if (typeof b.max === 'number') out[b.max_exclusive ? 'exclusiveMaximum' : 'maximum'] = b.max
  const acceptable = rangeOf(item.acceptable)
  if (acceptable) out['x-acceptable'] = acceptable
  return out
}

/** The kind's part of an item's schema. @param {any} item */
function valueSchema(item) {
  const options = () => ({ 'x-options': item.options || [], 'x-fail-values': item.fail_values || [] })
  switch (item.kind) {
    case 'pass_fail':
      return { type: 'string', enum: item.allow_na === false ? ['pass', 'fail'] : ['pass', 'fail', 'na'] }
    case 'number':
      return numberSchema(item)
    case 'single_choice':
      return { type: 'string', enum: (item.options || []).map((/** @type {any} */ o) => o.value), ...options() }
    case 'multi_choice': {
      const out = /** @type {Record<string, any>} */ ({ type: 'array', uniqueItems: true, 'x-min-selected': item.min_selected || 0, ...options() })
      if (item.max_selected) out.maxItems = item.max_selected
      return out
    }
    case 'text':
      return { type: 'string', maxLength: item.max_length ?? 2000, 'x-multiline': !!item.multiline }
    case 'photo':
      return { type: 'array', maxItems: item.max_count ?? 10, 'x-min-count': item.min_count ?? 1 }
    case 'signature':
      return { 'x-signer': item.signer, 'x-covers': item.covers || [], 'x-witness-on-refusal': !!item.witness_on_refusal }
    case 'datetime':
      return item.date_only ? { type: 'string', format: 'date' } : { type: 'string', format: 'date-time' }
    case 'group':
      return {
        type: 'object',
        additionalProperties: { type: 'object', properties: Object.fromEntries((item.items || []).map((/** @type {any} */ c) => [c.id, itemSchema(c)])) },
        'x-entry-label': item.entry_label || item.label,
        'x-min-entries': item.min_entries || 0,
        ...(item.max_entries ? { maxProperties: item.max_entries } : {}),
      }
    default:
      return {}
  }
}

/** An item's schema with its annotations, as schemas/json_schema.py writes it. @param {any} item @param {string} [section] */
function itemSchema(item, section) {
  const out = /** @type {Record<string, any>} */ ({
    ...valueSchema(item),
    title: item.label?.zh || item.id,
    'x-kind': item.kind,
    'x-label': item.label,
    'x-clause': item.clause,
    'x-severity': item.severity || 'minor',
    'x-weight': item.weight ?? 1,
    'x-required': item.required !== false,
    'x-evidence-on-fail': item.evidence_on_fail || [],
  })
  out['x-merge'] = item.merge || DEFAULT_MERGE[item.kind] || 'manual'
  if (item.help && (item.help.zh || item.help.en)) out['x-help'] = item.help
  if (section) out['x-section'] = section
  if (item.show_if?.item && item.show_if.any_of?.length) out['x-show-if'] = item.show_if
  return out
}

/** The JSON Schema of a template being edited (what the phone's form model reads). @param {any} template */
export function schemaFromTemplate(template) {
  /** @type {Record<string, any>} */
  const properties = {}
  for (const section of template.sections) for (const item of section.items) properties[item.id] = itemSchema(item, section.id)
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: template.title?.zh || '',
    type: 'object',
    properties,
    additionalProperties: false,
    'x-checklist': {
      id: template.checklist_id,
      version: template.version,
      title: template.title,
      description: template.description,
      sources: template.sources,
      site_types: template.site_types || [],
    },
    'x-scoring': template.scoring,
    'x-sections': template.sections.map((/** @type {any} */ s) => ({
      id: s.id,
      title: s.title,
      items: s.items.map((/** @type {any} */ i) => i.id),
      ...(s.show_if?.item && s.show_if.any_of?.length ? { show_if: s.show_if } : {}),
    })),
  }
}
