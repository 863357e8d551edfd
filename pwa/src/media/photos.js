// @ts-check
// Photos and signature images on the device: downscaled once (longest side 2048 px, JPEG),
// hashed once (SHA-256 of the stored bytes, never of the file picker's copy again), kept in
// IndexedDB as Blobs with a thumbnail, and uploaded later by sync/uploads.js.
import { sha256Hex } from '../lib/canonical.js'
import { keepExif } from './exif.js'

export const MAX_SIDE = 2048
export const THUMB_SIDE = 320
export const JPEG_QUALITY = 0.85

/** @typedef {import('idb').IDBPDatabase<any>} DB */

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

/**
 * Keep evidence bytes on the device until uploaded. Idempotent by hash.
 * @param {DB} db
 * @param {{blob: Blob, thumb?: Blob|null, sha256: string, media_type: string, width?: number, height?: number}} prepared
 * @param {{kind: 'photo'|'signature', inspection_id: string, path: string}} where
 */
export async function storeBlob(db, prepared, where) {
  const tx = db.transaction('blobs', 'readwrite')
  const held = await tx.store.get(prepared.sha256)
  if (!held) {
    await tx.store.put({
      sha256: prepared.sha256,
      blob: prepared.blob,
      thumb: prepared.thumb || null,
      media_type: prepared.media_type,
      size: prepared.blob.size,
      width: prepared.width,
      height: prepared.height,
      kind: where.kind,
      inspection_id: where.inspection_id,
      path: where.path,
      created_at: Date.now(),
      state: 'pending',
      upload_url: null,
      offset: 0,
    })
  }
  await tx.done
  return prepared.sha256
}

/** @type {Map<string, string>} */
const urls = new Map()

/**
 * An object URL showing a blob: the local thumbnail (or image), else the server's thumbnail
 * fetched with the token; null when neither is at hand (offline, another device's photo).
 * @param {DB} db @param {string} sha256 @param {string|null} token
 */
export async function thumbUrl(db, sha256, token) {
  const held = urls.get(sha256)
  if (held) return held
  const record = await db.get('blobs', sha256)
  let blob = record ? record.thumb || record.blob : null
  if (!blob && token) {
    try {
      const kind = 'thumb'
      const response = await fetch(`/api/blobs/${sha256}?variant=${kind}`, { headers: { Authorization: `Bearer ${token}` } })
      if (response.ok) blob = await response.blob()
    } catch {
      blob = null
    }
  }
  if (!blob) return null
  const url = URL.createObjectURL(blob)
  urls.set(sha256, url)
  return url
}

const DONE = new Set(['approved', 'rejected', 'deleted'])

/**
 * Free the device of evidence the server holds and no open inspection here needs: uploaded
 * blobs of inspections that are closed (approved, rejected, deleted) or gone from the device.
 * @param {DB} db
 */
export async function pruneBlobs(db) {
  const tx = db.transaction(['blobs', 'docs', 'outbox'], 'readwrite')
  const docs = new Map((await tx.objectStore('docs').getAll()).map((d) => [d.id, d]))
  const pending = new Set((await tx.objectStore('outbox').getAll()).map((r) => r.inspection_id))
  let cursor = await tx.objectStore('blobs').openCursor()
  let freed = 0
  while (cursor) {
    const blob = cursor.value
    const doc = docs.get(blob.inspection_id)
    const closed = doc ? DONE.has(doc.view?.status) : !pending.has(blob.inspection_id)
    if (blob.state === 'uploaded' && closed && !pending.has(blob.inspection_id)) {
      await cursor.delete()
      freed += 1
    }
    cursor = await cursor.continue()
  }
  await tx.done
  return freed
}
