// @ts-check
// The template editor's operations on template JSON (the body of POST /api/checklists, as
// schemas/template.py reads it): a blank checklist, sections and items added, removed, moved
// (by index, as drag and drop and the up/down buttons ask), a kind changed keeping what still
// fits, a field set by its dotted name ("acceptable.min"), choices edited, and the template
// cleaned of empty optional fields before it is sent. Operations change the template given
// them and return it. No DOM.

export const KINDS = ['pass_fail', 'number', 'single_choice', 'multi_choice', 'text', 'photo', 'signature', 'gps', 'datetime']
export const SEVERITIES = ['critical', 'major', 'minor']
export const EVIDENCE = ['photo', 'signature']

/** Fields every item carries; a kind change keeps them. */
const COMMON = ['id', 'kind', 'label', 'clause', 'severity', 'weight', 'required', 'evidence_on_fail', 'show_if', 'merge', 'help']

/** @returns {{zh: string, en: string}} */
const blankLabel = () => ({ zh: '', en: '' })

/** A checklist with one empty section. */
export function blankTemplate() {
  return {
    checklist_id: '',
    version: 1,
    title: blankLabel(),
    description: blankLabel(),
    sources: [{ title: '', note: '' }],
    sections: [{ id: 'section_1', title: blankLabel(), items: [] }],
    scoring: { pass_mark: 80, critical_fails_inspection: true },
    site_types: [],
  }
}

/** Every item id in the template, group children included. @param {any} template */
export function itemIds(template) {
  /** @type {string[]} */
  const out = []
  for (const section of template.sections) {
    for (const item of section.items) {
      out.push(item.id)
      for (const child of item.items || []) out.push(child.id)
    }
  }
  return out
}

/** The first `${prefix}_${n}` not taken. @param {string} prefix @param {string[]} taken */
export function freshId(prefix, taken) {
  let n = 1
  while (taken.includes(`${prefix}_${n}`)) n += 1
  return `${prefix}_${n}`
}

/** The fields a kind adds to the common ones, at their defaults. @param {string} kind */
export function kindDefaults(kind) {
  switch (kind) {
    case 'pass_fail':
      return { allow_na: true }
    case 'number':
      return { unit: '', decimals: 1, acceptable: null, bounds: null }
    case 'single_choice':
    case 'multi_choice':
      return { options: [{ value: 'yes', label: { zh: '是', en: 'Yes' } }, { value: 'no', label: { zh: '否', en: 'No' } }], fail_values: [] }
    case 'text':
      return { max_length: 2000, multiline: false }
    case 'photo':
      return { min_count: 1, max_count: 10 }
    case 'signature':
      return { signer: blankLabel(), covers: [], witness_on_refusal: false }
    case 'datetime':
      return { date_only: false }
    default:
      return {}
  }
}

/** A new item of a kind, with an id not yet used. @param {any} template @param {string} kind */
export function blankItem(template, kind) {
  return {
    id: freshId('item', itemIds(template)),
    kind,
    label: blankLabel(),
    clause: '',
    severity: 'minor',
    weight: 1,
    required: true,
    evidence_on_fail: [],
    show_if: null,
    help: null,
    ...kindDefaults(kind),
  }
}

/** Append an empty section; returns its index. @param {any} template */
export function addSection(template) {
  const id = freshId('section', template.sections.map((/** @type {any} */ s) => s.id))
  template.sections.push({ id, title: blankLabel(), items: [] })
  return template.sections.length - 1
}

/** @param {any} template @param {number} index */
export function removeSection(template, index) {
  template.sections.splice(index, 1)
  return template
}

/** Add an item of `kind` at the end of a section; returns it. @param {any} template @param {number} section @param {string} kind */
export function addItem(template, section, kind) {
  const item = blankItem(template, kind)
  template.sections[section].items.push(item)
  return item
}

/** @param {any} template @param {number} section @param {number} index */
export function removeItem(template, section, index) {
  const [gone] = template.sections[section].items.splice(index, 1)
  // conditions on the removed item would name nothing: drop them
  for (const s of template.sections) {
    if (s.show_if?.item === gone?.id) s.show_if = null
    for (const item of s.items) if (item.show_if?.item === gone?.id) item.show_if = null
  }
  return template
}

/** Move an array element from one index to another (clamped). @template T @param {T[]} list @param {number} from @param {number} to */
export function moveIn(list, from, to) {
  if (from < 0 || from >= list.length) return list
  const target = Math.max(0, Math.min(list.length - 1, to))
  const [moved] = list.splice(from, 1)
  list.splice(target, 0, moved)
  return list
}

/**
 * Move an item to another place, in its section or another: `to.index` is where it lands in the
 * target section once moved (clamped). @param {any} template
 * @param {{section: number, index: number}} from @param {{section: number, index: number}} to
 */
export function moveItem(template, from, to) {
  const source = template.sections[from.section]?.items
  const target = template.sections[to.section]?.items
  if (!source || !target || from.index < 0 || from.index >= source.length) return template
  if (source === target) {
    moveIn(source, from.index, to.index)
    return template
  }
  const [moved] = source.splice(from.index, 1)
  target.splice(Math.max(0, Math.min(target.length, to.index)), 0, moved)
  return template
}

/** @param {any} template @param {number} from @param {number} to */
export function moveSection(template, from, to) {
  moveIn(template.sections, from, to)
  return template
}

/** Change an item's kind, keeping the common fields and what the new kind shares. @param {any} item @param {string} kind */
export function setKind(item, kind) {
  const defaults = /** @type {Record<string, any>} */ (kindDefaults(kind))
  for (const key of Object.keys(item)) if (!COMMON.includes(key) && !(key in defaults)) delete item[key]
  for (const [key, value] of Object.entries(defaults)) if (!(key in item)) item[key] = value
  item.kind = kind
  if (kind !== 'single_choice' && kind !== 'multi_choice' && kind !== 'pass_fail' && kind !== 'number') item.evidence_on_fail = []
  return item
}

/** Read a field by its dotted name ("acceptable.min"). @param {any} object @param {string} field */
export function getField(object, field) {
  return field.split('.').reduce((o, key) => (o === null || o === undefined ? undefined : o[key]), object)
}

/**
 * Set a field by its dotted name, making the objects on the way ("acceptable.min" on an item
 * with no acceptable range makes one). @param {any} object @param {string} field @param {any} value
 */
export function setField(object, field, value) {
  const keys = field.split('.')
  let at = object
  for (const key of keys.slice(0, -1)) {
    if (at[key] === null || at[key] === undefined || typeof at[key] !== 'object') at[key] = {}
    at = at[key]
  }
  at[keys[keys.length - 1]] = value
  return object
}

/** A typed number, or null when empty; NaN when not a number. @param {string} text */
export function numberOf(text) {
  const cleaned = String(text).trim().replace(/[−－–]/g, '-').replace(/[，。]/g, '.')
  if (cleaned === '') return null
  return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(cleaned) ? Number(cleaned) : NaN
}

/** Add a choice to a choice item, with a value not yet used. @param {any} item */
export function addOption(item) {
  const value = freshId('option', item.options.map((/** @type {any} */ o) => o.value))
  item.options.push({ value, label: blankLabel() })
  return item
}

/** Remove a choice, and its value from the failing ones. @param {any} item @param {number} index */
export function removeOption(item, index) {
  const [gone] = item.options.splice(index, 1)
  item.fail_values = (item.fail_values || []).filter((/** @type {string} */ v) => v !== gone?.value)
  return item
}

/**
 * An item's id changed from `old` to `id`: carried to the conditions and signatures that named it.
 * @param {any} template @param {string} old @param {string} id
 */
export function renameItem(template, old, id) {
  for (const s of template.sections) {
    for (const holder of [s, ...s.items]) {
      if (holder.show_if?.item === old) holder.show_if.item = id
      if (Array.isArray(holder.covers)) holder.covers = holder.covers.map((/** @type {string} */ c) => (c === old ? id : c))
    }
  }
  return template
}

/**
 * A choice's stored value changed from `old` to `value`: carried to the failing values and to the
 * conditions that named it. @param {any} template @param {any} item @param {string} old @param {string} value
 */
export function renameOption(template, item, old, value) {
  item.fail_values = (item.fail_values || []).map((/** @type {string} */ v) => (v === old ? value : v))
  for (const s of template.sections) {
    for (const holder of [s, ...s.items]) {
      if (holder.show_if?.item === item.id) holder.show_if.any_of = holder.show_if.any_of.map((/** @type {any} */ v) => (v === old ? value : v))
    }
  }
  return item
}

/** Mark a choice as failing the item, or not. @param {any} item @param {string} value @param {boolean} fails */
export function setFailValue(item, value, fails) {
  const rest = (item.fail_values || []).filter((/** @type {string} */ v) => v !== value)
  item.fail_values = fails ? [...rest, value] : rest
  return item
}

/** Items a show-if condition may name: the answered-by-choice items before this one. @param {any} template @param {string} itemId */
export function conditionSources(template, itemId) {
  /** @type {any[]} */
  const out = []
  for (const section of template.sections) {
    for (const item of section.items) {
      if (item.id === itemId) return out
      if (['pass_fail', 'single_choice', 'multi_choice'].includes(item.kind)) out.push(item)
    }
  }
  return out
}

/** Items a section's show-if may name: the answered-by-choice items of the sections before it. @param {any} template @param {number} section */
export function sectionConditionSources(template, section) {
  return template.sections.slice(0, section).flatMap((/** @type {any} */ s) =>
    s.items.filter((/** @type {any} */ i) => ['pass_fail', 'single_choice', 'multi_choice'].includes(i.kind)))
}

/**
 * The values a condition on an item can name. @param {any} item
 * @returns {{value: string, label: {zh: string, en: string}|null}[]}
 */
export function conditionValues(item) {
  if (!item) return []
  if (item.kind === 'pass_fail') return ['pass', 'fail', 'na'].map((value) => ({ value, label: null }))
  return (item.options || []).map((/** @type {any} */ o) => ({ value: o.value, label: o.label }))
}

/** A range with no end set is no range. @param {any} range */
function cleanRange(range) {
  if (!range) return undefined
  const out = /** @type {Record<string, any>} */ ({})
  if (typeof range.min === 'number' && !Number.isNaN(range.min)) out.min = range.min
  if (typeof range.max === 'number' && !Number.isNaN(range.max)) out.max = range.max
  if ('min' in out && range.min_exclusive) out.min_exclusive = true
  if ('max' in out && range.max_exclusive) out.max_exclusive = true
  return 'min' in out || 'max' in out ? out : undefined
}

/** An item as sent: empty optional fields left out. @param {any} item */
function cleanItem(item) {
  const out = /** @type {Record<string, any>} */ ({})
  for (const [key, value] of Object.entries(item)) {
    if (value === null || value === undefined) continue
    if (key === 'acceptable' || key === 'bounds') {
      const range = cleanRange(value)
      if (range) out[key] = range
    } else if (key === 'help') {
      if (value.zh || value.en) out.help = value
    } else if (key === 'show_if') {
      if (value.item && value.any_of?.length) out.show_if = value
    } else if (key === 'items') out.items = value.map(cleanItem)
    else out[key] = value
  }
  return out
}

/** The template as POST /api/checklists and /validate read it. @param {any} template */
export function cleanTemplate(template) {
  return {
    ...template,
    sources: template.sources.filter((/** @type {any} */ s, /** @type {number} */ i) => i === 0 || s.title),
    sections: template.sections.map((/** @type {any} */ s) => {
      const section = /** @type {Record<string, any>} */ ({ id: s.id, title: s.title, items: s.items.map(cleanItem) })
      if (s.show_if?.item && s.show_if.any_of?.length) section.show_if = s.show_if
      return section
    }),
  }
}

/** The next version of a checklist: one after its latest, 1 for a new one. @param {any[]} checklists @param {string} id */
export function nextVersion(checklists, id) {
  const known = checklists.find((c) => c.id === id)
  return known ? Math.max(known.latest_version, ...(known.versions || [])) + 1 : 1
}
