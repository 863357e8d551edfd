// @ts-check
// Pull: pages of changes after the checkpoint, each applied in one IndexedDB transaction
// together with the new checkpoint, as bench/device.py pull() does: a `reset` starts again from
// 0 (the outbox kept), a site newly in scope pulls again from 0, sites that left the scope are
// evicted, and after the last page ops confirmed by the checkpoint leave the outbox.
import { pruneConfirmed } from './outbox.js'

/** @typedef {import('idb').IDBPDatabase<any>} DB */

/**
 * Apply one pull page; returns what to do next: 'again' (pull from the new checkpoint),
 * 'restart' (from 0) or 'done'. Nothing else is awaited inside the transaction.
 * @param {DB} db @param {any} page
 */
export async function applyPage(db, page) {
  const tx = db.transaction(['meta', 'docs', 'outbox'], 'readwrite')
  const meta = tx.objectStore('meta')
  const docs = tx.objectStore('docs')
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
  if (gained && checkpoint && held.size) {
    meta.put([...scope], 'scope')
    meta.put(0, 'checkpoint')
    await tx.done
    return 'restart'
  }
  meta.put([...scope], 'scope')
  for (const view of page.inspections) {
    const record = (await docs.get(view.id)) || { id: view.id, view: null, known_fv: {} }
    record.view = view
    for (const [path, state] of Object.entries(view.fields || {})) record.known_fv[path] = /** @type {any} */ (state).fv
    for (const [key, entry] of Object.entries(view.entries || {})) {
      const e = /** @type {any} */ (entry)
      record.known_fv[key] = Math.max(e.fv, e.removed)
    }
    docs.put(record)
  }
  let cursor = await docs.openCursor()
  while (cursor) {
    const view = cursor.value.view
    if (view && !scope.has(view.site_id)) await cursor.delete()
    cursor = await cursor.continue()
  }
  meta.put(page.checkpoint, 'checkpoint')
  if (!page.has_more) await pruneConfirmed(tx.objectStore('outbox'), page.checkpoint)
  await tx.done
  return page.has_more ? 'again' : 'done'
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
 * @param {(checkpoint: number) => Promise<any>} fetchPage
 * @param {number} [maxPages] a guard against a server that never finishes
 */
export async function pullAll(db, fetchPage, maxPages = 10000) {
  for (let n = 0; n < maxPages; n++) {
    const checkpoint = (await db.get('meta', 'checkpoint')) || 0
    const page = await fetchPage(checkpoint)
    const next = await applyPage(db, page)
    if (next === 'done') return
  }
  throw new Error('pull did not finish')
}
