// Item notes in the local view: a `note` op sets the note beside the item (not an answer), the
// later one wins, empty text removes it; a refused one is left out.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { localView } from '../../src/model/inspection.js'

const create = { client_seq: 1, inspection_id: 'i', state: 'pending', created_at: 0, op: { kind: 'create', checklist_id: 'c', version: 1, site_id: 's' } }
const note = (seq, path, text, state = 'pending') => ({ client_seq: seq, inspection_id: 'i', state, created_at: seq, op: { kind: 'note', path, text } })

test('a note sits beside the answer; the later wins; empty text removes it', () => {
  const view = localView(null, [create, note(2, 'licence', '  执照过期  '), note(3, 'temp', '温度计在门口')])
  assert.deepEqual(view.notes, { licence: { text: '执照过期', pending: true }, temp: { text: '温度计在门口', pending: true } })
  assert.deepEqual(view.answers, {})
  assert.deepEqual(view.pending_paths, [])
  const later = localView(null, [create, note(2, 'licence', '执照过期'), note(3, 'licence', '已补办'), note(4, 'temp', 'x'), note(5, 'temp', '')])
  assert.deepEqual(later.notes, { licence: { text: '已补办', pending: true } })
})

test('on a pulled view the server\'s note is replaced by a newer local one; a refused op is left out', () => {
  const server = { id: 'i', status: 'draft', answers: {}, notes: { licence: { text: '旧', by: 'u', fv: 3 } } }
  const view = localView(server, [note(9, 'licence', '新')])
  assert.deepEqual(view.notes.licence, { text: '新', by: 'u', fv: 3, pending: true })
  assert.equal(server.notes.licence.text, '旧') // the pulled view is not changed
  assert.equal(localView(server, [note(9, 'licence', '新', 'rejected')]).notes.licence.text, '旧')
})

test('a voice memo rides on the note: with or without text, kept by a text edit that names it, removed by one that does not', () => {
  const voice = { sha256: 'a'.repeat(64), mime: 'audio/webm', duration_ms: 4200, bytes: 9000 }
  const withVoice = (seq, text, v) => ({ ...note(seq, 'licence', text), op: { kind: 'note', path: 'licence', text, ...(v ? { voice: v } : {}) } })
  assert.deepEqual(localView(null, [create, withVoice(2, '', voice)]).notes, { licence: { text: '', pending: true, voice } })
  assert.deepEqual(localView(null, [create, withVoice(2, '', voice), withVoice(3, '执照过期', voice)]).notes.licence, { text: '执照过期', pending: true, voice })
  assert.deepEqual(localView(null, [create, withVoice(2, '执照过期', voice), withVoice(3, '执照过期', null)]).notes.licence, { text: '执照过期', pending: true })
  assert.deepEqual(localView(null, [create, withVoice(2, '', voice), withVoice(3, '', null)]).notes, {})
  const server = { id: 'i', status: 'draft', answers: {}, notes: { licence: { text: '旧', by: 'u', fv: 3, voice } } }
  assert.deepEqual(localView(server, [note(9, 'licence', '新')]).notes.licence, { text: '新', by: 'u', fv: 3, pending: true })
})
