// @ts-check
// Photos prepared on the device: downscaled once (longest side 2048 px, JPEG), hashed once
// (SHA-256 of the stored bytes, never of the file picker's copy again), with a thumbnail; then
// kept in IndexedDB by sync/blobs.js and uploaded later by sync/uploads.js.
import { sha256Hex } from '../lib/canonical.js'
import { keepExif } from './exif.js'

export const MAX_SIDE = 2048
export const THUMB_SIDE = 320
export const JPEG_QUALITY = 0.85


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
    return { blob, thumb, sha256, width: size.width, height: size.height, media_type: 'image/jpeg' }
  } finally {
    bitmap.close()
  }
}
