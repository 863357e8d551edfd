// The app's own upload code (src/sync/uploads.js) against a running Xunjian server, for
// tests/server/routes/test_uploads_tus_clients.py: node pwa/test/tus/app_upload.mjs BASE_URL TOKEN FILE SHA256
// The app fetches relative URLs; here they go to BASE_URL. Prints one JSON line: the requests made.
import 'fake-indexeddb/auto'
import { readFileSync } from 'node:fs'
import { openDatabase } from '../../src/lib/db.js'
import { uploadBlob } from '../../src/sync/uploads.js'

const [base, token, file, sha256] = process.argv.slice(2)
const requests = []
const realFetch = globalThis.fetch
globalThis.fetch = async (url, init) => {
  const response = await realFetch(`${base}${url}`, init)
  requests.push([init?.method || 'GET', response.status])
  return response
}

const db = await openDatabase({ name: 'upload' })
const record = { sha256, kind: 'photo', media_type: 'image/jpeg', blob: new Blob([readFileSync(file)]), state: 'pending', created_at: 1 }
await db.put('blobs', record)
try {
  await uploadBlob(db, record, token)
  console.log(JSON.stringify({ ok: true, requests }))
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: String(error), requests }))
}
