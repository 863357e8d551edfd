// @ts-check
// Pull: pages of changes after the checkpoint, each applied in one IndexedDB transaction
// together with the new checkpoint, as bench/device.py pull() does: a `reset` starts again from
// 0 (the outbox kept), a site newly in scope (or an earlier `window_start`: the window was
// widened) pulls again from 0, the compact documents are decoded (pulled.js), sites that left
// the scope are evicted, and after the last page ops confirmed by the checkpoint leave the outbox.
// The window: synced inspections listed in `evicted`, or created before `window_start` with no
// `keep`, leave the device, but never one the outbox holds ops for (an eviction, not a deletion:
// the server keeps everything; the older-records page looks them up online).
import { pruneConfirmed } from './outbox.js'
import { decodePulled } from './pulled.js'

/** @typedef {import('idb').IDBPDatabase<any>} DB */

/**
 * Apply one pull page; returns what to do next: 'again' (pull from the new checkpoint),
 * 'restart' (from 0), 'epoch' (the page names another epoch: recover, then pull from 0) or
 * 'done'. Nothing else is awaited inside the transaction.
 * @param {DB} db @param {any} page
 */
export async function applyPage(db, page) {
  const tx = db.transaction(['meta', 'docs', 'outbox'], 'readwrite')
  const meta = tx.objectStore('meta')
  const docs = tx.objectStore('docs')
  const epoch = await meta.get('epoch')
  if (epoch && page.epoch && page.epoch !== epoch) {
    await tx.done
    return 'epoch' // the server was restored: recover (recover.js) before applying anything
  }
  if (page.epoch) meta.put(page.epoch, 'epoch')
  const checkpoint = (await meta.get('checkpoint')) || 0
  const held = new Set((await meta.get('scope')) || [])
  if (page.reset) {
    await clearServerState(docs)
    meta.put(0, 'checkpoint')
    await tx.done
    return 'restart'
  }
  const scope = new Set(page.scope_site_ids)
  const gained = [...scope].some((s) => !held.has(s))
  const start = page.window_start || ''
  const widened = start < ((await meta.get('window_start')) || '')
  if (((gained && held.size) || widened) && checkpoint) {
    meta.put([...scope], 'scope')
    meta.put(start, 'window_start')
    meta.put(0, 'checkpoint')
    await tx.done
    return 'restart'
  }
  meta.put([...scope], 'scope')
  meta.put(start, 'window_start')
  for (const view of page.documents.map(decodePulled)) {
    const record = (await docs.get(view.id)) || { id: view.id, view: null, known_fv: {} }
    record.view = view
    for (const [path, state] of Object.entries(view.fields)) record.known_fv[path] = state.fv
    for (const [key, e] of Object.entries(view.entries)) record.known_fv[key] = Math.max(e.fv, e.removed)
    docs.put(record)
  }
  const outbox = tx.objectStore('outbox')
  await evict(docs, outbox, scope, start, new Set(page.evicted || []))
  meta.put(page.checkpoint, 'checkpoint')
  if (!page.has_more) {
    await pruneConfirmed(outbox, page.checkpoint)
    await evict(docs, outbox, scope, start, new Set()) // what the outbox alone kept
  }
  await tx.done
  return page.has_more ? 'again' : 'done'
}

/**
 * Drop synced inspections out of scope, and out of the window (listed in `evicted`, or created
 * before `start` with no `keep`) unless the outbox holds ops for them; a listed one the outbox
 * keeps loses its `keep`, so it goes once its ops are confirmed.
 * @param {any} docs @param {any} outbox @param {Set<string>} scope @param {string} start @param {Set<string>} evicted
 */
async function evict(docs, outbox, scope, start, evicted) {
  const unsent = new Set((await outbox.getAll()).map((/** @type {any} */ r) => r.op.inspection_id))
  let cursor = await docs.openCursor()
  while (cursor) {
    const { id, view } = cursor.value
    if (view && evicted.has(id) && view.keep) await cursor.update({ ...cursor.value, view: { ...view, keep: '' } })
    const old = view && (evicted.has(id) || (view.created_at < start && !view.keep))
    if (view && (!scope.has(view.site_id) || (old && !unsent.has(id)))) await cursor.delete()
    cursor = await cursor.continue()
  }
}

/**
 * At the desk, instead of a pull: the desk reads inspections from the server as it shows them, so
 * a supervisor's or admin's device keeps none (an admin's window at a city's scale is some 40,000
 * inspections). What was pulled before (the user inspected, or an older build pulled) is forgotten
 * and the checkpoint goes back to 0, so a pull starts whole if the user works on the phone pages
 * again; local-only records stay.
 * @param {DB} db
 */
export async function forgetPulled(db) {
  const tx = db.transaction(['meta', 'docs'], 'readwrite')
  if (await tx.objectStore('meta').get('checkpoint')) {
    await clearServerState(tx.objectStore('docs'))
    tx.objectStore('meta').put(0, 'checkpoint')
  }
  await tx.done
}

/** Forget the server's documents (field versions too); local-only records stay. @param {any} docs */
async function clearServerState(docs) {
  let cursor = await docs.openCursor()
  while (cursor) {
    if (cursor.value.view) await cursor.delete()
    else await cursor.update({ ...cursor.value, known_fv: {} })
    cursor = await cursor.continue()
  }
}

/**
 * Pull every page after the checkpoint.
 * @param {DB} db
 * @param {(checkpoint: number, epoch: string) => Promise<any>} fetchPage
 * @param {number} [maxPages] a guard against a server that never finishes
 * @param {(page: any) => Promise<any>} [onEpoch] recovers when a page names another epoch
 */
export async function pullAll(db, fetchPage, maxPages = 10000, onEpoch = async (/** @type {any} */ _page) => {}) {
  for (let n = 0; n < maxPages; n++) {
    const checkpoint = (await db.get('meta', 'checkpoint')) || 0
    const epoch = (await db.get('meta', 'epoch')) || ''
    const page = await fetchPage(checkpoint, epoch)
    const next = await applyPage(db, page)
    if (next === 'epoch') await onEpoch(page)
    if (next === 'done') return
  }
  throw new Error('pull did not finish')
}
