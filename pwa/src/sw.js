// @ts-check
/// <reference lib="webworker" />
// The service worker. The app shell is precached in a versioned cache (old versions deleted
// on activate); checklist schemas are cache-first (immutable, one URL per version) in a cache
// that survives updates; a few API lists are network-first with the cache as fallback; writes
// and sync requests are never touched. Drafts and the outbox live in IndexedDB, so a new
// version never discards them. Background Sync runs the same sync as the page.
import { openDatabase } from './lib/db.js'
import { SCHEMA_CACHE } from './sync/schemas.js'
import { SYNC_TAG, runSync } from './sync/run.js'

// Filled in by scripts/build.mjs.
const VERSION = /** @type {string} */ (/** @type {any} */ (globalThis).__XUNJIAN_VERSION__ || 'dev')
const PRECACHE = /** @type {string[]} */ (/** @type {any} */ (globalThis).__XUNJIAN_PRECACHE__ || [])

const PREFIX = 'xunjian-shell-'
const SHELL_CACHE = PREFIX + VERSION
const API_CACHE = 'xunjian-api'
const BLOB_CACHE = 'xunjian-thumbs'
const NETWORK_FIRST = ['/api/checklists', '/api/sites', '/api/auth/me']

const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self))

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE)
      await cache.addAll(PRECACHE.map((path) => new Request(new URL(path, sw.registration.scope), { cache: 'reload' })))
      // The first install takes over at once; an update waits until the inspector taps "update".
      if (!sw.registration.active) await sw.skipWaiting()
    })(),
  )
})

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys()
      await Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== SHELL_CACHE).map((n) => caches.delete(n)))
      await sw.clients.claim()
    })(),
  )
})

sw.addEventListener('message', (event) => {
  if (event.data?.type === 'skip_waiting') sw.skipWaiting()
  else if (event.data?.type === 'version') event.ports[0]?.postMessage({ version: VERSION })
})

sw.addEventListener('fetch', (event) => {
  const request = event.request
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== location.origin) return
  const scope = new URL(sw.registration.scope)
  if (request.mode === 'navigate' && url.pathname.startsWith(scope.pathname)) {
    event.respondWith(shellPage(request))
  } else if (url.pathname.startsWith(scope.pathname)) {
    event.respondWith(cacheFirst(SHELL_CACHE, request, false))
  } else if (/^\/api\/checklists\/[^/]+\/versions\/\d+\/schema$/.test(url.pathname)) {
    event.respondWith(cacheFirst(SCHEMA_CACHE, request, true))
  } else if (/^\/api\/blobs\/[0-9a-f]{64}$/.test(url.pathname) && url.searchParams.get('variant') === 'thumb') {
    event.respondWith(cacheFirst(BLOB_CACHE, request, true))
  } else if (NETWORK_FIRST.includes(url.pathname)) {
    event.respondWith(networkFirst(request))
  }
})

/** The app shell for any page under the scope: index.html from the cache, else the network. @param {Request} request */
async function shellPage(request) {
  const cache = await caches.open(SHELL_CACHE)
  const index = new URL('./', sw.registration.scope).href
  return (await cache.match(index)) || fetch(request)
}

/** @param {string} name @param {Request} request @param {boolean} store */
async function cacheFirst(name, request, store) {
  const cache = await caches.open(name)
  const held = await cache.match(request, { ignoreVary: true })
  if (held) return held
  const response = await fetch(request)
  if (store && response.ok) await cache.put(request, response.clone())
  return response
}

/** @param {Request} request */
async function networkFirst(request) {
  const cache = await caches.open(API_CACHE)
  try {
    const response = await fetch(request)
    if (response.ok) await cache.put(request, response.clone())
    return response
  } catch (error) {
    const held = await cache.match(request, { ignoreVary: true })
    if (held) return held
    throw error
  }
}

sw.addEventListener('sync', (/** @type {any} */ event) => {
  if (event.tag !== SYNC_TAG) return
  event.waitUntil(
    (async () => {
      const windows = await sw.clients.matchAll({ type: 'window' })
      const visible = windows.find((w) => w.visibilityState === 'visible')
      if (visible) return visible.postMessage({ type: 'sync-now' }) // the open app syncs itself
      const db = await openDatabase({ onBlocking: () => db.close() })
      try {
        const status = await runSync(db, async (s) => {
          for (const client of await sw.clients.matchAll()) client.postMessage({ type: 'sync-status', status: s })
        })
        if (status.phase === 'offline') throw new Error('still offline: try again later')
        for (const client of await sw.clients.matchAll()) client.postMessage({ type: 'sync-status', status })
        new BroadcastChannel('xunjian').postMessage({ type: 'changed' })
      } finally {
        db.close()
      }
    })(),
  )
})
