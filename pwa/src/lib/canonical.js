// @ts-check
// Canonical JSON and the content hash a signature binds to: the same text, byte for byte, as
// schemas/canonical.py computes on the server. Keys sorted by code point, no white space,
// strings as JSON.stringify writes them (non-ASCII kept), and numbers as the server prints the
// value it decoded: integers as written, other numbers in Python's shortest form (which uses an
// exponent below 1e-4, where JavaScript would not: 0.00001 → "1e-5").
import { itemSchemas } from './schema.js'

/** @param {number} value */
export function numberText(value) {
  if (!Number.isFinite(value)) throw new RangeError('NaN and infinity have no JSON form')
  if (value === 0) return '0'
  if (Number.isInteger(value)) return String(value) // below 1e21 the server decoded an int
  const abs = Math.abs(value)
  if (abs < 1e-4) return value.toExponential() // shortest digits, "1.5e-5"
  return String(value)
}

/** @param {string} a @param {string} b */
function byCodePoint(a, b) {
  const x = [...a]
  const y = [...b]
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = /** @type {number} */ (x[i].codePointAt(0)) - /** @type {number} */ (y[i].codePointAt(0))
    if (d) return d
  }
  return x.length - y.length
}

/** @param {any} value @returns {string} */
export function canonicalJson(value) {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value)
  if (typeof value === 'number') return numberText(value)
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']'
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort(byCodePoint)
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(value[k])).join(',') + '}'
  }
  throw new TypeError(`not a JSON value: ${typeof value}`)
}

/** Sorted copy of a set-valued answer. @param {any} list */
function sortedSet(list) {
  return Array.isArray(list) ? [...list].sort(byCodePoint) : list
}

const SET_KINDS = new Set(['photo', 'multi_choice'])

/**
 * The answers a signature covers: its x-covers, or every non-signature item; set-valued answers
 * (photos, multiple choices) sorted, also inside repeating-group entries.
 * @param {any} schema the published JSON Schema of the checklist version
 * @param {Record<string, any>} answers
 * @param {string} signatureId
 */
export function signedContent(schema, answers, signatureId) {
  const properties = itemSchemas(schema)
  const signature = properties[signatureId]
  if (!signature || signature['x-kind'] !== 'signature') throw new Error(`no signature item ${signatureId}`)
  const covers = signature['x-covers'] || []
  /** @type {Record<string, any>} */
  const covered = {}
  for (const [id, item] of Object.entries(properties)) {
    if (id === signatureId) continue
    const wanted = covers.length ? covers.includes(id) : item['x-kind'] !== 'signature'
    const value = answers[id]
    if (!wanted || value === null || value === undefined) continue
    if (SET_KINDS.has(item['x-kind'])) covered[id] = sortedSet(value)
    else if (item['x-kind'] === 'group' && value && typeof value === 'object' && !Array.isArray(value)) {
      const children = itemSchemas(item.additionalProperties)
      /** @type {Record<string, any>} */
      const entries = {}
      for (const [entryId, entry] of Object.entries(value)) {
        if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
          entries[entryId] = entry
          continue
        }
        /** @type {Record<string, any>} */
        const copy = {}
        for (const [k, v] of Object.entries(entry)) copy[k] = SET_KINDS.has(children[k]?.['x-kind']) ? sortedSet(v) : v
        entries[entryId] = copy
      }
      covered[id] = entries
    } else covered[id] = value
  }
  return covered
}

/** Lowercase hex SHA-256 of bytes or text. @param {BufferSource|string} data */
export async function sha256Hex(data) {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data
  const digest = await crypto.subtle.digest('SHA-256', bytes)
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * SHA-256 of the canonical JSON of what `signatureId` covers (schemas/canonical.py content_hash).
 * @param {any} schema @param {Record<string, any>} answers @param {string} signatureId
 */
export async function contentHash(schema, answers, signatureId) {
  return sha256Hex(canonicalJson(signedContent(schema, answers, signatureId)))
}
