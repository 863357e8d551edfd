// @ts-check
// Checklist schemas for offline use. A published version is immutable and has its own URL, so
// each is kept in Cache Storage by URL once fetched (cache-first), by the page or the service
// worker alike; they are never deleted when the app updates.
import { send } from '../lib/api.js'

export const SCHEMA_CACHE = 'xunjian-schemas'

/** @param {string} checklistId @param {number} version */
export function schemaUrl(checklistId, version) {
  return `/api/checklists/${encodeURIComponent(checklistId)}/versions/${version}/schema`
}

/** A version's schema: from the cache, else fetched and cached. @param {string} url @param {string|null} token */
export async function loadSchema(url, token) {
  const cache = await caches.open(SCHEMA_CACHE)
  const held = await cache.match(url)
  if (held) return held.json()
  const response = await send(url, { token })
  await cache.put(url, response.clone())
  return response.json()
}

/**
 * Make sure every schema the inspector may need is cached: the latest version of each
 * checklist and the versions of inspections on the device. Failures are left for next time.
 * @param {string[]} urls @param {string|null} token
 */
export async function cacheSchemas(urls, token) {
  const cache = await caches.open(SCHEMA_CACHE)
  let fetched = 0
  for (const url of new Set(urls)) {
    if (await cache.match(url)) continue
    try {
      const response = await send(url, { token })
      await cache.put(url, response)
      fetched += 1
    } catch {
      // offline or gone: the next sync tries again
    }
  }
  return fetched
}
