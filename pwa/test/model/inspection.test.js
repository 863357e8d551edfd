// The inspector's view: the server's document with unconfirmed local ops on top.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { commentsByPath, conflictsByPath, localView, setBody, setPairs, syncState } from '../../src/model/inspection.js'

const ID = '11111111-2222-4333-8444-555555555555'
const E = '22222222-2222-4333-8444-555555555555'
let seq = 0
const rec = (op, state = 'pending') => ({ client_seq: ++seq, op_id: `op${seq}`, inspection_id: ID, op: { inspection_id: ID, ...op }, state, created_at: 1 })

test('a draft made on this device is its create op plus edits', () => {
  const records = [
    rec({ kind: 'create', checklist_id: 'supermarket_service', version: 1, site_id: 's1' }),
    rec({ kind: 'set', answers: { licence: 'fail', frozen_temp: -12 } }),
    rec({ kind: 'add_entry', group: 'stalls', entry_id: E }),
    rec({ kind: 'set', ...setBody(`stalls/${E}/prices`, 'pass', 0) }),
    rec({ kind: 'attach', path: 'photos', sha256: 'a'.repeat(64) }),
    rec({ kind: 'attach', path: 'photos', sha256: 'b'.repeat(64) }),
    rec({ kind: 'detach', path: 'photos', sha256: 'a'.repeat(64) }),
    rec({ kind: 'set', changes: [{ path: 'frozen_temp', value: null }] }),
  ]
  const view = localView(null, records)
  assert.equal(view.status, 'draft')
  assert.equal(view.local_only, true)
  assert.deepEqual(view.answers, { licence: 'fail', stalls: { [E]: { prices: 'pass' } }, photos: ['b'.repeat(64)] })
  assert.ok(view.pending_paths.includes('licence'))
})

test('server answers with pending edits on top; refused edits are left out', () => {
  const server = { id: ID, status: 'returned', answers: { licence: 'pass', photos: ['c'], stalls: { [E]: {} } }, conflicts: [], comments: [] }
  const records = [
    rec({ kind: 'set', changes: [{ path: 'licence', value: 'fail' }] }, 'acked'),
    rec({ kind: 'set', changes: [{ path: 'frozen_temp', value: '很冷' }] }, 'rejected'),
    rec({ kind: 'detach', path: 'photos', sha256: 'c' }),
    rec({ kind: 'remove_entry', group: 'stalls', entry_id: E }),
    rec({ kind: 'transition', to: 'submitted' }),
  ]
  const view = localView(server, records)
  assert.deepEqual(view.answers, { licence: 'fail', photos: [] }) // an emptied photo set stays [], as on the server
  assert.equal(view.status, 'submitted')
  assert.deepEqual(server.answers.licence, 'pass') // the stored document is not changed
  assert.equal(syncState(view, records), 'refused')
  assert.equal(syncState(view, records.slice(0, 1)), 'synced')
  assert.equal(syncState(view, records.slice(2)), 'waiting')
})

test('conflicts and comments are found by item path; own candidates are marked', () => {
  const view = {
    conflicts: [
      { id: 'k1', path: 'licence', kind: 'hard', status: 'open', candidates: [{ client_id: 'other', user_id: 'u1' }, { client_id: 'me', user_id: 'u1' }] },
      { id: 'k2', path: 'notes', kind: 'soft', status: 'resolved', candidates: [] },
    ],
    comments: [{ id: 'c1', path: 'frozen_temp', text: '请复核' }, { id: 'c2', path: '', text: '整体' }],
  }
  const conflicts = conflictsByPath(view, 'me', 'u2')
  assert.deepEqual(Object.keys(conflicts), ['licence'])
  assert.equal(conflicts.licence[0].mine, true)
  assert.equal(conflictsByPath(view, 'x', 'u9').licence[0].mine, false)
  assert.deepEqual(Object.keys(commentsByPath(view)), ['frozen_temp', ''])
})

test('set ops carry an answers map with base versions; the list form of earlier builds still reads', () => {
  assert.deepEqual(setBody('licence', 'fail', 0), { answers: { licence: 'fail' } })
  assert.deepEqual(setBody('licence', 'fail', 7), { answers: { licence: 'fail' }, base: { licence: 7 } })
  assert.deepEqual(setPairs({ answers: { a: 1, b: null } }), [['a', 1], ['b', null]])
  assert.deepEqual(setPairs({ changes: [{ path: 'a', value: 1, base_fv: 3 }] }), [['a', 1]])
  const queuedBeforeAnUpdate = [
    rec({ kind: 'create', checklist_id: 'supermarket_service', version: 1, site_id: 's1' }),
    rec({ kind: 'set', changes: [{ path: 'licence', value: 'fail', base_fv: 0 }] }),
    rec({ kind: 'set', answers: { frozen_temp: -20 } }),
  ]
  const view = localView(null, queuedBeforeAnUpdate)
  assert.deepEqual(view.answers, { licence: 'fail', frozen_temp: -20 })
  assert.deepEqual([...view.pending_paths].sort(), ['frozen_temp', 'licence'])
})
