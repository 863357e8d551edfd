// @ts-check
// A signature pad: strokes drawn with pointer events (finger, stylus, mouse) on a canvas,
// exported as a small PNG. The sign op's value binds the drawing to the content it covers.
import { contentHash } from '../lib/canonical.js'

/**
 * Attach drawing to a canvas. Returns the pad's controls.
 * @param {HTMLCanvasElement} canvas
 */
export function createPad(canvas) {
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'))
  let strokes = 0
  let drawing = false
  /** @type {{x: number, y: number}|null} */
  let last = null

  function fit() {
    const ratio = Math.min(2, window.devicePixelRatio || 1)
    const rect = canvas.getBoundingClientRect()
    canvas.width = Math.round(rect.width * ratio)
    canvas.height = Math.round(rect.height * ratio)
    ctx.scale(ratio, ratio)
    ctx.lineWidth = 2.5
    ctx.lineCap = 'round'
    ctx.lineJoin = 'round'
    ctx.strokeStyle = '#111827'
    strokes = 0
  }

  /** @param {PointerEvent} e */
  function point(e) {
    const rect = canvas.getBoundingClientRect()
    return { x: e.clientX - rect.left, y: e.clientY - rect.top }
  }

  canvas.addEventListener('pointerdown', (e) => {
    e.preventDefault()
    canvas.setPointerCapture(e.pointerId)
    drawing = true
    last = point(e)
    ctx.beginPath()
    ctx.arc(last.x, last.y, 1, 0, Math.PI * 2)
    ctx.fillStyle = '#111827'
    ctx.fill()
    strokes += 1
  })
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing || !last) return
    e.preventDefault()
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [e]
    ctx.beginPath()
    ctx.moveTo(last.x, last.y)
    for (const each of events.length ? events : [e]) {
      const p = point(each)
      ctx.lineTo(p.x, p.y)
      last = p
    }
    ctx.stroke()
  })
  const stop = () => {
    drawing = false
    last = null
  }
  canvas.addEventListener('pointerup', stop)
  canvas.addEventListener('pointercancel', stop)
  fit()

  return {
    clear() {
      ctx.save()
      ctx.setTransform(1, 0, 0, 1, 0, 0)
      ctx.clearRect(0, 0, canvas.width, canvas.height)
      ctx.restore()
      strokes = 0
    },
    isEmpty() {
      return strokes === 0
    },
    /** @returns {Promise<Blob>} */
    toPng() {
      return new Promise((resolve, reject) =>
        canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no image'))), 'image/png'),
      )
    },
  }
}

/** Now as RFC 3339 with the device's offset: 2026-11-22T10:00:00+08:00. @param {Date} [date] */
export function rfc3339(date = new Date()) {
  const pad = (/** @type {number} */ n) => String(Math.floor(Math.abs(n))).padStart(2, '0')
  const offset = -date.getTimezoneOffset()
  const sign = offset >= 0 ? '+' : '-'
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(offset / 60)}:${pad(offset % 60)}`
  )
}

/**
 * The value of a sign op for a drawn signature.
 * @param {any} schema @param {Record<string, any>} answers @param {string} path
 * @param {{image_sha256: string, signer_name: string, signer_role: string}} who
 */
export async function signedValue(schema, answers, path, who) {
  return {
    status: 'signed',
    image_sha256: who.image_sha256,
    signer_name: who.signer_name.trim(),
    signer_role: who.signer_role.trim(),
    signed_at: rfc3339(),
    content_hash: await contentHash(schema, answers, path),
  }
}

/**
 * The value of a sign op recording a refusal (with a witness where the checklist asks for one).
 * @param {any} schema @param {Record<string, any>} answers @param {string} path
 * @param {{signer_name: string, signer_role: string, reason: string, witness_name?: string, witness_image_sha256?: string}} who
 */
export async function refusedValue(schema, answers, path, who) {
  /** @type {Record<string, string>} */
  const value = {
    status: 'refused',
    signer_name: who.signer_name.trim(),
    signer_role: who.signer_role.trim(),
    reason: who.reason.trim(),
    refused_at: rfc3339(),
    content_hash: await contentHash(schema, answers, path),
  }
  if (who.witness_name?.trim()) value.witness_name = who.witness_name.trim()
  if (who.witness_image_sha256) value.witness_image_sha256 = who.witness_image_sha256
  return value
}

/**
 * Whether a signature still matches the answers it covers (false: changed after signing).
 * @param {any} schema @param {Record<string, any>} answers @param {string} path
 */
export async function signatureCurrent(schema, answers, path) {
  const value = answers[path]
  if (!value || typeof value !== 'object') return true
  return value.content_hash === (await contentHash(schema, answers, path))
}
