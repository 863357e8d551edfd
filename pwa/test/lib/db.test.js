// The storage upgrade: one switch, versioned; data written by an older version survives.
import 'fake-indexeddb/auto'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { openDB } from 'idb'
import { DB_VERSION, openDatabase, upgrade } from '../../src/lib/db.js'

let n = 0
const fresh = () => `test-db-${++n}`

test('a new device gets every store of the current version', async () => {
  const db = await openDatabase({ name: fresh() })
  assert.equal(db.version, DB_VERSION)
  assert.deepEqual([...db.objectStoreNames].sort(), ['blobs', 'docs', 'drafts', 'meta', 'outbox', 'requests'])
  assert.deepEqual([...db.transaction('outbox').store.indexNames], ['inspection_id'])
  assert.deepEqual([...db.transaction('requests').store.indexNames], ['finding_id'])
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

  const v2 = await openDB(name, 2, { upgrade })
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

test('upgrading from version 2 adds the requests store and keeps the data of every older store', async () => {
  const name = fresh()
  const v2 = await openDB(name, 2, { upgrade })
  assert.deepEqual([...v2.objectStoreNames].sort(), ['blobs', 'docs', 'drafts', 'meta', 'outbox'])
  const op = { kind: 'set', op_id: 'a', client_seq: 1, inspection_id: 'i-1', hlc: '1', changes: [] }
  await v2.put('outbox', { client_seq: 1, op_id: 'a', inspection_id: 'i-1', op, state: 'pending', created_at: 5 })
  await v2.put('docs', { id: 'i-1', view: { id: 'i-1', findings: [{ id: 'f-1' }] }, known_fv: { a: 3 } })
  await v2.put('blobs', { sha256: 'ab', blob: new Blob(['x']), state: 'pending', created_at: 6 })
  await v2.put('drafts', { id: 'i-1', section: 2, evidence: { a: ['ab'] } })
  await v2.put('meta', 'tok', 'token')
  v2.close()

  const v3 = await openDatabase({ name })
  assert.equal(v3.version, 3)
  assert.equal((await v3.get('outbox', 1)).op.op_id, 'a')
  assert.deepEqual((await v3.get('docs', 'i-1')).known_fv, { a: 3 })
  assert.equal((await v3.get('blobs', 'ab')).state, 'pending')
  assert.deepEqual((await v3.get('drafts', 'i-1')).evidence, { a: ['ab'] })
  assert.equal(await v3.get('meta', 'token'), 'tok')
  assert.deepEqual(await v3.getAll('requests'), [])
  await v3.put('requests', { id: 'r-1', finding_id: 'f-1', state: 'pending', created_at: 7 })
  assert.equal((await v3.getAllFromIndex('requests', 'finding_id', 'f-1')).length, 1)
  v3.close()
})
