// @ts-check
// Evidence upload: ask which hashes the server lacks (POST /api/blobs/missing), then send each
// missing blob resumably with tus 1.0 (POST to create, PATCH chunks, HEAD to find the offset
// after a cut). The upload URL and offset are kept in the blob's record, so a reload resumes.
import { ApiError, NetworkError, problemName } from '../lib/api.js'

export const CHUNK_BYTES = 256 * 1024
const TUS = { 'Tus-Resumable': '1.0.0' }

/** @typedef {import('idb').IDBPDatabase<any>} DB */

/** tus Upload-Metadata: "key base64(value)" pairs. @param {Record<string, string>} pairs */
export function tusMetadata(pairs) {
  return Object.entries(pairs)
    .map(([k, v]) => `${k} ${btoa(String.fromCharCode(...new TextEncoder().encode(v)))}`)
    .join(',')
}

/** @param {string} url @param {RequestInit} init */
async function tusFetch(url, init) {
  try {
    return await fetch(url, { ...init, cache: 'no-store' })
  } catch (error) {
    throw new NetworkError(error)
  }
}

/** @param {Response} response */
async function problemOf(response) {
  try {
    return await response.json()
  } catch {
    return { type: 'about:blank', status: response.status, detail: response.statusText }
  }
}

/** @param {DB} db @param {string} sha256 @param {Record<string, any>} changes */
async function updateBlob(db, sha256, changes) {
  const tx = db.transaction('blobs', 'readwrite')
  const record = await tx.store.get(sha256)
  if (record) await tx.store.put({ ...record, ...changes })
  await tx.done
}

/**
 * Upload one blob record to the end, resuming where the server stands. Returns when stored.
 * @param {DB} db @param {any} record @param {string} token
 * @param {{chunkBytes?: number, onBytes?: (sent: number, total: number) => void, maxCuts?: number}} [options]
 */
export async function uploadBlob(db, record, token, options = {}) {
  const chunkBytes = options.chunkBytes || CHUNK_BYTES
  const auth = { Authorization: `Bearer ${token}` }
  const total = record.blob.size
  let url = record.upload_url || null
  let offset = 0
  let cuts = 0
  if (url) offset = await headOffset(url, auth)
  if (offset < 0) url = null
  if (!url) {
    const created = await tusFetch('/api/uploads', {
      method: 'POST',
      headers: {
        ...TUS,
        ...auth,
        'Upload-Length': String(total),
        'Upload-Metadata': tusMetadata({
          sha256: record.sha256,
          kind: record.kind,
          media_type: record.media_type,
          filename: `${record.sha256.slice(0, 12)}.${record.kind === 'signature' ? 'png' : 'jpg'}`,
        }),
      },
    })
    // 201 always: for bytes the organisation holds already, Upload-Offset is the full length and nothing is sent
    if (created.status !== 201) throw new ApiError(created.status, await problemOf(created))
    url = /** @type {string} */ (created.headers.get('Location'))
    offset = Number(created.headers.get('Upload-Offset') || 0)
    await updateBlob(db, record.sha256, { upload_url: url, state: 'uploading' })
  }
  while (offset < total) {
    const chunk = record.blob.slice(offset, offset + chunkBytes)
    let response
    try {
      response = await tusFetch(url, {
        method: 'PATCH',
        headers: { ...TUS, ...auth, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(offset) },
        body: chunk,
      })
    } catch (error) {
      cuts += 1
      if (cuts > (options.maxCuts ?? 3)) throw error
      const resumed = await headOffset(url, auth) // throws NetworkError while still offline
      if (resumed < 0) return uploadBlob(db, { ...record, upload_url: null }, token, options)
      offset = resumed
      continue
    }
    if (response.status === 409 && response.headers.get('Upload-Offset')) {
      offset = Number(response.headers.get('Upload-Offset'))
      continue
    }
    if (response.status === 404) return uploadBlob(db, { ...record, upload_url: null }, token, options)
    if (response.status !== 204) throw new ApiError(response.status, await problemOf(response))
    offset = Number(response.headers.get('Upload-Offset'))
    options.onBytes?.(offset, total)
    await updateBlob(db, record.sha256, { offset })
  }
}

/** The offset the server holds, or -1 when the upload is gone (expired). @param {string} url @param {Record<string, string>} auth */
async function headOffset(url, auth) {
  const response = await tusFetch(url, { method: 'HEAD', headers: { ...TUS, ...auth } })
  if (response.status === 404 || response.status === 410) return -1
  if (!response.ok) throw new ApiError(response.status, { status: response.status })
  return Number(response.headers.get('Upload-Offset') || 0)
}

/** Whether the server refused the bytes for good (not an image, too large, hash mismatch). @param {unknown} error @returns {error is ApiError} */
function isRefusal(error) {
  if (!(error instanceof ApiError)) return false
  return ['invalid-image', 'hash-mismatch', 'upload-too-large', 'unsupported-media-type', 'body-too-large', 'bad-request'].includes(
    problemName(error.problem),
  )
}

/**
 * Upload every blob not yet on the server. Blobs the server refuses (not an image, too large)
 * are marked 'refused' with the problem, shown to the inspector, and not retried.
 * @param {DB} db @param {string} token
 * @param {(done: number, total: number) => void} [onProgress]
 */
export async function uploadAll(db, token, onProgress) {
  const waiting = (await db.getAll('blobs')).filter((b) => b.state !== 'uploaded' && b.state !== 'refused')
  if (!waiting.length) return { done: 0, total: 0 }
  const missing = new Set()
  for (let i = 0; i < waiting.length; i += 500) {
    const hashes = waiting.slice(i, i + 500).map((b) => b.sha256)
    const response = await tusFetch('/api/blobs/missing', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ hashes }),
    })
    if (!response.ok) throw new ApiError(response.status, await problemOf(response))
    for (const sha of (await response.json()).missing) missing.add(sha)
  }
  let done = 0
  const total = waiting.length
  onProgress?.(done, total)
  for (const record of waiting) {
    if (missing.has(record.sha256)) {
      try {
        await uploadBlob(db, record, token)
      } catch (error) {
        if (!isRefusal(error)) throw error // offline, signed out, server trouble: retried later
        await updateBlob(db, record.sha256, { state: 'refused', problem: error.problem })
        continue
      }
    }
    await updateBlob(db, record.sha256, { state: 'uploaded', upload_url: null })
    done += 1
    onProgress?.(done, total)
  }
  return { done, total }
}
