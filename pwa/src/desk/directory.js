// @ts-check
// Names for the supervisor's desk: the users in the caller's scope (GET /api/directory), loaded
// once per page view and kept in memory; until it has loaded, or when it cannot be read, people
// show as short ids. Devices are named by the server beside what it lists (an audit entry's or a
// conflict candidate's device_name), since every login makes one and their list only grows.
import { json } from '../lib/api.js'

/** @typedef {{id: string, username: string, display_name: string, role: string, active: boolean}} DirectoryUser */
/** @typedef {{users: Map<string, DirectoryUser>}} Directory */

/** @type {{token: string|null, promise: Promise<Directory|null>|null}} */
const cache = { token: null, promise: null }

/**
 * The directory for the signed-in user, fetched once per token; also kept as `app.directory`.
 * Resolves to null when it cannot be read (the desk then shows ids).
 * @param {any} app
 * @returns {Promise<Directory|null>}
 */
export function loadDirectory(app) {
  const token = app.meta.token || null
  if (cache.token !== token || !cache.promise) {
    cache.token = token
    /** @type {Promise<Directory|null>} */
    const promise = json('/api/directory', { token })
      .then((body) => makeDirectory(body))
      .catch(() => {
        if (cache.promise === promise) cache.promise = null // try again on the next page
        return null
      })
    cache.promise = promise
  }
  return /** @type {Promise<Directory|null>} */ (cache.promise).then((directory) => {
    if (cache.token === token) app.directory = directory
    return directory
  })
}

/** @param {{users?: DirectoryUser[]}} body @returns {Directory} */
export function makeDirectory(body) {
  return { users: new Map((body.users || []).map((u) => [u.id, u])) }
}

/** A user's display name from the directory, or null. @param {any} app @param {string|null|undefined} userId */
export function userName(app, userId) {
  if (!userId) return null
  const user = /** @type {Directory|undefined} */ (app.directory)?.users.get(userId)
  return user ? user.display_name || user.username : null
}

/**
 * A device's name as the server gave it beside an audit entry or a conflict candidate, else a short id;
 * ops the server made itself have none.
 * @param {{device_name?: string|null, device_id?: string|null, client_id?: string|null}} sent
 * @param {string} [serverText] what to show for the server's own ops
 */
export function deviceName(sent, serverText = '') {
  if (sent.device_name) return sent.device_name
  const id = sent.device_id || sent.client_id
  return id ? `#${id.slice(0, 8)}` : serverText
}
