// @ts-check
// One sync run: push the outbox oldest first in batches of ≤ 50, pull every page, refresh the
// sites and checklists (and cache their schemas) and the planned inspections due (kept for offline
// use; a failure there keeps the last list and fails nothing; the desk keeps neither inspections nor
// the due list: model/roles.js), upload evidence the server lacks, then send the kept requests (fix
// reports, after their photos) and, when the server took any, pull again so the inspections show
// what they changed.
// Only one tab (or the service worker) syncs at a time: Web Locks. Used by the page and by the
// service worker's Background Sync alike.
import { ApiError, NetworkError, json, problemName, send } from '../lib/api.js'
import { getMeta, setMeta } from '../lib/db.js'
import { worksAtDesk } from '../model/roles.js'
import { pruneBlobs } from './blobs.js'
import { pendingOps, pushBody, recordResults, serverHlc } from './outbox.js'
import { forgetPulled, pullAll } from './pull.js'
import { recover } from './recover.js'
import { sendRequests } from './requests.js'
import { cacheSchemas, schemaUrl } from './schemas.js'
import { uploadAll } from './uploads.js'

export const PUSH_BATCH = 50
export const PULL_LIMIT = 100
export const SYNC_TAG = 'xunjian-sync'

/** @typedef {import('idb').IDBPDatabase<any>} DB */
/** @typedef {{phase: string, uploaded?: number, upload_total?: number, problem?: any, pushed?: number}} Status */

/**
 * Sync, one tab (or the service worker) at a time: a run waits for another's to end, then runs
 * whole (it may see changes the other did not). With `ifAvailable`, it gives up instead
 * (`{phase: 'busy'}`): for timers, where the other run will do.
 * @param {DB} db @param {(status: Status) => void} [onStatus] @param {{ifAvailable?: boolean}} [options]
 * @returns {Promise<Status>}
 */
export async function runSync(db, onStatus = () => {}, options = {}) {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
  if (!locks) return syncOnce(db, onStatus)
  return locks.request(SYNC_TAG, { ifAvailable: !!options.ifAvailable }, async (lock) => {
    if (!lock) return { phase: 'busy' }
    return syncOnce(db, onStatus)
  })
}

/** @param {DB} db @param {(status: Status) => void} onStatus @returns {Promise<Status>} */
export async function syncOnce(db, onStatus) {
  const token = await getMeta(db, 'token')
  const clientId = await getMeta(db, 'client_id')
  if (!token || !clientId) return finish(onStatus, { phase: 'signed_out' })
  try {
    onStatus({ phase: 'push' })
    let pushed = await pushAll(db, token, clientId)
    onStatus({ phase: 'pull', pushed })
    let recovered = false
    const page = (/** @type {number} */ checkpoint, /** @type {string} */ epoch) =>
      json(`/api/sync/pull?checkpoint=${checkpoint}&limit=${PULL_LIMIT}&epoch=${encodeURIComponent(epoch)}`, { token })
    const onEpoch = async (/** @type {any} */ p) => {
      recovered = true
      await recover(db, token, clientId, p.epoch, p.restored_seq)
    }
    // the desk keeps no inspections and no due list (it reads them from the server as it shows them),
    // unless its outbox waits for a pull's confirmation
    const desk = worksAtDesk((await getMeta(db, 'user'))?.role)
    const pull = desk && !(await db.count('outbox')) ? () => forgetPulled(db) : () => pullAll(db, page, undefined, onEpoch)
    await pull()
    if (recovered) {
      // the server was restored: what this device held is back in its outbox, to push now
      pushed += await pushAll(db, token, clientId)
      await pull()
    }
    await refreshCatalog(db, token)
    if (!desk) await refreshDue(db, token)
    const uploads = await uploadAll(db, token, (done, total) =>
      onStatus({ phase: 'upload', uploaded: done, upload_total: total }),
    )
    if (await sendRequests(db, token)) await pull()
    await pruneBlobs(db)
    await setMeta(db, { last_sync: Date.now() })
    return finish(onStatus, { phase: 'done', pushed, uploaded: uploads.done, upload_total: uploads.total })
  } catch (error) {
    if (error instanceof NetworkError) return finish(onStatus, { phase: 'offline' })
    if (error instanceof ApiError && problemName(error.problem) === 'unauthorized') {
      await setMeta(db, { token: undefined, signed_out_reason: 'expired' })
      return finish(onStatus, { phase: 'signed_out', problem: error.problem })
    }
    const problem = error instanceof ApiError ? error.problem : { type: 'about:blank', detail: String(error) }
    return finish(onStatus, { phase: 'error', problem })
  }
}

/** @param {(status: Status) => void} onStatus @param {Status} status */
function finish(onStatus, status) {
  onStatus(status)
  return status
}

/**
 * Push pending ops oldest first until none is left or no progress is made (a gap answered
 * for every op). A push refused with `epoch-changed` (the server was restored) recovers
 * (recover.js) and goes on. Returns how many ops were answered. @param {DB} db @param {string} token @param {string} clientId
 */
export async function pushAll(db, token, clientId) {
  let answered = 0
  for (;;) {
    const batch = await pendingOps(db, PUSH_BATCH)
    if (!batch.length) return answered
    const epoch = (await getMeta(db, 'epoch')) || ''
    let response
    try {
      response = await send('/api/sync/push', { method: 'POST', token, body: pushBody(clientId, batch, epoch) })
    } catch (error) {
      if (!(error instanceof ApiError && problemName(error.problem) === 'epoch-changed')) throw error
      await recover(db, token, clientId, error.problem.epoch, error.problem.restored_seq) // the server was restored
      continue
    }
    const text = await response.text()
    const body = JSON.parse(text)
    if (!epoch && body.epoch) await setMeta(db, { epoch: body.epoch })
    await recordResults(db, body.results, serverHlc(text))
    const progressed = body.results.filter((/** @type {any} */ r) => r.outcome !== 'gap').length
    answered += progressed
    if (!progressed) return answered
  }
}

/**
 * Sites and checklists in scope, kept for offline use, and every schema the device may need.
 * @param {DB} db @param {string} token
 */
export async function refreshCatalog(db, token) {
  const [sites, checklists] = await Promise.all([
    json('/api/sites', { token }),
    json('/api/checklists', { token }),
  ])
  await setMeta(db, { sites, checklists })
  const urls = checklists.map((/** @type {any} */ c) => c.latest_schema_url)
  for (const record of await db.getAll('docs')) {
    if (record.view) urls.push(schemaUrl(record.view.checklist_id, record.view.version))
  }
  for (const record of await db.getAll('outbox')) {
    if (record.op.kind === 'create') urls.push(schemaUrl(record.op.checklist_id, record.op.version))
  }
  if (typeof caches !== 'undefined') await cacheSchemas(urls, token)
}

/**
 * The planned inspections due now or missed (GET /api/schedules/due) and the plans they belong
 * to (GET /api/schedules), kept in meta as `due` with when and on which China day they were
 * fetched, for the home page to show offline. Never throws: on any failure the last list stays
 * (returns false). @param {DB} db @param {string} token @param {number} [now]
 */
export async function refreshDue(db, token, now = Date.now()) {
  try {
    const [items, plans] = await Promise.all([json('/api/schedules/due', { token }), json('/api/schedules', { token })])
    if (!Array.isArray(items) || !Array.isArray(plans)) return false
    const today = new Date(now + 8 * 3600 * 1000).toISOString().slice(0, 10) // China date, as model/plans.js chinaDay
    // the server lists what is due for this user; offline estimates use their plans only, not a colleague's
    const me = (await getMeta(db, 'user'))?.id
    const mine = plans.filter((/** @type {any} */ p) => !p.assignee_id || p.assignee_id === me)
    await setMeta(db, { due: { at: now, today, items, plans: mine } })
    return true
  } catch {
    return false
  }
}

/** Ask the browser for a Background Sync when the connection returns (Chromium only). */
export async function requestBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready
    // @ts-ignore SyncManager is not in every browser (nor in TypeScript's DOM types)
    await registration?.sync?.register(SYNC_TAG)
  } catch {
    // not supported (Safari, Firefox) or not allowed: the page's own triggers remain
  }
}
