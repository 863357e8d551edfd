// @ts-check
// The device's database (IndexedDB through idb). The schema changes only in upgrade() below.
//
// Stores:
//   meta    key → value: client_id, next_client_seq, checkpoint, hlc, token, user, device,
//           scope, sites, checklists, lang, last_sync, due ({at, today, items, plans}: the
//           planned inspections due and the plans, as the last sync fetched them)
//   outbox  ops by client_seq (gap-free): {client_seq, op_id, inspection_id, op, state, seq, …}
//   docs    inspections as the server last sent them: {id, view, known_fv}
//   blobs   photos and signature images by sha256: {sha256, blob, thumb, state, upload_url, …}
//   drafts  local-only per-inspection state (v2): {id, section, evidence: {item_id: [sha256]}}
//   requests API calls waiting to be sent (v3), oldest first by created_at: a fix report
//           {id, kind, finding_id, inspection_id, path, body, state: 'pending'|'failed', created_at, problem?}
import { openDB } from 'idb'

export const DB_NAME = 'xunjian'
export const DB_VERSION = 3

/**
 * The one upgrade switch: each case moves the database one version on, and falls through.
 * Never await anything but IndexedDB requests of `tx` in here.
 * @param {import('idb').IDBPDatabase<any>} db
 * @param {number} oldVersion
 * @param {number|null} newVersion
 * @param {import('idb').IDBPTransaction<any, any, 'versionchange'>} tx
 */
export function upgrade(db, oldVersion, newVersion, tx) {
  const target = newVersion ?? DB_VERSION
  switch (oldVersion) {
    case 0: {
      db.createObjectStore('meta')
      db.createObjectStore('outbox', { keyPath: 'client_seq' })
      db.createObjectStore('docs', { keyPath: 'id' })
      const blobs = db.createObjectStore('blobs', { keyPath: 'sha256' })
      blobs.createIndex('state', 'state')
      if (target < 2) break
    }
    // falls through
    case 1: {
      // v2: ops found by inspection; local drafts state; every old op gets its created_at.
      const outbox = tx.objectStore('outbox')
      outbox.createIndex('inspection_id', 'inspection_id')
      db.createObjectStore('drafts', { keyPath: 'id' })
      outbox.openCursor().then(/** @returns {Promise<void>|undefined} */ function backfill(cursor) {
        if (!cursor) return
        if (cursor.value.created_at === undefined) cursor.update({ ...cursor.value, created_at: Date.now() })
        return cursor.continue().then(backfill)
      })
      if (target < 3) break
    }
    // falls through
    case 2: {
      // v3: API calls made offline (fix reports), sent by sync/run.js after the photos they name
      const requests = db.createObjectStore('requests', { keyPath: 'id' })
      requests.createIndex('finding_id', 'finding_id')
    }
  }
}

/**
 * Open (and upgrade) the database. Another tab's newer version closes this connection.
 * @param {{name?: string, version?: number, onBlocking?: () => void}} [options]
 */
export function openDatabase(options = {}) {
  return openDB(options.name || DB_NAME, options.version || DB_VERSION, {
    upgrade,
    blocking() {
      options.onBlocking?.()
    },
  })
}

/** @param {import('idb').IDBPDatabase<any>} db @param {string} key @param {any} [fallback] */
export async function getMeta(db, key, fallback = undefined) {
  const value = await db.get('meta', key)
  return value === undefined ? fallback : value
}

/** @param {import('idb').IDBPDatabase<any>} db @param {Record<string, any>} values */
export async function setMeta(db, values) {
  const tx = db.transaction('meta', 'readwrite')
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) tx.store.delete(key)
    else tx.store.put(value, key)
  }
  await tx.done
}

/** Local per-inspection state; created empty. @param {import('idb').IDBPDatabase<any>} db @param {string} id */
export async function getDraft(db, id) {
  return (await db.get('drafts', id)) || { id, section: 0, evidence: {} }
}

/** @param {import('idb').IDBPDatabase<any>} db @param {any} draft */
export async function putDraft(db, draft) {
  await db.put('drafts', draft)
}
