// The outbox: gap-free client_seq, oldest first, kept until a pull confirms it, as bench/device.py.
import 'fake-indexeddb/auto'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { openDatabase, setMeta } from '../../src/lib/db.js'
import { allOps, enqueue, maxHlc, nextHlc, pendingOps, pushBody, recordResults, serverHlc, unsyncedSummary } from '../../src/sync/outbox.js'
import { setBody } from '../../src/model/inspection.js'
import { applyPage } from '../../src/sync/pull.js'

let n = 0
async function device() {
  const db = await openDatabase({ name: `outbox-${++n}` })
  await setMeta(db, { client_id: 'c', next_client_seq: 1, checkpoint: 0 })
  return db
}
const ID = '11111111-2222-4333-8444-555555555555'
const set = (path, value, base_fv = 0) => setBody(path, value, base_fv)
const page = (over = {}) => ({ documents: [], checkpoint: 0, has_more: false, scope_site_ids: ['s1'], reset: false, ...over })

test('concurrent edits get gap-free client_seq in order', async () => {
  const db = await device()
  await Promise.all(Array.from({ length: 20 }, (_, i) => enqueue(db, 'set', ID, set('a', i))))
  const seqs = (await allOps(db)).map((r) => r.client_seq)
  assert.deepEqual(seqs, Array.from({ length: 20 }, (_, i) => i + 1))
  assert.equal((await pendingOps(db, 5)).length, 5)
  assert.deepEqual((await pendingOps(db, 3)).map((r) => r.client_seq), [1, 2, 3])
})

test('clock stamps always increase and are sent as exact 64-bit numbers', async () => {
  assert.equal(nextHlc(undefined, 1000), String(1000n << 16n))
  assert.equal(nextHlc(String((1000n << 16n) + 5n), 999), String((1000n << 16n) + 6n))
  assert.equal(maxHlc('10', 9), '10')
  const db = await device()
  const a = await enqueue(db, 'create', ID, { checklist_id: 'x', version: 1, site_id: 's1' }, { now: 1_763_800_000_000 })
  const b = await enqueue(db, 'set', ID, set('a', 1), { now: 1_763_800_000_000 })
  assert.ok(BigInt(b.op.hlc) > BigInt(a.op.hlc))
  const body = pushBody('c', [a, b])
  assert.match(body, new RegExp(`"hlc":${a.op.hlc}[,}]`))
  assert.equal(serverHlc('{"results":[],"last_seq":2,"server_hlc":115594189209600001}'), '115594189209600001')
})

test('results: acked ops wait for a pull, refused ones stay with their problem, gaps are resent', async () => {
  const db = await device()
  const create = await enqueue(db, 'create', ID, { checklist_id: 'x', version: 1, site_id: 's1' })
  const good = await enqueue(db, 'set', ID, set('licence', 'pass'))
  const bad = await enqueue(db, 'set', ID, set('frozen_temp', '很冷'))
  const later = await enqueue(db, 'set', ID, set('notes', 'x'))
  const problem = { type: 'urn:xunjian:problem:invalid-answers', detail: 'bad', errors: [{ pointer: '/frozen_temp', detail: 'number' }] }
  await recordResults(db, [
    { op_id: create.op_id, client_seq: 1, outcome: 'applied', seq: 5, fields: [{ path: '', outcome: 'applied', fv: 5 }] },
    { op_id: good.op_id, client_seq: 2, outcome: 'applied', seq: 6, fields: [{ path: 'licence', outcome: 'applied', fv: 6 }] },
    { op_id: bad.op_id, client_seq: 3, outcome: 'rejected', seq: 7, problem },
    { op_id: later.op_id, client_seq: 4, outcome: 'gap' },
  ], '99')
  const ops = await allOps(db)
  assert.deepEqual(ops.map((r) => r.state), ['acked', 'acked', 'rejected', 'pending'])
  assert.deepEqual(ops[2].problem, problem)
  assert.deepEqual((await pendingOps(db)).map((r) => r.client_seq), [4])
  assert.equal((await db.get('docs', ID)).known_fv.licence, 6)
  assert.equal(await db.get('meta', 'hlc'), maxHlc(later.op.hlc, '99'))
  const summary = unsyncedSummary(ops, [], Date.now())
  assert.equal(summary.ops, 2) // the refused one and the gap; acked ops are on the server
  assert.equal(summary.rejected, 1)

  // a pull whose checkpoint covers seq 5 but not 6 confirms only the create
  await applyPage(db, page({ checkpoint: 5 }))
  assert.deepEqual((await allOps(db)).map((r) => r.client_seq), [2, 3, 4])
  await applyPage(db, page({ checkpoint: 9 }))
  assert.deepEqual((await allOps(db)).map((r) => r.client_seq), [3, 4]) // refused and pending stay
})

test('unsynced data older than a day is stale, by the injected clock', () => {
  const HOUR = 3600 * 1000
  const t0 = Date.UTC(2026, 0, 5, 8)
  const ops = [
    { state: 'acked', created_at: t0 - 72 * HOUR }, // on the server: does not count
    { state: 'pending', created_at: t0 },
  ]
  const blobs = [{ state: 'uploaded', created_at: t0 - 48 * HOUR }, { state: 'pending', created_at: t0 + HOUR }]
  assert.equal(unsyncedSummary(ops, blobs, t0 + 24 * HOUR).stale, false) // exactly a day: not yet
  const later = unsyncedSummary(ops, blobs, t0 + 25 * HOUR)
  assert.equal(later.stale, true)
  assert.equal(later.oldest_age_ms, 25 * HOUR)
  assert.equal(later.count, 2)
  assert.equal(unsyncedSummary(ops.slice(0, 1), blobs.slice(0, 1), t0 + 99 * HOUR).stale, false) // nothing unsynced
  const refused = unsyncedSummary([{ state: 'rejected', created_at: t0 }], [], t0 + 30 * HOUR)
  assert.equal(refused.stale, true) // a refused op is not on the server either
})
