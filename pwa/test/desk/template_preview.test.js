// The preview keeps the answers typed into it: at an item, or inside a group's entry.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setAnswer } from '../../src/desk/template_preview.js'

test('answers set and cleared at an item or inside an entry', () => {
  const answers = {}
  setAnswer(answers, 'temp', 3)
  setAnswer(answers, 'stalls/e1/clean', 'pass')
  assert.deepEqual(answers, { temp: 3, stalls: { e1: { clean: 'pass' } } })
  setAnswer(answers, 'temp', null)
  setAnswer(answers, 'stalls/e1/clean', null)
  assert.deepEqual(answers, { stalls: { e1: {} } })
})
