// Recovering from a restore of the server: ops the server holds stay, the user's own documents
// changed after the backup are re-offered, later ops re-sent, all numbered on from the server's
// last_seq, and a page naming another epoch stops the pull for the recovery.
import 'fake-indexeddb/auto'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { openDatabase, setMeta } from '../../src/lib/db.js'
import { setBody } from '../../src/model/inspection.js'
import { allOps, enqueue, pushBody } from '../../src/sync/outbox.js'
import { applyPage, pullAll } from '../../src/sync/pull.js'
import { decodePulled } from '../../src/sync/pulled.js'
import { cutBases, recoverOutbox, reoffer } from '../../src/sync/recover.js'

const MINE = '11111111-2222-4333-8444-555555555555'
const THEIRS = '11111111-2222-4333-8444-666666666666'
const OLD = '11111111-2222-4333-8444-777777777777'
const SHA = 'a'.repeat(64)
const held = (id, inspector, updated, values, fv, by) => ({
  id, site_id: 's1', checklist_id: 'x', version: 1, inspector_id: inspector, status: 'submitted',
  created_at: '2026-12-01T02:00:00.000Z', updated_at: '2026-12-01T02:00:00.000Z', updated_seq: updated,
  values, fv, authors: ['me', 'boss'], by, entries: { 'g/e1': [12, 0], 'g/e0': [3, 0] },
})

test('re-offered ops bring back what the user wrote after the mark, based on the mark', () => {
  const view = decodePulled(held(MINE, 'me', 14, { a: 1, b: 'x', c: [SHA], d: 'boss' }, [[1, 5], [1, 6], [1, 1], [1, 1]], [[3, 0], [1, 1]]))
  const ops = reoffer(view, 10)
  assert.deepEqual(ops.map((o) => o.kind), ['create', 'add_entry', 'attach', 'set', 'transition'])
  assert.equal(ops[1].entry_id, 'e1') // added after the mark; e0 the server holds
  assert.deepEqual(ops[2], { kind: 'attach', inspection_id: MINE, path: 'c', sha256: SHA })
  assert.deepEqual(ops[3].answers, { b: 'x' }) // a was written before the mark (fv 5), d by the supervisor
  assert.deepEqual(ops[3].base, { b: 10 })
  assert.deepEqual(cutBases({ kind: 'set', base: { b: 13, c: 4 }, base_fv: 12 }, 10), { kind: 'set', base: { b: 10, c: 4 }, base_fv: 10 })
})

test('recovery keeps what the server holds, re-offers, re-sends later ops renumbered, and marks them', async () => {
  const db = await openDatabase({ name: 'recover-1' })
  await setMeta(db, { client_id: 'c', next_client_seq: 1, checkpoint: 0, user: { id: 'me' }, epoch: 'e1' })
  await applyPage(db, { documents: [held(MINE, 'me', 14, { b: 'x' }, [[1, 12]], [[1, 0]]), held(THEIRS, 'other', 14, {}, [], []), held(OLD, 'me', 9, {}, [], [])], checkpoint: 14, has_more: false, scope_site_ids: ['s1'], epoch: 'e1' })
  for (let i = 0; i < 3; i++) await enqueue(db, 'set', MINE, setBody('b', `v${i}`, 13))
  const [first, second, third] = await allOps(db)
  await recoverOutbox(db, { epoch: 'e2', restoredSeq: 10, lastSeq: 1, userId: 'me', now: Date.parse('2026-12-02T00:00:00Z') })
  const ops = await allOps(db)
  assert.deepEqual(ops.map((r) => r.client_seq), [1, 2, 3, 4, 5, 6, 7])
  assert.equal(ops[0].op_id, first.op_id) // the server holds it (client_seq 1): left as it was
  assert.equal(ops[0].recovered, undefined)
  assert.deepEqual(ops.slice(1, 5).map((r) => r.op.kind), ['create', 'add_entry', 'set', 'transition']) // own, changed after the mark
  assert.ok(ops.slice(1, 5).every((r) => r.inspection_id === MINE && r.recovered && r.state === 'pending'))
  assert.deepEqual(ops.slice(5).map((r) => r.op_id), [second.op_id, third.op_id]) // re-sent after them, ids kept
  assert.deepEqual(ops.slice(5).map((r) => [r.op.client_seq, r.op.base]), [[6, { b: 10 }], [7, { b: 10 }]])
  assert.equal(await db.get('meta', 'next_client_seq'), 8)
  assert.equal(await db.get('meta', 'epoch'), 'e2')
  assert.equal(await db.get('meta', 'checkpoint'), 0)
  assert.deepEqual(await db.getAll('docs'), []) // the server's documents come again from a pull from 0
  const body = JSON.parse(pushBody('c', ops, 'e2'))
  assert.equal(body.epoch, 'e2')
  assert.deepEqual(body.recovered, ops.slice(1).map((r) => r.op_id))
  db.close()
})

test('a page naming another epoch stops the pull for the recovery, then the pull starts again', async () => {
  const db = await openDatabase({ name: 'recover-2' })
  await setMeta(db, { client_id: 'c', next_client_seq: 1, checkpoint: 30, epoch: 'e1' })
  const pages = [{ documents: [], checkpoint: 30, has_more: false, scope_site_ids: ['s1'], epoch: 'e2', restored_seq: 10 },
    { documents: [], checkpoint: 10, has_more: false, scope_site_ids: ['s1'], epoch: 'e2' }]
  const asked = []
  const seen = []
  await pullAll(db, async (checkpoint, epoch) => (asked.push([checkpoint, epoch]), pages.shift()), 10, async (page) => {
    seen.push(page.restored_seq)
    await setMeta(db, { epoch: page.epoch, checkpoint: 0 })
  })
  assert.deepEqual(asked, [[30, 'e1'], [0, 'e2']])
  assert.deepEqual(seen, [10])
  assert.equal(await db.get('meta', 'checkpoint'), 10)
  db.close()
})
