// @ts-check
// Names for the supervisor's desk: the users and devices in the caller's scope
// (GET /api/directory), loaded once per page view and kept in memory. Until it has loaded, or
// when it cannot be read, people and devices show as short ids.
import { json } from '../lib/api.js'

/** @typedef {{id: string, username: string, display_name: string, role: string, active: boolean}} DirectoryUser */
/** @typedef {{id: string, name: string, user_id: string}} DirectoryDevice */
/** @typedef {{users: Map<string, DirectoryUser>, devices: Map<string, DirectoryDevice>}} Directory */

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

/** @param {{users?: DirectoryUser[], devices?: DirectoryDevice[]}} body @returns {Directory} */
export function makeDirectory(body) {
  return {
    users: new Map((body.users || []).map((u) => [u.id, u])),
    devices: new Map((body.devices || []).map((d) => [d.id, d])),
  }
}

/** A user's display name from the directory, or null. @param {any} app @param {string|null|undefined} userId */
export function userName(app, userId) {
  if (!userId) return null
  const user = /** @type {Directory|undefined} */ (app.directory)?.users.get(userId)
  return user ? user.display_name || user.username : null
}

/**
 * A device's name: from the directory, else a short id; ops the server made itself have none.
 * @param {any} app @param {string|null|undefined} deviceId @param {string|null|undefined} [clientId]
 * @param {string} [serverText] what to show for the server's own ops
 */
export function deviceName(app, deviceId, clientId, serverText = '') {
  const device = deviceId ? /** @type {Directory|undefined} */ (app.directory)?.devices.get(deviceId) : null
  if (device) return device.name
  const id = deviceId || clientId
  return id ? `#${id.slice(0, 8)}` : serverText
}
