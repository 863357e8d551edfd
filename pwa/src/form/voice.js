// @ts-check
// A voice memo on any item's note, for a noisy basement where typing is slow: “录音” (tap to
// start, tap to stop; at most 120 s, with a running timer), recorded with MediaRecorder in what the
// browser supports (Chromium WebM/Opus, iOS Safari MP4/AAC), played back in place (<audio controls>)
// and deleted after a confirmation. The bytes are kept and sent by the page (ctx.saveVoice: IndexedDB,
// then the evidence upload queue); the note op names them by hash. A refused microphone says so in
// words and leaves the text note working. The one recording under way is kept here, by inspection
// and path, so a re-render (a sync ending) neither stops nor loses it.
import { h } from '../lib/dom.js'
import { t } from '../i18n/index.js'

export const MAX_VOICE_MS = 120_000
// in order of preference; the first the browser records is used
export const VOICE_TYPES = ['audio/webm;codecs=opus', 'audio/webm', 'audio/mp4', 'audio/ogg;codecs=opus']

/** @typedef {{sha256: string, mime: string, duration_ms: number, bytes: number}} Voice */
/**
 * @typedef {{
 *   readOnly: boolean,
 *   saveVoice?: (path: string, blob: Blob, durationMs: number) => Promise<void>|void,
 *   deleteVoice?: (path: string) => Promise<void>|void,
 *   voiceUrl?: (sha256: string) => Promise<string|null>,
 * }} VoiceContext
 */

/** The recording type to ask for, or '' when the browser records none. @param {(type: string) => boolean} supported */
export function pickMime(supported) {
  return VOICE_TYPES.find((type) => supported(type)) || ''
}

/** A media type without its parameters, as the server names the container ("audio/webm"). @param {string} type */
export function baseMime(type) {
  return type.split(';')[0].trim().toLowerCase()
}

/** "m:ss". @param {number} ms */
export function clock(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000))
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}

/** @type {{key: string, recorder: MediaRecorder, stream: MediaStream, started: number, timer: any, limit: any}|null} */
let active = null
/** @type {Map<string, string>} inspection/path → why recording failed (shown until the next try) */
const failed = new Map()

/**
 * The memo under an item's note: playback and delete when there is one, the record button while
 * the note is editable. @param {string} inspectionId @param {string} path
 * @param {{voice?: Voice}|undefined} note @param {VoiceContext} ctx
 */
export function voiceMemo(inspectionId, path, note, ctx) {
  const key = `${inspectionId}/${path}`
  const voice = note?.voice
  const editable = !ctx.readOnly && !!ctx.saveVoice
  if (!voice && !editable) return null
  return h('div', { class: 'voice-memo', 'data-voice': path },
    voice ? player(voice, ctx) : null,
    voice && editable && ctx.deleteVoice ? deleteButton(path, ctx.deleteVoice) : null,
    editable ? recordButton(key, path, ctx, !!voice) : null,
    failed.has(key) ? h('p', { class: 'num-note bad', role: 'alert', 'data-voice-error': failed.get(key) }, t(/** @type {any} */ (failed.get(key)))) : null)
}

/** @param {Voice} voice @param {VoiceContext} ctx */
function player(voice, ctx) {
  const audio = /** @type {HTMLAudioElement} */ (h('audio', { controls: true, preload: 'metadata', 'data-voice-sha256': voice.sha256, 'aria-label': t('voice_saved') }))
  const unavailable = h('span', { class: 'muted', hidden: true, 'data-voice-unavailable': '' }, t('voice_unavailable'))
  ctx.voiceUrl?.(voice.sha256).then((url) => {
    if (url) audio.src = url
    else unavailable.hidden = false
  })
  return h('div', { class: 'voice-player' },
    h('strong', null, `${t('voice_saved')} ${clock(voice.duration_ms)}`), audio, unavailable)
}

/** @param {string} path @param {(path: string) => Promise<void>|void} remove */
function deleteButton(path, remove) {
  return h('button', { type: 'button', class: 'btn small voice-btn', 'data-action': 'voice-delete', onclick: () => {
    if (confirm(t('voice_delete_confirm'))) remove(path)
  } }, t('voice_delete'))
}

/** Record (again, when a memo is held: the new one replaces it). @param {string} key @param {string} path @param {VoiceContext} ctx @param {boolean} held */
function recordButton(key, path, ctx, held) {
  const recording = active?.key === key
  const timer = h('span', { class: 'voice-timer', 'aria-live': 'off', 'data-voice-timer': key, hidden: !recording },
    recording && active ? t('voice_recording', { time: clock(Date.now() - active.started), max: clock(MAX_VOICE_MS) }) : '')
  const button = h('button', {
    type: 'button', class: ['btn small voice-btn', recording && 'recording'], 'data-action': recording ? 'voice-stop' : 'voice-record',
    'aria-pressed': recording ? 'true' : 'false', title: recording ? t('voice_stop') : t('voice_record_label'),
    onclick: () => {
      if (active?.key !== key) return start(key, path, ctx, held)
      stop()
      redraw(key, path, ctx, held)
    },
  }, h('span', { 'aria-hidden': 'true' }, recording ? '■ ' : '● '), recording ? t('voice_stop') : t(held ? 'voice_rerecord' : 'voice_memo'))
  return h('span', { class: 'voice-record' }, button, timer)
}

/** Start recording (stopping any other first). @param {string} key @param {string} path @param {VoiceContext} ctx @param {boolean} held */
async function start(key, path, ctx, held) {
  if (active) stop()
  failed.delete(key)
  const Recorder = globalThis.MediaRecorder
  const mime = Recorder ? pickMime((type) => Recorder.isTypeSupported(type)) : ''
  if (!Recorder || !navigator.mediaDevices?.getUserMedia) return refuse(key, path, 'voice_unsupported')
  /** @type {MediaStream} */
  let stream
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true })
  } catch {
    return refuse(key, path, 'voice_denied')
  }
  /** @type {MediaRecorder} */
  let recorder
  try {
    recorder = new Recorder(stream, mime ? { mimeType: mime } : undefined)
  } catch {
    stream.getTracks().forEach((track) => track.stop())
    return refuse(key, path, 'voice_unsupported')
  }
  /** @type {Blob[]} */
  const chunks = []
  recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data)
  const started = Date.now()
  recorder.onstop = () => {
    stream.getTracks().forEach((track) => track.stop())
    const blob = new Blob(chunks, { type: baseMime(recorder.mimeType || mime || 'audio/webm') })
    if (blob.size) ctx.saveVoice?.(path, blob, Math.min(MAX_VOICE_MS, Date.now() - started))
  }
  recorder.start(1000)
  active = {
    key, recorder, stream, started,
    timer: setInterval(tick, 250),
    limit: setTimeout(() => active?.key === key && stop(), MAX_VOICE_MS),
  }
  redraw(key, path, ctx, held)
}

function tick() {
  if (!active) return
  const text = t('voice_recording', { time: clock(Date.now() - active.started), max: clock(MAX_VOICE_MS) })
  for (const el of document.querySelectorAll('[data-voice-timer]')) {
    if (/** @type {HTMLElement} */ (el).dataset.voiceTimer === active.key) el.textContent = text
  }
}

/** The memo's place under the item at `path`, if shown. @param {string} path */
function slotOf(path) {
  return [...document.querySelectorAll('[data-voice]')].find((el) => /** @type {HTMLElement} */ (el).dataset.voice === path) || null
}

/** Stop the recording under way; its recorder's onstop hands the memo to the page. */
function stop() {
  if (!active) return
  const { recorder, timer, limit } = active
  clearInterval(timer)
  clearTimeout(limit)
  active = null
  if (recorder.state !== 'inactive') recorder.stop()
}

/** Say why there is no recording, in place and on later renders. @param {string} key @param {string} path @param {string} reason a text key */
function refuse(key, path, reason) {
  failed.set(key, reason)
  const slot = slotOf(path)
  slot?.querySelector('[data-voice-error]')?.remove()
  slot?.append(h('p', { class: 'num-note bad', role: 'alert', 'data-voice-error': reason }, t(/** @type {any} */ (reason))))
}

/** Show the recording state in place, before the page renders again. @param {string} key @param {string} path @param {VoiceContext} ctx @param {boolean} held */
function redraw(key, path, ctx, held) {
  slotOf(path)?.querySelector('.voice-record')?.replaceWith(recordButton(key, path, ctx, held))
}
