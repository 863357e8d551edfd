// Kept requests (fix reports): sent after their photos, kept until the server answers 200,
// failed with the problem on a 4xx, kept on no answer; counted as unsynced and exported.
import 'fake-indexeddb/auto'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ApiError, NetworkError } from '../../src/lib/api.js'
import { openDatabase } from '../../src/lib/db.js'
import { unsyncedData } from '../../src/sync/export.js'
import { unsyncedSummary } from '../../src/sync/outbox.js'
import { allRequests, dismissRequest, queueFixReport, sendRequests } from '../../src/sync/requests.js'

let n = 0
const device = () => openDatabase({ name: `requests-${++n}` })
const report = (over = {}) => ({ finding_id: 'f-1', inspection_id: 'i-1', note: '已整改', photos: [], ...over })
const ok = () => new Response('{}', { status: 200 })
const problem = (status, body) => new ApiError(status, body)
const VERIFIED = {
  type: 'urn:xunjian:problem:invalid-action-transition',
  title: 'Invalid action transition',
  status: 409,
  detail: 'a verified action cannot be reported fixed; only one that is open',
}

/** A sender that answers from a list, recording what it was asked. */
function sender(...answers) {
  const calls = []
  const fn = async (path, options) => {
    calls.push({ path, ...options })
    const next = answers.shift()
    if (next instanceof Error) throw next
    return next()
  }
  return Object.assign(fn, { calls })
}

test('a fix report is kept until the server answers 200, then sent once', async () => {
  const db = await device()
  const kept = await queueFixReport(db, report({ photos: ['aa', 'aa'] }), { now: 10 })
  assert.equal(kept.path, '/api/findings/f-1/report-fix')
  assert.deepEqual(kept.body, { note: '已整改', photos: ['aa'] })
  assert.equal(kept.state, 'pending')
  const send = sender(ok)
  assert.equal(await sendRequests(db, 'tok', send), 1)
  assert.deepEqual(send.calls, [{ path: '/api/findings/f-1/report-fix', method: 'POST', token: 'tok', body: { note: '已整改', photos: ['aa'] } }])
  assert.deepEqual(await allRequests(db), [])
  assert.equal(await sendRequests(db, 'tok', sender()), 0)
})

test('no answer keeps the report (and the rest) for the next sync', async () => {
  const db = await device()
  await queueFixReport(db, report(), { now: 1 })
  await queueFixReport(db, report({ finding_id: 'f-2' }), { now: 2 })
  const send = sender(new NetworkError(new TypeError('Failed to fetch')))
  await assert.rejects(sendRequests(db, 'tok', send), NetworkError)
  assert.equal(send.calls.length, 1) // stopped at the first: offline
  assert.deepEqual((await allRequests(db)).map((r) => [r.finding_id, r.state]), [['f-1', 'pending'], ['f-2', 'pending']])
})

test('a server error keeps it; a problem answer marks it failed with the problem until dismissed', async () => {
  const db = await device()
  await queueFixReport(db, report(), { now: 1 })
  await queueFixReport(db, report({ finding_id: 'f-2' }), { now: 2 })
  const send = sender(() => { throw problem(503, { title: 'Service Unavailable' }) }, () => { throw problem(409, VERIFIED) })
  assert.equal(await sendRequests(db, 'tok', send), 0)
  const [first, second] = await allRequests(db)
  assert.equal(first.state, 'pending')
  assert.equal(second.state, 'failed')
  assert.deepEqual(second.problem, VERIFIED)
  // failed ones are not sent again; pending ones are
  const again = sender(ok)
  assert.equal(await sendRequests(db, 'tok', again), 1)
  assert.deepEqual(again.calls.map((c) => c.path), ['/api/findings/f-1/report-fix'])
  assert.equal((await allRequests(db)).length, 1)
  await dismissRequest(db, second.id)
  assert.deepEqual(await allRequests(db), [])
})

test('signed out (401) is not a refusal: the report stays pending and the sync learns it', async () => {
  const db = await device()
  await queueFixReport(db, report())
  await assert.rejects(sendRequests(db, 'tok', sender(() => { throw problem(401, { type: 'urn:xunjian:problem:unauthorized' }) })), ApiError)
  assert.equal((await allRequests(db))[0].state, 'pending')
})

test('a report waits for its photos to be uploaded; a refused photo fails it', async () => {
  const db = await device()
  await db.put('blobs', { sha256: 'p1', blob: new Blob(['x']), state: 'pending', created_at: 1 })
  await db.put('blobs', { sha256: 'p2', blob: new Blob(['y']), state: 'refused', problem: { title: 'Invalid image' }, created_at: 1 })
  await queueFixReport(db, report({ photos: ['p1'] }), { now: 1 })
  await queueFixReport(db, report({ finding_id: 'f-2', photos: ['p2'] }), { now: 2 })
  const send = sender(ok)
  assert.equal(await sendRequests(db, 'tok', send), 0)
  assert.equal(send.calls.length, 0)
  const [waiting, refused] = await allRequests(db)
  assert.equal(waiting.state, 'pending')
  assert.equal(refused.state, 'failed')
  assert.equal(refused.problem.title, 'Invalid image')
  await db.put('blobs', { sha256: 'p1', blob: new Blob(['x']), state: 'uploaded', created_at: 1 })
  assert.equal(await sendRequests(db, 'tok', send), 1)
  assert.deepEqual(send.calls[0].body.photos, ['p1'])
})

test('kept requests count as unsynced, failed ones too, and go into the export', async () => {
  const db = await device()
  await queueFixReport(db, report(), { now: 1000 })
  await queueFixReport(db, report({ finding_id: 'f-2' }), { now: 2000 })
  await sendRequests(db, 'tok', sender(ok, () => { throw problem(409, VERIFIED) }))
  await queueFixReport(db, report({ finding_id: 'f-3', note: '换了灭火器' }), { now: 3000 })
  const requests = await db.getAll('requests')
  const summary = unsyncedSummary([], [], 5000, requests)
  assert.equal(summary.count, 2)
  assert.equal(summary.requests, 2)
  assert.equal(summary.failed_requests, 1)
  assert.equal(summary.oldest_age_ms, 3000)
  const data = await unsyncedData(db, 5000)
  assert.deepEqual(data.requests.map((r) => [r.path, r.state, r.body.note]), [
    ['/api/findings/f-2/report-fix', 'failed', '已整改'],
    ['/api/findings/f-3/report-fix', 'pending', '换了灭火器'],
  ])
  assert.equal(data.requests[0].problem.detail, VERIFIED.detail)
})
