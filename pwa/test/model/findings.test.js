// Findings: overdue by China date, as the server counts it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { chinaDay, isOverdue } from '../../src/model/findings.js'

const finding = (over = {}) => ({
  id: 'f-1', pointer: '/licence', severity: 'major', status: 'active', action_status: 'open', confirmed: true,
  responsible: '店长 王经理', deadline: '2026-07-10', ...over,
})

test('overdue: past the deadline (a China date) and not verified, as the server counts it', () => {
  assert.equal(isOverdue(finding(), '2026-07-10'), false) // due today is not late
  assert.equal(isOverdue(finding(), '2026-07-11'), true)
  assert.equal(isOverdue(finding({ action_status: 'fixed_reported' }), '2026-07-11'), true)
  assert.equal(isOverdue(finding({ action_status: 'verified' }), '2026-07-11'), false)
  assert.equal(isOverdue(finding({ action_status: 'closed' }), '2026-07-11'), false)
  assert.equal(isOverdue(finding({ status: 'withdrawn' }), '2026-07-11'), false)
  assert.equal(isOverdue(finding({ deadline: undefined }), '2030-01-01'), false)
  // 2026-07-10 16:30 UTC is already the 11th in China
  assert.equal(chinaDay(Date.parse('2026-07-10T16:30:00Z')), '2026-07-11')
})
