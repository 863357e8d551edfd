// @ts-check
// Evidence upload: ask which hashes the server lacks (POST /api/blobs/missing), then send each
// missing blob resumably with tus 1.0 (POST to create, PATCH chunks, HEAD to find the offset
// after a cut). The upload URL and offset are kept in the blob's record, so a reload resumes.
// Light versions, signatures and voice memos go first, so the form syncs fast; then each light photo's chain of
// custody (PUT /api/blobs/{sha}/custody); then the camera originals, on Wi-Fi, when the inspector
// allows it (meta 'originals' = 'always'), or always when the checklist requires them.
import { ApiError, NetworkError, problemName } from '../lib/api.js'

export const CHUNK_BYTES = 256 * 1024
const TUS = { 'Tus-Resumable': '1.0.0' }
/** @type {Record<string, string>} */
const EXTENSIONS = { 'image/png': 'png', 'image/svg+xml': 'svg', 'audio/webm': 'webm', 'audio/ogg': 'ogg', 'audio/mp4': 'm4a' }

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
          filename: `${record.sha256.slice(0, 12)}.${EXTENSIONS[record.media_type] || 'jpg'}`,
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
 * Whether a camera original may be sent now: its checklist requires originals, the inspector
 * allows them on any network, or the phone is on Wi-Fi (as navigator.connection tells, where present).
 * @param {{originals?: string}} record @param {string|undefined} allow @param {any} [connection]
 */
export function originalAllowed(record, allow, connection = globalThis.navigator && /** @type {any} */ (globalThis.navigator).connection) {
  if (record.originals === 'required' || allow === 'always') return true
  return connection?.type === 'wifi' || connection?.type === 'ethernet'
}

/**
 * What to send, in order: first every waiting light version and signature; the camera originals
 * come in a second round, once their light version is on the server (or gone from the device).
 * @param {any[]} records @param {'light'|'original'} round @param {string|undefined} allow @param {any} [connection]
 */
export function uploadRound(records, round, allow, connection) {
  const waiting = records.filter((b) => b.state !== 'uploaded' && b.state !== 'refused')
  if (round === 'light') return waiting.filter((b) => b.role !== 'original')
  const lights = new Map(records.map((b) => [b.sha256, b]))
  return waiting.filter((b) => {
    if (b.role !== 'original') return false
    const light = lights.get(b.light_sha256)
    return (!light || light.state === 'uploaded') && originalAllowed(b, allow, connection)
  })
}

/** Which of these hashes the server lacks (for this user). @param {string[]} hashes @param {string} token */
async function missingOf(hashes, token) {
  const missing = new Set()
  for (let i = 0; i < hashes.length; i += 500) {
    const response = await tusFetch('/api/blobs/missing', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ hashes: hashes.slice(i, i + 500) }),
    })
    if (!response.ok) throw new ApiError(response.status, await problemOf(response))
    for (const sha of (await response.json()).missing) missing.add(sha)
  }
  return missing
}

/**
 * Send each record the server lacks; those it refuses for good are marked 'refused' with the problem.
 * @param {DB} db @param {any[]} records @param {string} token @param {() => void} onDone
 */
async function sendEach(db, records, token, onDone) {
  const missing = await missingOf(records.map((b) => b.sha256), token)
  for (const record of records) {
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
    onDone()
  }
}

/**
 * Declare the chain of custody of each uploaded light photo not yet declared: its capture hash,
 * time, device and position. Refused (409: another capture hash) is kept with the problem.
 * @param {DB} db @param {string} token
 */
export async function declareCustody(db, token) {
  const due = (await db.getAll('blobs')).filter((b) => b.custody && b.custody_state === 'pending' && b.state === 'uploaded')
  for (const record of due) {
    const response = await tusFetch(`/api/blobs/${record.sha256}/custody`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(record.custody),
    })
    if (response.ok) await updateBlob(db, record.sha256, { custody_state: 'sent' })
    else if (response.status >= 500 || response.status === 401) throw new ApiError(response.status, await problemOf(response))
    else await updateBlob(db, record.sha256, { custody_state: 'refused', custody_problem: await problemOf(response) })
  }
}

/**
 * Upload every blob not yet on the server: light versions and signatures, then the custody of
 * light photos, then the camera originals allowed now. Blobs the server refuses (not an image, too
 * large) are marked 'refused' with the problem, shown to the inspector, and not retried.
 * @param {DB} db @param {string} token
 * @param {(done: number, total: number) => void} [onProgress]
 * @param {{connection?: any}} [options] the network as navigator.connection tells it (tests)
 */
export async function uploadAll(db, token, onProgress, options = {}) {
  const allow = await db.get('meta', 'originals')
  const connection = 'connection' in options ? options.connection : undefined
  const light = uploadRound(await db.getAll('blobs'), 'light', allow, connection)
  let done = 0
  let total = light.length
  const step = () => {
    done += 1
    onProgress?.(done, total)
  }
  if (light.length) {
    onProgress?.(done, total)
    await sendEach(db, light, token, step)
  }
  await declareCustody(db, token)
  const originals = uploadRound(await db.getAll('blobs'), 'original', allow, connection)
  total += originals.length
  if (originals.length) await sendEach(db, originals, token, step)
  return { done, total }
}
