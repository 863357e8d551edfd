// @ts-check
// The session on this device: logging in (another user's unsynced data blocks the change; a new
// user starts with a clean device) and logging out, which keeps nothing unsynced behind. Used by
// the login page, the phone's home page and the desk's top bar.
import { json } from '../lib/api.js'
import { setMeta } from '../lib/db.js'
import { t } from '../i18n/index.js'
import { refreshCatalog } from './run.js'

/**
 * Log in and set up the device for the user. Another user's unsynced data blocks the change.
 * @param {any} app @param {string} username @param {string} password @param {string} deviceName
 */
export async function logIn(app, username, password, deviceName) {
  const body = await json('/api/auth/login', { method: 'POST', body: { username, password, device_name: deviceName } })
  const previous = app.meta.user
  if (previous && previous.id !== body.user.id) {
    await app.refreshSummary()
    if (app.summary.count > 0) throw new Error(t('other_user_blocked'))
    await forgetUser(app.db)
  }
  const fresh = !app.meta.client_id || (previous && previous.id !== body.user.id)
  await setMeta(app.db, {
    token: body.token,
    user: body.user,
    device: body.device,
    signed_out_reason: undefined,
    ...(fresh ? { client_id: crypto.randomUUID(), next_client_seq: 1, checkpoint: 0, scope: [] } : {}),
  })
  try {
    await refreshCatalog(app.db, body.token)
  } catch {
    // the first sync fetches them
  }
}

/** Clear a previous user's data from the device (only ever called when all of it is synced). @param {import('idb').IDBPDatabase<any>} db */
async function forgetUser(db) {
  const stores = ['docs', 'outbox', 'blobs', 'drafts', 'requests']
  const tx = db.transaction([...stores, 'meta'], 'readwrite')
  for (const name of stores) tx.objectStore(name).clear()
  for (const key of ['sites', 'checklists', 'scope', 'checkpoint', 'epoch', 'last_sync', 'due']) tx.objectStore('meta').delete(key)
  await tx.done
  if (typeof caches !== 'undefined') await caches.delete('xunjian-api')
}

/** Log out, keeping nothing unsynced behind. @param {any} app */
export async function logOut(app) {
  await app.refreshSummary()
  if (app.summary.count > 0) return false
  await setMeta(app.db, { token: undefined })
  if (typeof caches !== 'undefined') await caches.delete('xunjian-api')
  await app.reloadMeta()
  return true
}
