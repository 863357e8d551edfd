// Evidence upload order: light versions and signatures first, then each photo's chain of custody,
// then the camera originals, only on Wi-Fi, when the inspector allows it, or when the checklist requires them.
import 'fake-indexeddb/auto'
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'
import { openDatabase, setMeta } from '../../src/lib/db.js'
import { storeBlob } from '../../src/sync/blobs.js'
import { originalAllowed, uploadAll } from '../../src/sync/uploads.js'

const realFetch = globalThis.fetch
afterEach(() => {
  globalThis.fetch = realFetch
})

let names = 0
async function device() {
  const db = await openDatabase({ name: `uploads-${(names += 1)}` })
  await setMeta(db, { client_id: 'c', next_client_seq: 1, checkpoint: 0 })
  return db
}

/** A tus server in memory: it logs each finished upload and each custody declaration, in order. */
function server({ refuse = new Set() } = {}) {
  /** @type {string[]} */
  const log = []
  /** @type {Map<string, {sha: string, length: number, got: number}>} */
  const uploads = new Map()
  globalThis.fetch = async (url, init = {}) => {
    const method = init.method || 'GET'
    const headers = /** @type {Record<string, string>} */ (init.headers || {})
    if (url === '/api/blobs/missing') return Response.json({ missing: JSON.parse(String(init.body)).hashes })
    if (url === '/api/uploads' && method === 'POST') {
      const sha = atob(headers['Upload-Metadata'].split(',')[0].split(' ')[1])
      if (refuse.has(sha)) return Response.json({ type: 'urn:xunjian:problem:invalid-image', status: 422 }, { status: 422 })
      uploads.set(`/api/uploads/${sha}`, { sha, length: Number(headers['Upload-Length']), got: 0 })
      return new Response(null, { status: 201, headers: { Location: `/api/uploads/${sha}`, 'Upload-Offset': '0' } })
    }
    if (method === 'PATCH') {
      const upload = /** @type {any} */ (uploads.get(url))
      upload.got += /** @type {Blob} */ (init.body).size
      if (upload.got === upload.length) log.push(`upload ${upload.sha}`)
      return new Response(null, { status: 204, headers: { 'Upload-Offset': String(upload.got) } })
    }
    if (method === 'PUT' && url.endsWith('/custody')) {
      log.push(`custody ${url.split('/')[3]} ${JSON.parse(String(init.body)).capture_sha256}`)
      return Response.json({})
    }
    throw new Error(`unexpected ${method} ${url}`)
  }
  return log
}

/** A photo as preparePhoto leaves it: the light version and the camera's file. @param {string} light @param {string} camera */
function photo(light, camera) {
  return {
    blob: new Blob([new Uint8Array(300)]),
    sha256: light,
    media_type: 'image/jpeg',
    original: {
      blob: new Blob([new Uint8Array(3000)]),
      sha256: camera,
      media_type: 'image/jpeg',
      custody: { capture_sha256: camera, captured_at: '2026-12-05T01:26:53.000Z', device: 'test phone' },
    },
  }
}

const where = (path, originals = 'wifi') => ({ kind: /** @type {'photo'} */ ('photo'), inspection_id: 'i', path, originals })

test('on a mobile network the light versions and custody go, the camera originals wait', async () => {
  const db = await device()
  await storeBlob(db, photo('l1', 'c1'), where('/a'))
  await storeBlob(db, { blob: new Blob([new Uint8Array(50)]), sha256: 's1', media_type: 'image/png' }, { kind: 'signature', inspection_id: 'i', path: '/s' })
  await storeBlob(db, photo('l2', 'c2'), where('/b'))
  const log = server()
  const result = await uploadAll(db, 'token', undefined, { connection: { type: 'cellular' } })
  assert.deepEqual(log, ['upload l1', 'upload l2', 'upload s1', 'custody l1 c1', 'custody l2 c2'])
  assert.deepEqual(result, { done: 3, total: 3 })
  assert.deepEqual((await db.get('blobs', 'c1')).state, 'pending')
  // on Wi-Fi later: only the originals are left to send, after their light versions
  const later = server()
  assert.deepEqual(await uploadAll(db, 'token', undefined, { connection: { type: 'wifi' } }), { done: 2, total: 2 })
  assert.deepEqual(later, ['upload c1', 'upload c2'])
  assert.equal((await db.get('blobs', 'c2')).state, 'uploaded')
})

test('in one sync on Wi-Fi the original follows its light version and its custody', async () => {
  const db = await device()
  await storeBlob(db, photo('l1', 'c1'), where('/a'))
  const log = server()
  await uploadAll(db, 'token', undefined, { connection: { type: 'wifi' } })
  assert.deepEqual(log, ['upload l1', 'custody l1 c1', 'upload c1'])
})

test('a checklist that requires originals sends them on any network; the inspector may allow them too', async () => {
  const db = await device()
  await storeBlob(db, photo('l1', 'c1'), where('/a', 'required'))
  await storeBlob(db, photo('l2', 'c2'), where('/b'))
  const log = server()
  await uploadAll(db, 'token', undefined, { connection: { type: 'cellular' } })
  assert.deepEqual(log, ['upload l1', 'upload l2', 'custody l1 c1', 'custody l2 c2', 'upload c1'])
  await setMeta(db, { originals: 'always' })
  const later = server()
  await uploadAll(db, 'token', undefined, { connection: undefined })
  assert.deepEqual(later, ['upload c2'])
})

test('the original of a refused light version is not sent', async () => {
  const db = await device()
  await storeBlob(db, photo('l1', 'c1'), where('/a', 'required'))
  const log = server({ refuse: new Set(['l1']) })
  await uploadAll(db, 'token', undefined, { connection: { type: 'wifi' } })
  assert.deepEqual(log, [])
  assert.equal((await db.get('blobs', 'l1')).state, 'refused')
  assert.equal((await db.get('blobs', 'c1')).state, 'pending')
})

test('Wi-Fi is what navigator.connection says; unknown is not Wi-Fi', () => {
  assert.equal(originalAllowed({}, undefined, { type: 'wifi' }), true)
  assert.equal(originalAllowed({}, undefined, { type: 'ethernet' }), true)
  assert.equal(originalAllowed({}, undefined, { type: 'cellular' }), false)
  assert.equal(originalAllowed({}, undefined, {}), false)
  assert.equal(originalAllowed({}, undefined, null), false)
  assert.equal(originalAllowed({ originals: 'required' }, undefined, null), true)
  assert.equal(originalAllowed({}, 'always', { type: 'cellular' }), true)
})
