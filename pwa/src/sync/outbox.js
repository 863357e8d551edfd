// @ts-check
// The outbox: every local edit is an op with an op_id and a gap-free client_seq, kept until a
// pull confirms it (acked server seq ≤ checkpoint), exactly as bench/device.py does.
//
// Record: {client_seq, op_id, inspection_id, op, state: 'pending'|'acked'|'rejected',
//          created_at, seq?, outcome?, fields?, problem?}
// HLC stamps are 64-bit (milliseconds << 16 | counter): kept as decimal strings, sent as numbers.

import { uuid7 } from '../lib/ids.js'

/** @typedef {import('idb').IDBPDatabase<any>} DB */

/** The next clock stamp after `last` (a decimal string). @param {string|undefined} last @param {number} nowMs */
export function nextHlc(last, nowMs) {
  const stamp = BigInt(Math.floor(nowMs)) << 16n
  const previous = BigInt(last || '0')
  return (stamp > previous ? stamp : previous + 1n).toString()
}

/** The larger of two stamps. @param {string|undefined} a @param {string|number|undefined} b */
export function maxHlc(a, b) {
  const x = BigInt(a || '0')
  const y = BigInt(b || '0')
  return (x > y ? x : y).toString()
}

/**
 * Append one op (all in one transaction with the counters, so client_seq stays gap-free).
 * @param {DB} db
 * @param {string} kind
 * @param {string} inspectionId
 * @param {Record<string, any>} body
 * @param {{now?: number, uuid?: () => string, extra?: Record<string, any>}} [options] `extra`: kept on the
 *   record beside the op, never sent (an upgrade's answers to take out of the local view)
 */
export async function enqueue(db, kind, inspectionId, body, options = {}) {
  const now = options.now ?? Date.now()
  const uuid = options.uuid ?? (() => uuid7(now))
  const tx = db.transaction(['meta', 'outbox'], 'readwrite')
  const meta = tx.objectStore('meta')
  const seq = (await meta.get('next_client_seq')) || 1
  const hlc = nextHlc(await meta.get('hlc'), now)
  const op = { kind, op_id: uuid(), client_seq: seq, inspection_id: inspectionId, hlc, ...body }
  const record = { ...options.extra, client_seq: seq, op_id: op.op_id, inspection_id: inspectionId, op, state: 'pending', created_at: now }
  tx.objectStore('outbox').add(record)
  meta.put(seq + 1, 'next_client_seq')
  meta.put(hlc, 'hlc')
  await tx.done
  return record
}

/** Every outbox record, oldest first. @param {DB} db */
export async function allOps(db) {
  return db.getAll('outbox')
}

/** Ops the server has not acknowledged yet, oldest first. @param {DB} db @param {number} [limit] */
export async function pendingOps(db, limit = Infinity) {
  const out = []
  let cursor = await db.transaction('outbox').store.openCursor()
  while (cursor && out.length < limit) {
    if (cursor.value.state === 'pending') out.push(cursor.value)
    cursor = await cursor.continue()
  }
  return out
}

/**
 * The JSON body of a push: HLC stamps written as plain numbers (they exceed 2^53); the epoch the
 * device last saw, and which ops it re-sends or re-offers after a restore (recover.js).
 * @param {string} clientId @param {any[]} records @param {string} [epoch]
 */
export function pushBody(clientId, records, epoch = '') {
  const ops = records.map((r) => ({ ...r.op, hlc: `@hlc:${r.op.hlc}@` }))
  const recovered = records.filter((r) => r.recovered).map((r) => r.op_id)
  return JSON.stringify({ client_id: clientId, ops, epoch, ...(recovered.length ? { recovered } : {}) }).replace(/"@hlc:(\d+)@"/g, '$1')
}

/** The server's clock from a push response's text, exactly. @param {string} text */
export function serverHlc(text) {
  const found = /"server_hlc"\s*:\s*(\d+)/.exec(text)
  return found ? found[1] : '0'
}

/**
 * Record a push's results in one transaction: acked ops keep their server seq until a pull
 * confirms them, rejected ops keep their problem for the inspector, gaps stay pending.
 * Field versions the server returned become the base of later edits.
 * @param {DB} db @param {any[]} results @param {string} hlc
 */
export async function recordResults(db, results, hlc) {
  const tx = db.transaction(['outbox', 'docs', 'meta'], 'readwrite')
  const outbox = tx.objectStore('outbox')
  const docs = tx.objectStore('docs')
  const byOpId = new Map((await outbox.getAll()).map((r) => [r.op_id, r]))
  const fvs = new Map()
  for (const result of results) {
    const record = byOpId.get(result.op_id)
    if (!record || record.state !== 'pending') continue
    if (result.outcome === 'gap') continue
    record.outcome = result.outcome
    record.result = result
    if (result.outcome === 'rejected') {
      record.state = 'rejected'
      record.problem = result.problem || { type: 'urn:xunjian:problem:bad-request', detail: '' }
    } else {
      record.state = 'acked'
      record.seq = result.seq
      for (const field of result.fields || []) {
        const known = fvs.get(record.inspection_id) || {}
        known[field.path] = Math.max(known[field.path] || 0, field.fv)
        fvs.set(record.inspection_id, known)
      }
    }
    outbox.put(record)
  }
  for (const [id, known] of fvs) {
    const doc = (await docs.get(id)) || { id, view: null, known_fv: {} }
    for (const [path, fv] of Object.entries(known)) doc.known_fv[path] = Math.max(doc.known_fv[path] || 0, fv)
    docs.put(doc)
  }
  const meta = tx.objectStore('meta')
  meta.put(maxHlc(await meta.get('hlc'), hlc), 'hlc')
  await tx.done
}

/**
 * Drop ops the server state now includes (acked at seq ≤ checkpoint). Runs inside a pull's
 * transaction. @param {any} outboxStore an idb object store of a readwrite transaction
 * @param {number} checkpoint
 */
export async function pruneConfirmed(outboxStore, checkpoint) {
  let cursor = await outboxStore.openCursor()
  while (cursor) {
    const r = cursor.value
    if (r.state === 'acked' && r.seq <= checkpoint) await cursor.delete()
    cursor = await cursor.continue()
  }
}

/** The inspector read a refused op and lets it go. @param {DB} db @param {number} clientSeq */
export async function discardRejected(db, clientSeq) {
  const tx = db.transaction('outbox', 'readwrite')
  const record = await tx.store.get(clientSeq)
  if (record && record.state === 'rejected') await tx.store.delete(clientSeq)
  await tx.done
}

/** Unsynced data older than this is worth a warning: export it or find a signal. */
export const STALE_MS = 24 * 3600 * 1000

/**
 * What is not on the server for sure: ops not yet confirmed by a pull (refused ones included),
 * evidence not uploaded and kept requests (fix reports; failed ones included until dismissed);
 * with the age of the oldest, and whether it is older than a day.
 * @param {any[]} ops @param {any[]} blobs @param {number} now @param {any[]} [requests]
 */
export function unsyncedSummary(ops, blobs, now, requests = []) {
  const open = ops.filter((r) => r.state !== 'acked')
  // a camera original waiting for Wi-Fi is not unsent work: the light version holds the form's evidence
  const waiting = blobs.filter((b) => b.state !== 'uploaded' && b.role !== 'original')
  const times = [...open, ...waiting, ...requests].map((r) => r.created_at).filter(Number.isFinite)
  const oldest = times.length ? Math.min(...times) : null
  return {
    ops: open.length,
    rejected: open.filter((r) => r.state === 'rejected').length,
    blobs: waiting.length,
    originals: blobs.filter((b) => b.role === 'original' && b.state !== 'uploaded' && b.state !== 'refused').length,
    requests: requests.length,
    failed_requests: requests.filter((r) => r.state === 'failed').length,
    count: open.length + waiting.length + requests.length,
    oldest_age_ms: oldest === null ? null : now - oldest,
    stale: oldest !== null && now - oldest > STALE_MS,
  }
}
