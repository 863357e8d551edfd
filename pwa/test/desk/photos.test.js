// The desk's photos: sizes and capture times as a supervisor reads them.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { capturedText, sizeText } from '../../src/desk/photos.js'

test('sizes and capture times read the way a supervisor reads them', () => {
  assert.equal(sizeText(512), '512 B')
  assert.equal(sizeText(2048), '2 KB')
  assert.equal(sizeText(3 * 1024 * 1024 + 200000), '3.2 MB')
  assert.equal(capturedText('2025-03-14T09:26:53+08:00'), '2025-03-14 09:26:53 (+08:00)')
  assert.equal(capturedText('2025-03-14T01:26:53Z'), '2025-03-14 01:26:53 (UTC)')
  assert.equal(capturedText('sometime'), 'sometime')
})
