// The voice memo under an item's note (DOM through linkedom): the type recorded, the record
// button, playback, deletion after a confirmation, and a refused microphone said in words.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseHTML } from 'linkedom'
import { baseMime, clock, pickMime, voiceMemo, MAX_VOICE_MS, VOICE_TYPES } from '../../src/form/voice.js'
import { setLang } from '../../src/i18n/index.js'

const { document, window } = parseHTML('<!doctype html><html><body></body></html>')
Object.assign(globalThis, { document, Node: window.Node })
setLang('zh')

const voice = { sha256: 'b'.repeat(64), mime: 'audio/webm', duration_ms: 83_400, bytes: 30_000 }

test('Chromium records WebM/Opus, iOS Safari MP4; the server is told the container only', () => {
  assert.equal(pickMime((type) => type.startsWith('audio/webm')), 'audio/webm;codecs=opus')
  assert.equal(pickMime((type) => type === 'audio/mp4'), 'audio/mp4')
  assert.equal(pickMime(() => false), '')
  assert.equal(VOICE_TYPES[0], 'audio/webm;codecs=opus')
  assert.equal(baseMime('audio/webm;codecs=opus'), 'audio/webm')
  assert.equal(baseMime('Audio/MP4'), 'audio/mp4')
  assert.equal(clock(83_400), '1:23')
  assert.equal(clock(MAX_VOICE_MS), '2:00')
})

test('an editable note offers 录音; a memo plays in place; a read-only note without one shows nothing', async () => {
  const urls = []
  const ctx = { readOnly: false, saveVoice: () => {}, deleteVoice: () => {}, voiceUrl: async (sha) => (urls.push(sha), 'blob:memo') }
  const empty = voiceMemo('i', 'licence', undefined, ctx)
  const record = empty.querySelector('[data-action="voice-record"]')
  assert.match(record.textContent, /录音/)
  assert.equal(record.getAttribute('title'), '为此项录制语音备注')
  assert.ok(record.className.includes('voice-btn'))
  assert.equal(empty.querySelector('audio'), null)
  const held = voiceMemo('i', 'licence', { text: '', voice }, ctx)
  const audio = held.querySelector('audio')
  assert.equal(audio.getAttribute('data-voice-sha256'), voice.sha256)
  assert.ok(audio.hasAttribute('controls'))
  assert.match(held.textContent, /语音备注 1:23/)
  assert.match(held.querySelector('[data-action="voice-record"]').textContent, /重录/) // a new one replaces it
  await new Promise((resolve) => setTimeout(resolve, 0))
  assert.deepEqual(urls, [voice.sha256])
  assert.equal(audio.getAttribute('src') || audio.src, 'blob:memo')
  assert.equal(voiceMemo('i', 'licence', { text: 'x' }, { readOnly: true }), null)
  const desk = voiceMemo('i', 'licence', { text: '', voice }, { readOnly: true, voiceUrl: async () => null })
  assert.equal(desk.querySelector('[data-action]'), null) // the desk plays, never records or deletes
})

test('deleting a memo asks first; no is no', () => {
  const deleted = []
  const ctx = { readOnly: false, saveVoice: () => {}, deleteVoice: (path) => deleted.push(path), voiceUrl: async () => null }
  const el = voiceMemo('i', 'licence', { text: '', voice }, ctx)
  const asked = []
  globalThis.confirm = (text) => (asked.push(text), false)
  el.querySelector('[data-action="voice-delete"]').dispatchEvent(new window.Event('click'))
  assert.deepEqual(deleted, [])
  globalThis.confirm = (text) => (asked.push(text), true)
  el.querySelector('[data-action="voice-delete"]').dispatchEvent(new window.Event('click'))
  assert.deepEqual(deleted, ['licence'])
  assert.deepEqual(asked, ['确定删除这段语音备注？', '确定删除这段语音备注？'])
})

test('a refused microphone is said in words, and stays said when the page renders again', async () => {
  globalThis.MediaRecorder = class { static isTypeSupported() { return true } }
  Object.defineProperty(globalThis, 'navigator', {
    value: { mediaDevices: { getUserMedia: async () => { throw Object.assign(new Error('denied'), { name: 'NotAllowedError' }) } } },
    configurable: true,
  })
  const ctx = { readOnly: false, saveVoice: () => assert.fail('nothing was recorded'), voiceUrl: async () => null }
  const el = voiceMemo('i2', 'temp', undefined, ctx)
  document.body.append(el)
  el.querySelector('[data-action="voice-record"]').dispatchEvent(new window.Event('click'))
  await new Promise((resolve) => setTimeout(resolve, 0))
  const said = el.querySelector('[data-voice-error]')
  assert.equal(said.getAttribute('data-voice-error'), 'voice_denied')
  assert.match(said.textContent, /无法使用麦克风/)
  assert.match(said.textContent, /文字备注仍可使用/)
  const again = voiceMemo('i2', 'temp', undefined, ctx)
  assert.match(again.querySelector('[data-voice-error]').textContent, /无法使用麦克风/)
})
