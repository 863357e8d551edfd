// @ts-check
// Evidence on the device (the IndexedDB "blobs" store): photos, signature images and voice memos kept as
// Blobs with a thumbnail until uploaded (uploads.js), shown from there or, for evidence this
// device does not hold, from the server's thumbnail; and freed once the server holds them and no
// open inspection here needs them. No DOM: the service worker's sync prunes them too.
// A photo's camera original is a record of its own (role 'original', keyed by the capture hash),
// linked to its light version (light_sha256), which carries the chain of custody to declare.

/** @typedef {import('idb').IDBPDatabase<any>} DB */

/**
 * Keep evidence bytes on the device until uploaded. Idempotent by hash.
 * @param {DB} db
 * @param {{blob: Blob, thumb?: Blob|null, sha256: string, media_type: string, width?: number, height?: number,
 *   original?: {blob: Blob, sha256: string, media_type: string, custody: Record<string, any>}|null}} prepared
 * @param {{kind: 'photo'|'signature'|'audio', inspection_id: string, path: string, originals?: 'wifi'|'required'}} where
 */
export async function storeBlob(db, prepared, where) {
  const tx = db.transaction('blobs', 'readwrite')
  const held = await tx.store.get(prepared.sha256)
  const original = where.kind === 'photo' && prepared.original && prepared.original.sha256 !== prepared.sha256 ? prepared.original : null
  if (original && !(await tx.store.get(original.sha256))) {
    await tx.store.put({
      sha256: original.sha256,
      blob: original.blob,
      thumb: null,
      media_type: original.media_type,
      size: original.blob.size,
      kind: 'photo',
      role: 'original',
      light_sha256: prepared.sha256,
      originals: where.originals || 'wifi',
      inspection_id: where.inspection_id,
      path: where.path,
      created_at: Date.now(),
      state: 'pending',
      upload_url: null,
      offset: 0,
    })
  }
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
      ...(original ? { capture_sha256: original.sha256, custody: original.custody, custody_state: 'pending' } : {}),
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

/**
 * An object URL playing a voice memo: the bytes kept here, else the server's, fetched with the token
 * (an <audio> element cannot send it); null when neither is at hand.
 * @param {DB} db @param {string} sha256 @param {string|null} token
 */
export async function audioUrl(db, sha256, token) {
  const held = urls.get(sha256)
  if (held) return held
  const record = await db.get('blobs', sha256)
  let blob = record?.blob || null
  if (!blob && token) {
    try {
      const response = await fetch(`/api/blobs/${sha256}`, { headers: { Authorization: `Bearer ${token}` } })
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
