// Canonical JSON and the signature's content hash, as schemas/canonical.py computes them
// (tests/pwa/test_canonical.py checks the two against each other on the real checklists).
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { canonicalJson, contentHash, numberText, signedContent } from '../../src/lib/canonical.js'
import { SCHEMA } from '../fixture_schema.js'

test('numbers print as the server prints the value it decoded', () => {
  const cases = [
    [-18, '-18'], [-18.0, '-18'], [0, '0'], [-0, '0'], [2.5, '2.5'], [0.1, '0.1'], [1e-7, '1e-7'],
    [0.00001, '1e-5'], [1.5e-5, '1.5e-5'], [0.0001, '0.0001'], [0.00012, '0.00012'], [1e21, '1e+21'],
    [123456789, '123456789'], [1e20, '100000000000000000000'], [-12.345, '-12.345'],
  ]
  for (const [value, text] of cases) assert.equal(numberText(/** @type {number} */ (value)), text, String(value))
  assert.throws(() => numberText(NaN))
})

test('canonical JSON sorts keys, drops white space, keeps Chinese as UTF-8', () => {
  assert.equal(canonicalJson({ b: 1, a: [true, null, '冷冻'], c: { z: 'x', y: -0.5 } }), '{"a":[true,null,"冷冻"],"b":1,"c":{"y":-0.5,"z":"x"}}')
  assert.equal(canonicalJson('line\nbreak "q" \\ \u0001'), '"line\\nbreak \\"q\\" \\\\ \\u0001"')
})

test('a signature covers every other answer, with photo and choice lists sorted', () => {
  const answers = {
    fresh: 'yes',
    categories: ['frozen', 'dairy'],
    photos: ['bb', 'aa'],
    frozen_temp: -12,
    stalls: { 'e-1': { prices: 'pass', stall_photos: ['d', 'c'] } },
    manager_sign: { status: 'signed' },
    notes: null,
  }
  assert.deepEqual(signedContent(SCHEMA, answers, 'manager_sign'), {
    fresh: 'yes',
    categories: ['dairy', 'frozen'],
    photos: ['aa', 'bb'],
    frozen_temp: -12,
    stalls: { 'e-1': { prices: 'pass', stall_photos: ['c', 'd'] } },
  })
  assert.deepEqual(answers.photos, ['bb', 'aa']) // the answers are not changed
})

test('the content hash is SHA-256 of the canonical text', async () => {
  const answers = { licence: 'fail', frozen_temp: -12.5 }
  const text = '{"frozen_temp":-12.5,"licence":"fail"}'
  assert.equal(await contentHash(SCHEMA, answers, 'manager_sign'), createHash('sha256').update(text).digest('hex'))
})
