// @ts-check
// Photos prepared on the device: downscaled once (longest side 2048 px, JPEG), hashed once
// (SHA-256 of the stored bytes, never of the file picker's copy again), with a thumbnail; then
// kept in IndexedDB by sync/blobs.js and uploaded later by sync/uploads.js. The camera's own file
// is kept too, as taken: its SHA-256 (the capture hash) is taken at once, with the capture time,
// the device and the position where known, so the server can verify the original when it arrives.
import { sha256Hex } from '../lib/canonical.js'
import { exifFacts, findExif, keepExif } from './exif.js'

export const MAX_SIDE = 2048
export const THUMB_SIDE = 320
export const JPEG_QUALITY = 0.85
export const ORIGINAL_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif']


/** The size that fits `max` on the longest side. @param {number} w @param {number} h @param {number} max */
export function fitSize(w, h, max) {
  const scale = Math.min(1, max / Math.max(w, h))
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) }
}

/** Draw a bitmap at a size and encode it. @param {ImageBitmap} bitmap @param {{width: number, height: number}} size @param {string} type @param {number} [quality] */
async function encode(bitmap, size, type, quality) {
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(size.width, size.height)
    const ctx = /** @type {OffscreenCanvasRenderingContext2D} */ (canvas.getContext('2d'))
    ctx.drawImage(bitmap, 0, 0, size.width, size.height)
    return canvas.convertToBlob({ type, quality })
  }
  const canvas = document.createElement('canvas')
  canvas.width = size.width
  canvas.height = size.height
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'))
  ctx.drawImage(bitmap, 0, 0, size.width, size.height)
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encoding failed'))), type, quality),
  )
}

/**
 * Prepare a picked photo: upright (EXIF orientation applied), at most 2048 px, JPEG, with the
 * camera's EXIF (capture time, GPS) carried over; hashed once; plus a thumbnail.
 * @param {Blob} file
 */
export async function preparePhoto(file) {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
  try {
    const size = fitSize(bitmap.width, bitmap.height, MAX_SIDE)
    const encoded = await encode(bitmap, size, 'image/jpeg', JPEG_QUALITY)
    const blob = await keepExif(file, encoded)
    const thumb = await encode(bitmap, fitSize(bitmap.width, bitmap.height, THUMB_SIDE), 'image/jpeg', 0.7)
    const sha256 = await sha256Hex(await blob.arrayBuffer())
    const original = await captureRecord(file)
    return { blob, thumb, sha256, width: size.width, height: size.height, media_type: 'image/jpeg', original }
  } finally {
    bitmap.close()
  }
}

/**
 * The camera file as taken, for the chain of custody: its bytes, their SHA-256 (the capture hash),
 * capture time and device (the camera's EXIF, else the file's time and the browser), position (a
 * recent fix, only if already permitted, else the EXIF GPS); null for a file the server would not
 * take as a photo.
 * @param {Blob} file
 */
export async function captureRecord(file) {
  const media_type = ORIGINAL_TYPES.includes(file.type) ? file.type : null
  if (!media_type) return null
  const bytes = new Uint8Array(await file.arrayBuffer())
  const sha256 = await sha256Hex(bytes)
  const segment = findExif(bytes.subarray(0, 256 * 1024))
  const exif = segment ? exifFacts(segment) : {}
  const modified = /** @type {File} */ (file).lastModified
  const fix = await position()
  return {
    blob: file,
    sha256,
    media_type,
    custody: {
      capture_sha256: sha256,
      captured_at: exif.captured_at || (Number.isFinite(modified) ? new Date(modified).toISOString() : null),
      device: exif.device || deviceName(),
      ...(fix.lat !== undefined ? fix : exif.lat !== undefined ? { lat: exif.lat, lon: exif.lon } : {}),
    },
  }
}

/** The phone as the browser names it (model where the browser tells it). */
export function deviceName() {
  if (typeof navigator === 'undefined') return null
  return (navigator.userAgent || '').slice(0, 200) || null
}

/** A recent position, asked only when already permitted (never a prompt while attaching). @returns {Promise<{lat?: number, lon?: number, accuracy_m?: number}>} */
async function position() {
  try {
    if (typeof navigator === 'undefined' || !navigator.geolocation || !navigator.permissions) return {}
    const state = await navigator.permissions.query({ name: 'geolocation' })
    if (state.state !== 'granted') return {}
    /** @type {GeolocationPosition} */
    const fix = await new Promise((resolve, reject) =>
      navigator.geolocation.getCurrentPosition(resolve, reject, { maximumAge: 300000, timeout: 3000 }),
    )
    return { lat: fix.coords.latitude, lon: fix.coords.longitude, accuracy_m: fix.coords.accuracy }
  } catch {
    return {}
  }
}
