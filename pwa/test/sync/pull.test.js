// Pulls: pages of documents and field versions land with the checkpoint; resets, evictions and
// scope changes; the outbox is kept throughout.
import 'fake-indexeddb/auto'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { openDatabase, setMeta } from '../../src/lib/db.js'
import { setBody } from '../../src/model/inspection.js'
import { allOps, enqueue } from '../../src/sync/outbox.js'
import { applyPage, pullAll } from '../../src/sync/pull.js'

let n = 0
async function device() {
  const db = await openDatabase({ name: `pull-${++n}` })
  await setMeta(db, { client_id: 'c', next_client_seq: 1, checkpoint: 0 })
  return db
}
const ID = '11111111-2222-4333-8444-555555555555'
const set = (path, value, base_fv = 0) => setBody(path, value, base_fv)
const page = (over = {}) => ({ inspections: [], checkpoint: 0, has_more: false, scope_site_ids: ['s1'], reset: false, ...over })

test('pull pages: documents and field versions land with the checkpoint; evictions; resets keep the outbox', async () => {
  const db = await device()
  const view = { id: ID, site_id: 's1', checklist_id: 'x', version: 1, fields: { licence: { value: 'pass', fv: 8 } }, entries: { 'g/e': { fv: 3, removed: 9 } } }
  const pages = [page({ inspections: [view], checkpoint: 8, has_more: true }), page({ checkpoint: 12 })]
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

  await applyPage(db, page({ inspections: [view], checkpoint: 8 }))
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
