// One finding at the desk: the failed answer as text.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { answerText } from '../../src/desk/finding.js'
import { setLang } from '../../src/i18n/index.js'

test('failed answers read as text', () => {
  setLang('zh')
  assert.equal(answerText('fail'), '不合格')
  assert.equal(answerText(-10), '-10')
  assert.equal(answerText(['dirty', 'dark']), 'dirty、dark')
  assert.equal(answerText(null), '—')
})
