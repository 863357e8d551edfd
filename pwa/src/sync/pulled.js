// @ts-check
// The pulled compact document (sync/review/pulled.py) decoded into the view the app keeps and
// reads: `values` (path → value, in field-version order) with the runs of their versions (`fv`)
// and authors (`by` into `authors`) become `fields` {path: {value, fv, by, stale}}; `entries`
// [fv, removed] become {fv, removed}; the answers are rebuilt from the values and the live group
// entries, as sync/engine/document.py answers_of() does. Parts left out when empty come back empty.

/**
 * @param {Array<[number, number]>} runs [count, value] pairs
 * @returns {number[]}
 */
function expand(runs) {
  /** @type {number[]} */
  const out = []
  for (const [count, value] of runs || []) for (let i = 0; i < count; i++) out.push(value)
  return out
}

/** The view the app keeps of a pulled document. @param {any} doc */
export function decodePulled(doc) {
  const steps = expand(doc.fv)
  const authors = expand(doc.by).map((i) => doc.authors[i])
  const stale = new Set(doc.stale || [])
  /** @type {Record<string, any>} */
  const fields = {}
  let fv = 0
  Object.entries(doc.values || {}).forEach(([path, value], i) => {
    fv += steps[i]
    fields[path] = { value, fv, by: authors[i], stale: stale.has(path) }
  })
  /** @type {Record<string, {fv: number, removed: number}>} */
  const entries = {}
  for (const [key, [efv, removed]] of Object.entries(doc.entries || {})) entries[key] = { fv: efv, removed }
  const { values: _v, fv: _f, by: _b, authors: _a, stale: _s, ...rest } = doc
  return {
    comments: [], conflicts: [], failed_items: [], reason: '', findings: [], photo_evidence: {}, uncarried: [], keep: '', notes: {},
    ...rest, answers: answersOf(fields, entries), fields, entries,
  }
}

/** @param {Record<string, any>} fields @param {Record<string, {fv: number, removed: number}>} entries */
function answersOf(fields, entries) {
  /** @type {Record<string, any>} */
  const answers = {}
  for (const [key, entry] of Object.entries(entries)) {
    if (entry.removed) continue
    const [group, entryId] = key.split('/')
    ;(answers[group] ||= {})[entryId] = {}
  }
  for (const [path, state] of Object.entries(fields)) {
    if (state.value === null || state.value === undefined) continue
    const [top, entryId, child] = path.split('/')
    if (entryId === undefined) answers[top] = state.value
    else if (child !== undefined && answers[top]?.[entryId]) answers[top][entryId][child] = state.value
  }
  return answers
}
