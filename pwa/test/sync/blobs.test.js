// Evidence on the device: what the server holds and no open inspection needs leaves it.
import 'fake-indexeddb/auto'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { openDatabase, setMeta } from '../../src/lib/db.js'
import { pruneBlobs } from '../../src/sync/blobs.js'

async function device() {
  const db = await openDatabase({ name: 'blobs' })
  await setMeta(db, { client_id: 'c', next_client_seq: 1, checkpoint: 0 })
  return db
}

test('uploaded evidence of closed or departed inspections leaves the device; the rest stays', async () => {
  const db = await device()
  const blob = (sha, inspection_id, state) => ({ sha256: sha, inspection_id, state, blob: null, created_at: 1 })
  await db.put('docs', { id: 'open', view: { status: 'draft' }, known_fv: {} })
  await db.put('docs', { id: 'done', view: { status: 'approved' }, known_fv: {} })
  for (const b of [blob('a', 'open', 'uploaded'), blob('b', 'done', 'uploaded'), blob('c', 'done', 'pending'), blob('d', 'gone', 'uploaded')]) {
    await db.put('blobs', b)
  }
  assert.equal(await pruneBlobs(db), 2)
  assert.deepEqual((await db.getAll('blobs')).map((b) => b.sha256), ['a', 'c'])
})
