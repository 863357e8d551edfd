// The desk's findings register: its filters as the query.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { findingsQuery } from '../../src/desk/findings.js'

test('the findings filters become the query', () => {
  assert.equal(String(findingsQuery({ status: '', overdue: false, repeat: false, severity: '', site_id: '' })), '')
  assert.equal(String(findingsQuery({ status: 'open', overdue: true, repeat: true, severity: 'critical', site_id: 's1' })),
    'status=open&overdue=true&repeat=true&severity=critical&site_id=s1')
})
