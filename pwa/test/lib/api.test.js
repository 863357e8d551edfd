// Paged listings: the next page is the Link header's rel="next", when the server sends one (the queue, the conflicts, older records).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { nextLink } from '../../src/lib/api.js'

test('the next page comes from the Link header', () => {
  assert.equal(nextLink('</api/inspections?site_id=s&limit=20&cursor=abc>; rel="next"'), '/api/inspections?site_id=s&limit=20&cursor=abc')
  assert.equal(nextLink('</a>; rel="prev", </b>; rel="next"'), '/b')
  assert.equal(nextLink(null), null)
  assert.equal(nextLink('</a>; rel="prev"'), null)
})
