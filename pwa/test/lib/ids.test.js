// Op and inspection ids: UUIDv7, in time order, accepted by the server's UUID pattern.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { uuid7 } from '../../src/lib/ids.js'

const PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

test('a uuid7 carries its millisecond, version 7 and the RFC 9562 variant', () => {
  const id = uuid7(0x0123456789ab)
  assert.match(id, PATTERN)
  assert.equal(id.slice(0, 13), '01234567-89ab')
})

test('ids made later sort later, and ids made in the same millisecond differ', () => {
  const ids = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000].map((ms) => uuid7(ms))
  assert.deepEqual([...ids].sort(), ids)
  const same = new Set(Array.from({ length: 1000 }, () => uuid7(1_700_000_000_000)))
  assert.equal(same.size, 1000)
  for (const id of same) assert.match(id, PATTERN)
})

test('the default is now', () => {
  const before = Date.now()
  const id = uuid7()
  const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16)
  assert.ok(ms >= before && ms <= Date.now())
})
