// The sync's due list: what the server says is due, and the plans, kept for offline use.
import 'fake-indexeddb/auto'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { openDatabase, setMeta } from '../../src/lib/db.js'
import { refreshDue } from '../../src/sync/run.js'
import { DAILY, WEEKLY, item } from '../fixture_plans.js'

test('the sync keeps the due list and the plans; a failure keeps the last ones', async () => {
  const db = await openDatabase({ name: 'plans-test' })
  const original = globalThis.fetch
  const answers = { '/api/schedules/due': [item(WEEKLY, '2026-11-16', '2026-11-22', 'due')], '/api/schedules': [WEEKLY] }
  try {
    globalThis.fetch = async (path) => new Response(JSON.stringify(answers[path]), { status: 200 })
    assert.equal(await refreshDue(db, 't', Date.parse('2026-11-18T02:00:00Z')), true)
    const kept = await db.get('meta', 'due')
    assert.equal(kept.today, '2026-11-18')
    assert.equal(kept.items.length, 1)
    assert.equal(kept.plans[0].id, 'p1')
    // a colleague's plan is not estimated as due on this phone; one for this user or for nobody is
    await setMeta(db, { user: { id: 'me' } })
    answers['/api/schedules'] = [WEEKLY, { ...DAILY, id: 'theirs', assignee_id: 'colleague' }, { ...DAILY, id: 'mine', assignee_id: 'me' }]
    assert.equal(await refreshDue(db, 't', Date.parse('2026-11-18T02:00:00Z')), true)
    assert.deepEqual((await db.get('meta', 'due')).plans.map((/** @type {any} */ p) => p.id), ['p1', 'mine'])
    answers['/api/schedules'] = [WEEKLY]
    assert.equal(await refreshDue(db, 't', Date.parse('2026-11-18T02:00:00Z')), true)
    const again = await db.get('meta', 'due')
    assert.deepEqual(again.plans.map((/** @type {any} */ p) => p.id), ['p1'])
    globalThis.fetch = async () => {
      throw new TypeError('Failed to fetch')
    }
    assert.equal(await refreshDue(db, 't'), false)
    globalThis.fetch = async () => new Response('{"type":"urn:xunjian:problem:internal-error"}', { status: 500 })
    assert.equal(await refreshDue(db, 't'), false)
    assert.deepEqual(await db.get('meta', 'due'), again)
  } finally {
    globalThis.fetch = original
    db.close()
  }
})
