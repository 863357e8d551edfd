// @ts-check
// API calls made on the phone that are not ops: a fix report of a corrective action
// (POST /api/findings/{id}/report-fix). Each is kept in IndexedDB (store `requests`) until the
// server answers 200; run.js sends them after the evidence upload, each only once every photo it
// names is on the server. A problem answer (4xx) marks it failed with the problem, shown until
// the inspector dismisses it; no answer (offline) or a server error keeps it for the next sync.
import { ApiError, NetworkError, send } from '../lib/api.js'

/** @typedef {import('idb').IDBPDatabase<any>} DB */

/**
 * Keep a fix report for sending. Its photos must be stored already (blobs.js storeBlob).
 * @param {DB} db
 * @param {{finding_id: string, inspection_id: string, note: string, photos: string[]}} report
 * @param {{now?: number, uuid?: () => string}} [options]
 */
export async function queueFixReport(db, report, options = {}) {
  const record = {
    id: (options.uuid ?? (() => crypto.randomUUID()))(),
    kind: 'report_fix',
    finding_id: report.finding_id,
    inspection_id: report.inspection_id,
    path: `/api/findings/${encodeURIComponent(report.finding_id)}/report-fix`,
    body: { note: report.note, photos: [...new Set(report.photos)] },
    state: 'pending',
    created_at: options.now ?? Date.now(),
  }
  await db.add('requests', record)
  return record
}

/** Every kept request, oldest first. @param {DB} db */
export async function allRequests(db) {
  const records = await db.getAll('requests')
  return records.sort((a, b) => a.created_at - b.created_at)
}

/** The inspector read a failed request's problem and lets it go. @param {DB} db @param {string} id */
export async function dismissRequest(db, id) {
  const tx = db.transaction('requests', 'readwrite')
  const record = await tx.store.get(id)
  if (record && record.state === 'failed') await tx.store.delete(id)
  await tx.done
}

/** @param {DB} db @param {string} id @param {Record<string, any>} changes */
async function update(db, id, changes) {
  const tx = db.transaction('requests', 'readwrite')
  const record = await tx.store.get(id)
  if (record) await tx.store.put({ ...record, ...changes })
  await tx.done
}

/** Whether a problem answer is final for this request (not: signed out, try later, server trouble). @param {ApiError} error */
function refused(error) {
  return error.status >= 400 && error.status < 500 && ![401, 408, 429].includes(error.status)
}

/**
 * Send the pending requests, oldest first, each once its photos are uploaded. Returns how many
 * the server took. Throws NetworkError (offline: the rest waits) and a 401 ApiError (signed out).
 * @param {DB} db @param {string} token
 * @param {(path: string, options: any) => Promise<Response>} [sender] send() from lib/api.js, or a fake
 */
export async function sendRequests(db, token, sender = send) {
  let sent = 0
  for (const request of await allRequests(db)) {
    if (request.state !== 'pending') continue
    const photos = await Promise.all(request.body.photos.map((/** @type {string} */ sha) => db.get('blobs', sha)))
    const refusedPhoto = photos.find((b) => b && b.state === 'refused')
    if (refusedPhoto) {
      await update(db, request.id, { state: 'failed', problem: refusedPhoto.problem || { title: 'photo refused' } })
      continue
    }
    if (photos.some((b) => b && b.state !== 'uploaded')) continue // its photos are still on their way
    try {
      await sender(request.path, { method: 'POST', token, body: request.body })
    } catch (error) {
      if (error instanceof NetworkError) throw error
      if (error instanceof ApiError && error.status === 401) throw error
      if (error instanceof ApiError && refused(error)) {
        await update(db, request.id, { state: 'failed', problem: error.problem, failed_at: Date.now() })
        continue
      }
      await update(db, request.id, { last_error: error instanceof ApiError ? error.problem : String(error) })
      continue
    }
    await db.delete('requests', request.id)
    sent += 1
  }
  return sent
}
