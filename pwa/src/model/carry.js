// @ts-check
// Moving a draft to a newer version of its checklist, by the server's rule (sync/engine/carry.py):
// an answer is carried when the new version has an item at its path, of the same kind, and the
// value fits it (as schemas/answers.py checks values); every other answer is listed — path, old
// value, kind, reason ('gone' | 'kind' | 'invalid') — never dropped. Both sides are tested on
// the shared cases of tests/fixtures/carry.json. Pure functions: no DOM.

/** @typedef {import('./form.js').Item} Item */
/** @typedef {{path: string, value: any, kind: string, reason: 'gone'|'kind'|'invalid', version: number}} Uncarried */

const SHA256 = /^[0-9a-f]{64}$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/
const GPS_LIMITS = /** @type {Record<string, [number, number]>} */ ({ lat: [-90, 90], lon: [-180, 180], accuracy_m: [0, Infinity] })

/** @param {any} v */
const isNumber = (v) => typeof v === 'number' && Number.isFinite(v)

/** @param {number} v @param {{min?: number|null, max?: number|null}|null|undefined} range */
function within(v, range) {
  return !range || ((range.min ?? -Infinity) <= v && v <= (range.max ?? Infinity))
}

/** @param {any[]} list */
const distinct = (list) => new Set(list.map(String)).size === list.length

/** @param {any} value */
function gpsFits(value) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false
  if (!('lat' in value) || !('lon' in value)) return false
  return Object.entries(value).every(([key, v]) =>
    key === 'captured_at' ? typeof v === 'string' && DATETIME.test(v) : key in GPS_LIMITS && isNumber(v) && within(v, { min: GPS_LIMITS[key][0], max: GPS_LIMITS[key][1] }))
}

/**
 * Whether a (non-null) value fits an item of the form model, as schemas/answers.py check_value() decides.
 * @param {Item} item @param {any} value
 */
export function valueFits(item, value) {
  const options = (item.options || []).map((o) => o.value)
  switch (item.kind) {
    case 'pass_fail':
      return ['pass', 'fail', ...(item.allow_na ? ['na'] : [])].includes(value)
    case 'number':
      return isNumber(value) && within(value, item.bounds)
    case 'single_choice':
      return options.includes(value)
    case 'multi_choice':
      return Array.isArray(value) && value.every((v) => options.includes(v)) && distinct(value) &&
        (item.max_selected === undefined || item.max_selected === null || value.length <= item.max_selected)
    case 'text':
      return typeof value === 'string' && (item.max_length === undefined || [...value].length <= item.max_length)
    case 'photo':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' && SHA256.test(v)) && distinct(value) &&
        value.length <= (item.max_count ?? Infinity)
    case 'signature':
      return !!value && typeof value === 'object' && ['signed', 'refused'].includes(value.status)
    case 'gps':
      return gpsFits(value)
    case 'datetime':
      return typeof value === 'string' && (item.date_only ? DATE : DATETIME).test(value)
    default:
      return false
  }
}

/**
 * The item a field path names in a form model: `item`, or `group/entry/child`.
 * @param {{items: Record<string, Item>}} model @param {string} path @returns {Item|null}
 */
export function itemAt(model, path) {
  const [top, entry, child] = path.split('/')
  const item = model.items[top] || null
  if (entry === undefined) return item
  if (!item || item.kind !== 'group' || child === undefined) return null
  return item.children?.find((c) => c.id === child) || null
}

/**
 * Why an answer cannot go to the new version's item, or null when it is carried.
 * @param {Item|null} old @param {Item|null} item @param {any} value @returns {'gone'|'kind'|'invalid'|null}
 */
export function misfit(old, item, value) {
  if (!item) return 'gone'
  if (old && old.kind !== item.kind) return 'kind'
  if (value === null || value === undefined || item.kind === 'group') return null
  return valueFits(item, value) ? null : 'invalid'
}

/**
 * Answers (shaped as the server shapes them: groups as {entry: {item: value}}) as [path, value] fields.
 * @param {Record<string, any>} answers @param {{items: Record<string, Item>}} model @returns {[string, any][]}
 */
function fields(answers, model) {
  /** @type {[string, any][]} */
  const out = []
  for (const [key, value] of Object.entries(answers)) {
    if (model.items[key]?.kind === 'group' && value && typeof value === 'object') {
      for (const [entry, children] of Object.entries(value)) {
        for (const [child, v] of Object.entries(children || {})) out.push([`${key}/${entry}/${child}`, v])
      }
    } else out.push([key, value])
  }
  return out
}

/**
 * Carry a draft's answers from one version's form model to a newer one's.
 * Returns the carried answers (same shape, group entries kept where the group still is) and
 * the uncarried ones with their old values.
 * @param {{version: number, items: Record<string, Item>}} from @param {{items: Record<string, Item>}} to
 * @param {Record<string, any>} answers
 * @returns {{answers: Record<string, any>, uncarried: Uncarried[]}}
 */
export function carryAnswers(from, to, answers) {
  /** @type {Record<string, any>} */
  const carried = {}
  /** @type {Uncarried[]} */
  const uncarried = []
  for (const [key, value] of Object.entries(answers)) {
    if (from.items[key]?.kind === 'group' && to.items[key]?.kind === 'group') carried[key] = Object.fromEntries(Object.keys(value || {}).map((e) => [e, {}]))
  }
  for (const [path, value] of fields(answers, from)) {
    const old = itemAt(from, path)
    const reason = misfit(old, itemAt(to, path), value)
    if (reason === null) {
      const [top, entry, child] = path.split('/')
      if (entry === undefined) carried[top] = value
      else carried[top][entry][child] = value
    } else if (value !== null && value !== undefined) {
      uncarried.push({ path, value, kind: old?.kind || '', reason, version: from.version })
    }
  }
  return { answers: carried, uncarried }
}
