// What is unsent, in people's terms: inspections, photos (bytes left), signatures and fix
// reports with their state, derived from the outbox, blobs and requests.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { refusalText, sizeText, unsentCounts, unsentModel } from '../../src/model/unsent.js'

const op = (seq, inspection, kind, state = 'pending', extra = {}) => ({
  ...extra, client_seq: seq, inspection_id: inspection, state, created_at: 1000 + seq, op: { kind, ...extra.op },
})
const blob = (sha, kind, extra = {}) => ({ sha256: sha, kind, inspection_id: 'i-1', path: kind === 'photo' ? 'photos' : 'sign', size: 1000, offset: 0, state: 'pending', created_at: 5, ...extra })

test('114 ops of one inspection are one inspection; acked ops are not unsent', () => {
  const ops = Array.from({ length: 114 }, (_, n) => op(n + 1, 'i-1', 'set'))
  ops.push(op(200, 'i-2', 'set', 'acked'))
  const unsent = unsentModel({ ops, blobs: [] })
  assert.deepEqual(unsentCounts(unsent), { inspections: 1, photos: 0, signatures: 0, fixes: 0 })
  assert.equal(unsent.inspections[0].ops, 114)
  assert.equal(unsent.inspections[0].created_at, 1001)
  assert.equal(unsent.inspections[0].state, 'waiting')
})

test('offline: everything waits for signal; a refused op makes its inspection refused with the why', () => {
  const problem = { type: 'urn:xunjian:problem:invalid-answer', title: 'Invalid answer', detail: '温度超出可填范围' }
  const ops = [op(1, 'i-1', 'set'), op(2, 'i-1', 'set', 'rejected', { problem }), op(3, 'i-2', 'set')]
  const unsent = unsentModel({ ops, blobs: [], online: false })
  const [first, second] = unsent.inspections
  assert.equal(first.state, 'refused')
  assert.equal(first.detail, '温度超出可填范围')
  assert.equal(second.state, 'offline')
  assert.equal(refusalText({ title: 'T' }), 'T')
  assert.equal(refusalText(undefined), '')
})

test('photos with bytes left; the one uploading is sending while the upload phase runs, the others wait', () => {
  const blobs = [
    blob('a', 'photo', { state: 'uploading', offset: 400 }),
    blob('b', 'photo'),
    blob('c', 'photo', { state: 'uploaded' }),
    blob('d', 'photo', { state: 'refused', problem: { detail: '不是图片' } }),
  ]
  const idle = unsentModel({ ops: [], blobs })
  assert.deepEqual(idle.photos.map((p) => [p.key, p.state, p.bytes_left]), [
    ['photo:a', 'waiting', 600], ['photo:b', 'waiting', 1000], ['photo:d', 'refused', 1000],
  ])
  assert.equal(idle.photos[2].detail, '不是图片')
  assert.equal(idle.bytes_left, 1600) // refused bytes will not be sent
  assert.equal(idle.upload, null)
  const moving = unsentModel({ ops: [], blobs, status: { phase: 'upload', uploaded: 3, upload_total: 12 } })
  assert.deepEqual(moving.photos.map((p) => p.state), ['sending', 'waiting', 'refused'])
  assert.deepEqual(moving.upload, { done: 3, total: 12 })
})

test('a camera original waiting to follow its light version is not unsent: the form is on the server without it', () => {
  const blobs = [
    blob('light', 'photo', { state: 'uploaded', capture_sha256: 'camera' }),
    blob('camera', 'photo', { role: 'original', light_sha256: 'light', size: 4_000_000 }),
    blob('next', 'photo'),
  ]
  const unsent = unsentModel({ ops: [], blobs })
  assert.deepEqual(unsent.photos.map((p) => p.key), ['photo:next'])
  assert.equal(unsent.bytes_left, 1000)
  assert.deepEqual(unsentCounts(unsent), { inspections: 0, photos: 1, signatures: 0, fixes: 0 })
})

test('a signature is unsent while its image or its signing is not on the server, counted once', () => {
  const ops = [op(1, 'i-1', 'sign', 'pending', { op: { path: 'sign' } }), op(2, 'i-1', 'set')]
  const both = unsentModel({ ops, blobs: [blob('s', 'signature')] })
  assert.equal(both.signatures.length, 1)
  assert.equal(both.signatures[0].bytes_left, 1000)
  const opOnly = unsentModel({ ops, blobs: [blob('s', 'signature', { state: 'uploaded' })] })
  assert.equal(opOnly.signatures.length, 1)
  assert.equal(opOnly.signatures[0].path, 'sign')
  const done = unsentModel({ ops: [op(1, 'i-1', 'sign', 'acked', { op: { path: 'sign' } })], blobs: [blob('s', 'signature', { state: 'uploaded' })] })
  assert.equal(done.signatures.length, 0)
  const refused = unsentModel({ ops: [op(1, 'i-1', 'sign', 'rejected', { op: { path: 'sign' }, problem: { detail: '签字已过期' } })], blobs: [blob('s', 'signature')] })
  assert.equal(refused.signatures[0].state, 'refused')
  assert.equal(refused.signatures[0].detail, '签字已过期')
})

test('fix reports: kept ones wait, failed ones are refused with the problem', () => {
  const requests = [
    { id: 'r1', kind: 'report_fix', inspection_id: 'i-1', state: 'pending', created_at: 1 },
    { id: 'r2', kind: 'report_fix', inspection_id: 'i-1', state: 'failed', problem: { detail: '整改已验证' }, created_at: 2 },
  ]
  const unsent = unsentModel({ ops: [], blobs: [], requests, online: false })
  assert.deepEqual(unsent.fixes.map((f) => [f.state, f.detail]), [['offline', ''], ['refused', '整改已验证']])
})

test('sizes read as people read them', () => {
  assert.equal(sizeText(512), '512 B')
  assert.equal(sizeText(1500), '2 KB')
  assert.equal(sizeText(3.4 * 1024 * 1024), '3.4 MB')
})
