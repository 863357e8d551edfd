// @ts-check
// Recovering from a restore of the server (sync/db/epochs.py), exactly as bench/recovery.py does.
// When a push is refused with `epoch-changed`, or a pull page names another epoch than the one
// this device last saw, the server was restored from a backup whose op log ends at `restored_seq`.
// The device asks where the server holds its client_seq (`last_seq` of an empty push under the
// new epoch), then in one transaction: keeps its ops up to `last_seq` (the server holds them);
// re-offers its user's own inspections changed after `restored_seq` (ops built from the document
// it holds, based on `restored_seq`, so the server merges them like any push: conflicts stay
// conflicts); re-sends every later op it holds, field versions cut to `restored_seq`; numbers
// both from `last_seq + 1` (op ids kept: exactly once holds), marks them `recovered` for the
// restore report, forgets the server's documents and pulls again from 0.
import { json } from '../lib/api.js'
import { getMeta } from '../lib/db.js'
import { uuid7 } from '../lib/ids.js'
import { nextHlc } from './outbox.js'

/** @typedef {import('idb').IDBPDatabase<any>} DB */

const SHA256 = /^[0-9a-f]{64}$/

/** A photo answer: a non-empty list of SHA-256 hashes (a choice list holds option ids). @param {any} value */
export function isPhotoList(value) {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && SHA256.test(v))
}

/** A signed signature with its image. @param {any} value */
function isSignature(value) {
  return !!value && typeof value === 'object' && value.status === 'signed' && 'image_sha256' in value
}

/**
 * Op bodies (no op id, sequence or clock yet) that bring back what a held document has after `mark`.
 * @param {any} view a pulled document as kept (pulled.js) @param {number} mark the backup's op-log mark
 */
export function reoffer(view, mark) {
  const id = view.id
  /** @type {any[]} */
  const ops = [{ kind: 'create', inspection_id: id, checklist_id: view.checklist_id, version: view.version, site_id: view.site_id }]
  for (const [key, entry] of Object.entries(view.entries || {})) {
    const [group, entryId] = key.split('/')
    if (entry.removed > mark) ops.push({ kind: 'remove_entry', inspection_id: id, group, entry_id: entryId, base_fv: mark })
    else if (entry.fv > mark) ops.push({ kind: 'add_entry', inspection_id: id, group, entry_id: entryId })
  }
  /** @type {Record<string, any>} */
  const answers = {}
  for (const [path, field] of Object.entries(view.fields || {})) {
    if (field.fv <= mark || field.by !== view.inspector_id) continue
    if (isPhotoList(field.value)) {
      for (const sha256 of field.value) ops.push({ kind: 'attach', inspection_id: id, path, sha256 })
    } else if (isSignature(field.value)) {
      ops.push({ kind: 'sign', inspection_id: id, path, value: field.value, base_fv: mark })
    } else {
      answers[path] = field.value
    }
  }
  const paths = Object.keys(answers)
  if (paths.length) ops.push({ kind: 'set', inspection_id: id, answers, base: Object.fromEntries(paths.map((p) => [p, mark])) })
  if (view.status === 'submitted') ops.push({ kind: 'transition', inspection_id: id, to: 'submitted' })
  if (view.status === 'deleted') ops.push({ kind: 'delete', inspection_id: id })
  return ops
}

/** An op with the field versions it was based on cut to `mark` (later ones were lost). @param {any} op @param {number} mark */
export function cutBases(op, mark) {
  const cut = { ...op }
  if ('base_fv' in cut) cut.base_fv = Math.min(cut.base_fv, mark)
  if (cut.base) cut.base = Object.fromEntries(Object.entries(cut.base).map(([p, fv]) => [p, Math.min(Number(fv), mark)]))
  if (cut.changes) cut.changes = cut.changes.map((/** @type {any} */ c) => ({ ...c, base_fv: Math.min(c.base_fv || 0, mark) }))
  return cut
}

/**
 * Re-number, re-offer and re-send in one transaction (see the top of this file).
 * @param {DB} db
 * @param {{epoch: string, restoredSeq: number, lastSeq: number, userId: string, now?: number}} at
 */
export async function recoverOutbox(db, { epoch, restoredSeq, lastSeq, userId, now = Date.now() }) {
  const tx = db.transaction(['meta', 'outbox', 'docs'], 'readwrite')
  const meta = tx.objectStore('meta')
  const outbox = tx.objectStore('outbox')
  const docs = tx.objectStore('docs')
  const held = (await docs.getAll()).map((r) => r.view).filter((v) => v && v.inspector_id === userId && v.updated_seq > restoredSeq)
  const later = (await outbox.getAll()).filter((r) => r.client_seq > lastSeq)
  for (const record of later) await outbox.delete(record.client_seq)
  let seq = lastSeq + 1
  let hlc = await meta.get('hlc')
  for (const view of held) {
    for (const body of reoffer(view, restoredSeq)) {
      const stamp = body.kind === 'create' ? (BigInt(Date.parse(view.created_at)) << 16n).toString() : (hlc = nextHlc(hlc, now))
      const op = { ...body, op_id: uuid7(now), client_seq: seq, hlc: stamp }
      await outbox.add({ client_seq: seq++, op_id: op.op_id, inspection_id: view.id, op, state: 'pending', created_at: now, recovered: true })
    }
  }
  for (const r of later) {
    const op = { ...cutBases(r.op, restoredSeq), client_seq: seq }
    await outbox.add({ client_seq: seq++, op_id: r.op_id, inspection_id: r.inspection_id, op, state: 'pending', created_at: r.created_at, recovered: true })
  }
  let cursor = await docs.openCursor()
  while (cursor) {
    if (cursor.value.view) await cursor.delete()
    else await cursor.update({ ...cursor.value, known_fv: {} })
    cursor = await cursor.continue()
  }
  meta.put(seq, 'next_client_seq')
  meta.put(hlc, 'hlc')
  meta.put(epoch, 'epoch')
  meta.put(0, 'checkpoint')
  await tx.done
  return { offered: held.length, resent: later.length }
}

/**
 * The server was restored (`epoch` is new): learn where it holds this client's sequence, then recover.
 * @param {DB} db @param {string} token @param {string} clientId @param {string} epoch @param {number} restoredSeq
 */
export async function recover(db, token, clientId, epoch, restoredSeq) {
  const answer = await json('/api/sync/push', { method: 'POST', token, body: { client_id: clientId, ops: [], epoch } })
  const user = await getMeta(db, 'user')
  return recoverOutbox(db, { epoch, restoredSeq, lastSeq: answer.last_seq, userId: user?.id })
}
