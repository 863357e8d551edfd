// A voice memo on the device: kept in the blobs store as audio, sent with the light round (before
// camera originals), played from the bytes kept here, and carried by the unsynced export.
import 'fake-indexeddb/auto'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { openDatabase, setMeta } from '../../src/lib/db.js'
import { audioUrl, storeBlob } from '../../src/sync/blobs.js'
import { unsyncedData } from '../../src/sync/export.js'
import { uploadRound } from '../../src/sync/uploads.js'

const SHA = 'c'.repeat(64)

async function device() {
  const db = await openDatabase({ name: 'voice' })
  await setMeta(db, { client_id: 'c', next_client_seq: 1, checkpoint: 0 })
  return db
}

test('a memo is audio evidence: kept, sent in the first round, played from here, exported until sent', async () => {
  const db = await device()
  const bytes = new Blob([new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3])], { type: 'audio/webm' })
  await storeBlob(db, { blob: bytes, sha256: SHA, media_type: 'audio/webm' }, { kind: 'audio', inspection_id: 'i-1', path: 'licence' })
  const [record] = await db.getAll('blobs')
  assert.deepEqual([record.kind, record.media_type, record.size, record.state, record.path], ['audio', 'audio/webm', 7, 'pending', 'licence'])
  assert.deepEqual(uploadRound([record], 'light', undefined, undefined).map((b) => b.sha256), [SHA])
  assert.deepEqual(uploadRound([record], 'original', 'always', undefined), [])
  globalThis.URL.createObjectURL = (blob) => `blob:${blob.size}`
  assert.equal(await audioUrl(db, SHA, null), 'blob:7')
  const data = await unsyncedData(db, 5000)
  assert.deepEqual(data.evidence.map((e) => [e.sha256, e.kind, e.media_type, e.path, e.size]), [[SHA, 'audio', 'audio/webm', 'licence', 7]])
  assert.equal(Buffer.from(data.evidence[0].base64, 'base64').subarray(0, 4).toString('hex'), '1a45dfa3')
})
