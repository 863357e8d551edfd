// The storage upgrade: one switch, versioned; data written by an older version survives.
import 'fake-indexeddb/auto'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { openDB } from 'idb'
import { DB_VERSION, openDatabase, upgrade } from '../src/db.js'

let n = 0
const fresh = () => `test-db-${++n}`

test('a new device gets every store of the current version', async () => {
  const db = await openDatabase({ name: fresh() })
  assert.equal(db.version, DB_VERSION)
  assert.deepEqual([...db.objectStoreNames].sort(), ['blobs', 'docs', 'drafts', 'meta', 'outbox'])
  assert.deepEqual([...db.transaction('outbox').store.indexNames], ['inspection_id'])
  db.close()
})

test('upgrading from version 1 keeps the outbox and backfills what version 2 adds', async () => {
  const name = fresh()
  const v1 = await openDB(name, 1, { upgrade })
  assert.deepEqual([...v1.objectStoreNames].sort(), ['blobs', 'docs', 'meta', 'outbox'])
  const op = { kind: 'set', op_id: 'a', client_seq: 1, inspection_id: 'i-1', hlc: '1', changes: [] }
  await v1.put('outbox', { client_seq: 1, op_id: 'a', inspection_id: 'i-1', op, state: 'pending' })
  await v1.put('meta', 2, 'next_client_seq')
  await v1.put('meta', 'c-1', 'client_id')
  v1.close()

  const v2 = await openDatabase({ name })
  assert.equal(v2.version, 2)
  const [record] = await v2.getAllFromIndex('outbox', 'inspection_id', 'i-1')
  assert.equal(record.op.op_id, 'a')
  assert.equal(typeof record.created_at, 'number')
  assert.equal(await v2.get('meta', 'next_client_seq'), 2)
  assert.equal(await v2.get('meta', 'client_id'), 'c-1')
  await v2.put('drafts', { id: 'i-1', section: 3, evidence: {} })
  v2.close()
})

test('a newer version in another tab asks this one to close', async () => {
  const name = fresh()
  let asked = false
  const old = await openDB(name, 1, { upgrade, blocking: () => { asked = true; old.close() } })
  const newer = await openDatabase({ name })
  assert.equal(asked, true)
  assert.equal(newer.version, DB_VERSION)
  newer.close()
})
