// Sign op values: what the server's schema asks of a signature or a recorded refusal.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { contentHash } from '../../src/lib/canonical.js'
import { refusedValue, rfc3339, signatureCurrent, signedValue } from '../../src/media/signature.js'
import { SCHEMA } from '../fixture_schema.js'

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/ // schemas/json_schema.py DATETIME_PATTERN

test('times are RFC 3339 with the offset of the device', () => {
  assert.match(rfc3339(), DATETIME)
  const text = rfc3339(new Date(Date.UTC(2026, 10, 22, 2, 3, 4)))
  assert.equal(Date.parse(text), Date.UTC(2026, 10, 22, 2, 3, 4))
})

test('a signature binds the drawing and the signer to the content hash of the answers', async () => {
  const answers = { licence: 'fail', frozen_temp: -12 }
  const value = await signedValue(SCHEMA, answers, 'manager_sign', { image_sha256: 'a'.repeat(64), signer_name: ' 王经理 ', signer_role: '店长' })
  assert.deepEqual(Object.keys(value).sort(), ['content_hash', 'image_sha256', 'signed_at', 'signer_name', 'signer_role', 'status'])
  assert.equal(value.status, 'signed')
  assert.equal(value.signer_name, '王经理')
  assert.equal(value.content_hash, await contentHash(SCHEMA, answers, 'manager_sign'))
  const signed = { ...answers, manager_sign: value }
  assert.equal(await signatureCurrent(SCHEMA, signed, 'manager_sign'), true)
  assert.equal(await signatureCurrent(SCHEMA, { ...signed, frozen_temp: -20 }, 'manager_sign'), false)
})

test('a refusal is recorded with the reason and, where asked, a witness', async () => {
  const who = { signer_name: '王经理', signer_role: '店长', reason: '不认可检查结果', witness_name: '李四', witness_image_sha256: 'b'.repeat(64) }
  const value = await refusedValue(SCHEMA, {}, 'manager_sign', who)
  assert.equal(value.status, 'refused')
  assert.match(value.refused_at, DATETIME)
  assert.equal(value.witness_name, '李四')
  const bare = await refusedValue(SCHEMA, {}, 'manager_sign', { ...who, witness_name: ' ', witness_image_sha256: undefined })
  assert.deepEqual(Object.keys(bare).sort(), ['content_hash', 'reason', 'refused_at', 'signer_name', 'signer_role', 'status'])
})
