// The interface texts: Chinese with full-width punctuation after Chinese text, and each text in
// its one language (no "批准 / Approve" pairs once a language is chosen).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { colon, setLang, t, TEXT_KEYS } from '../../src/i18n/index.js'

const CJK = /[\u4e00-\u9fff]/
// the language switch names the other language in that language
const SWITCH = new Set(['language'])

/** Both versions of every text. */
function texts() {
  return TEXT_KEYS.map((key) => {
    setLang('zh')
    const zh = t(/** @type {any} */ (key))
    setLang('en')
    const en = t(/** @type {any} */ (key))
    setLang('zh')
    return { key, zh, en }
  })
}

test('a colon after Chinese text is the full-width one', () => {
  const halfWidth = texts().filter(({ zh }) => /[\u4e00-\u9fff）][:;,!?](\s|$)/.test(zh))
  assert.deepEqual(halfWidth, [])
})

test('each text is in one language: no Chinese in English, no English words paired onto Chinese', () => {
  const mixed = texts().filter(({ key, zh, en }) =>
    !SWITCH.has(key) && (CJK.test(en) || / \/ [A-Za-z]{2,}/.test(zh) || /[A-Za-z][a-z]{2,} [\u4e00-\u9fff]/.test(zh)))
  assert.deepEqual(mixed, [])
})

test('the colon after a label follows the language', () => {
  setLang('zh')
  assert.equal(`${t('clause')}${colon()}4.1`, '依据：4.1')
  setLang('en')
  assert.equal(`${t('clause')}${colon()}4.1`, 'Clause: 4.1')
  setLang('zh')
})
