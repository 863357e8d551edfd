// @ts-check
// Scanning a QR code with the camera: the browser's BarcodeDetector where it has one, else jsQR
// (loaded only when first needed, as its own chunk) on frames drawn from the video. Resolves
// with the code's text, or null when cancelled or no camera could be opened.
import { h } from '../lib/dom.js'
import { t } from '../i18n/index.js'

const EVERY_MS = 120

/** @typedef {(video: HTMLVideoElement) => Promise<string|null>} Reader */

/** A reader of QR codes from video frames: BarcodeDetector, else jsQR. @returns {Promise<Reader>} */
async function qrReader() {
  const Detector = /** @type {any} */ (globalThis).BarcodeDetector
  if (Detector && (await Detector.getSupportedFormats?.())?.includes('qr_code')) {
    const detector = new Detector({ formats: ['qr_code'] })
    return async (video) => (await detector.detect(video))[0]?.rawValue ?? null
  }
  const jsQR = (await import('jsqr')).default
  const canvas = document.createElement('canvas')
  const context = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d', { willReadFrequently: true }))
  return async (video) => {
    if (!video.videoWidth) return null
    canvas.width = video.videoWidth
    canvas.height = video.videoHeight
    context.drawImage(video, 0, 0)
    const frame = context.getImageData(0, 0, canvas.width, canvas.height)
    return jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'dontInvert' })?.data ?? null
  }
}

/** Open the camera in a sheet and read the first QR code seen. @returns {Promise<string|null>} */
export function scanCode() {
  return new Promise((resolve) => {
    const video = /** @type {HTMLVideoElement} */ (h('video', { class: 'scan-video', playsinline: true, muted: true, autoplay: true }))
    const note = h('p', { class: 'muted', 'aria-live': 'polite' }, t('scan_hint'))
    /** @type {MediaStream|null} */
    let stream = null
    let open = true
    const sheet = h('div', { class: 'sheet scan-sheet', role: 'dialog', 'aria-modal': 'true', 'aria-label': t('scan_qr'), 'data-scan': 'starting' },
      h('div', { class: 'sheet-body' },
        h('h2', null, t('scan_qr')),
        h('div', { class: 'scan-frame' }, video),
        note,
        h('div', { class: 'sheet-actions' }, h('button', { type: 'button', class: 'btn', 'data-action': 'cancel-scan', onclick: () => close(null) }, t('cancel')))))
    document.body.append(sheet)

    /** @param {string|null} text */
    function close(text) {
      open = false
      for (const track of stream?.getTracks() || []) track.stop()
      sheet.remove()
      resolve(text)
    }

    const run = async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      } catch {
        note.textContent = t('scan_no_camera')
        sheet.dataset.scan = 'no-camera'
        return
      }
      if (!open) return close(null)
      video.srcObject = stream
      await video.play().catch(() => {})
      const read = await qrReader()
      sheet.dataset.scan = 'scanning'
      while (open) {
        const text = await read(video).catch(() => null)
        if (text) return close(text)
        await new Promise((r) => setTimeout(r, EVERY_MS))
      }
    }
    run()
  })
}
