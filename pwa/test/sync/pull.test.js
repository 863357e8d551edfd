// Pulls: pages of documents and field versions land with the checkpoint; resets, evictions and
// scope changes; the outbox is kept throughout. The desk forgets what was pulled.
import 'fake-indexeddb/auto'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { openDatabase, setMeta } from '../../src/lib/db.js'
import { setBody } from '../../src/model/inspection.js'
import { allOps, enqueue } from '../../src/sync/outbox.js'
import { applyPage, forgetPulled, pullAll } from '../../src/sync/pull.js'
import { decodePulled } from '../../src/sync/pulled.js'

let n = 0
async function device() {
  const db = await openDatabase({ name: `pull-${++n}` })
  await setMeta(db, { client_id: 'c', next_client_seq: 1, checkpoint: 0 })
  return db
}
const ID = '11111111-2222-4333-8444-555555555555'
const set = (path, value, base_fv = 0) => setBody(path, value, base_fv)
const page = (over = {}) => ({ documents: [], checkpoint: 0, has_more: false, scope_site_ids: ['s1'], reset: false, ...over })

test('pull pages: documents and field versions land with the checkpoint; evictions; resets keep the outbox', async () => {
  const db = await device()
  const view = { id: ID, site_id: 's1', checklist_id: 'x', version: 1, values: { licence: 'pass' }, fv: [[1, 8]], authors: ['u'], by: [[1, 0]], entries: { 'g/e': [3, 9] } }
  const pages = [page({ documents: [view], checkpoint: 8, has_more: true }), page({ checkpoint: 12 })]
  const asked = []
  await pullAll(db, async (checkpoint) => (asked.push(checkpoint), pages.shift()))
  assert.deepEqual(asked, [0, 8])
  assert.equal(await db.get('meta', 'checkpoint'), 12)
  assert.deepEqual((await db.get('docs', ID)).known_fv, { licence: 8, 'g/e': 9 })

  await enqueue(db, 'set', ID, set('licence', 'fail', 8))
  assert.equal(await applyPage(db, page({ reset: true, checkpoint: 0, has_more: true })), 'restart')
  assert.equal(await db.get('meta', 'checkpoint'), 0)
  assert.equal(await db.get('docs', ID), undefined)
  assert.equal((await allOps(db)).length, 1)

  await applyPage(db, page({ documents: [view], checkpoint: 8 }))
  assert.equal(await applyPage(db, page({ scope_site_ids: [], checkpoint: 12 })), 'done')
  assert.equal(await db.get('docs', ID), undefined) // s1 left the scope: evicted
  assert.equal((await allOps(db)).length, 1) // its unsent edit stays
})

test('a site new in scope pulls again from 0', async () => {
  const db = await device()
  await applyPage(db, page({ checkpoint: 20 }))
  assert.equal(await applyPage(db, page({ scope_site_ids: ['s1', 's3'], checkpoint: 25 })), 'restart')
  assert.equal(await db.get('meta', 'checkpoint'), 0)
  assert.deepEqual(await db.get('meta', 'scope'), ['s1', 's3'])
})

test('a compact document decodes to answers, field versions, authors and stale signatures', () => {
  const doc = {
    id: ID, site_id: 's1', status: 'draft', created_at: '2026-12-01T00:00:00.000Z',
    values: { licence: 'fail', 'stalls/e1/stall_no': 'A-01', 'stalls/e2/stall_no': 'B-02', notes: null, sign: { status: 'signed' } },
    fv: [[1, 5], [2, 0], [2, 3]], authors: ['u1', 'u2'], by: [[3, 0], [2, 1]], stale: ['sign'],
    entries: { 'stalls/e1': [4, 0], 'stalls/e2': [4, 7] },
  }
  const view = decodePulled(doc)
  assert.deepEqual(view.answers, { licence: 'fail', stalls: { e1: { stall_no: 'A-01' } }, sign: { status: 'signed' } })
  assert.deepEqual(Object.fromEntries(Object.entries(view.fields).map(([p, f]) => [p, [f.fv, f.by, f.stale]])), {
    licence: [5, 'u1', false], 'stalls/e1/stall_no': [5, 'u1', false], 'stalls/e2/stall_no': [5, 'u1', false],
    notes: [8, 'u2', false], sign: [11, 'u2', true],
  })
  assert.deepEqual(view.entries, { 'stalls/e1': { fv: 4, removed: 0 }, 'stalls/e2': { fv: 4, removed: 7 } })
  assert.deepEqual([view.conflicts, view.findings, view.keep, view.values], [[], [], '', undefined])
})

test('the window: out-of-window synced inspections leave, kept and unsent ones stay; a widened window pulls again', async () => {
  const db = await device()
  const doc = (id, created_at, over = {}) => ({ id, site_id: 's1', checklist_id: 'x', version: 1, status: 'submitted', created_at, values: {}, ...over })
  const OLD = '2026-01-01T00:00:00.000Z'
  const NEW = '2026-12-01T00:00:00.000Z'
  const start = '2026-11-01T00:00:00.000Z'
  const docs = [doc('old', OLD), doc('kept', OLD, { keep: 'action' }), doc('mine', OLD, { keep: 'own' }), doc('unsent', OLD), doc('new', NEW)]
  await applyPage(db, page({ documents: docs, checkpoint: 8, window_start: '2026-01-01T00:00:00.000Z' }))
  assert.equal((await db.getAllKeys('docs')).length, 5)
  await enqueue(db, 'set', 'unsent', set('licence', 'fail'))
  await applyPage(db, page({ checkpoint: 9, window_start: start, evicted: ['mine'] }))
  assert.deepEqual((await db.getAllKeys('docs')).sort(), ['kept', 'new', 'unsent']) // 'mine' changed outside: by id
  assert.equal((await allOps(db)).length, 1)
  assert.equal(await applyPage(db, page({ checkpoint: 10, window_start: OLD })), 'restart')
  assert.equal(await db.get('meta', 'checkpoint'), 0)
  assert.equal(await db.get('meta', 'window_start'), OLD)
})

test('the desk forgets what was pulled and starts again from 0; local-only records stay', async () => {
  const db = await device()
  const view = { id: ID, site_id: 's1', checklist_id: 'x', version: 1, values: { licence: 'pass' }, fv: [[1, 8]], authors: ['u'], by: [[1, 0]], entries: {} }
  await applyPage(db, page({ documents: [view], checkpoint: 8 }))
  const local = '99999999-2222-4333-8444-555555555555'
  await db.put('docs', { id: local, view: null, known_fv: { licence: 3 } })
  await forgetPulled(db)
  assert.equal(await db.get('meta', 'checkpoint'), 0)
  assert.equal(await db.get('docs', ID), undefined)
  assert.deepEqual(await db.get('docs', local), { id: local, view: null, known_fv: {} })
  await forgetPulled(db) // nothing held: nothing written
  assert.equal(await db.count('docs'), 1)
})
